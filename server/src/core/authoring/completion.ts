import { NAMESPACE_NAME_LABEL, type Inventory } from '../inventory/model';
import type { OffsetRange } from '../model/finding';
import { chunkStarts } from '../parse/manifest';
import type { AuthoringContext } from './context';
import { parseLabelSelector, selectorMatches, type LabelSelector } from '../selectors/labelSelector';
import { objectAt, sequenceIndent, yamlString } from './yamlText';

/**
 * Completion inside NetworkPolicy documents. The document under the cursor is usually half typed,
 * so the place is read from the lines' indentation (the keys above with less indentation), not from
 * a parse; the keys and their documentation come from the NetworkPolicy JSON schema, handed in
 * by the caller (the core reads no files).
 */

export type CompletionKind = 'property' | 'value' | 'labelKey' | 'labelValue' | 'namespace';

export interface CompletionEntry {
  readonly label: string;
  readonly kind: CompletionKind;
  readonly detail?: string;
  readonly documentation?: string;
  /** replaces `range` */
  readonly insertText: string;
  readonly range: OffsetRange;
  readonly sortText?: string;
}

/** The parts of a JSON schema completion reads. */
export interface SchemaNode {
  readonly description?: string;
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode;
  readonly additionalProperties?: SchemaNode | boolean;
  readonly enum?: readonly unknown[];
  readonly $ref?: string;
  readonly definitions?: Readonly<Record<string, SchemaNode>>;
}

interface Line {
  readonly indent: number;
  /** column of the line's key (after `- ` on an item's first line) */
  readonly keyCol: number;
  readonly dash: boolean;
  readonly key: string | undefined;
  /** text after `key:` (trimmed, comments kept out) */
  readonly value: string;
}

const KEY_LINE = /^( *)(- +)?(?:(["']?)([^"'\s:#][^:#]*?)\3[ \t]*:(?:[ \t]+|$)(.*))?(.*)$/;

function readLine(line: string): Line | undefined {
  const trimmed = line.replace(/\r$/, '');
  if (trimmed.trim() === '' || trimmed.trimStart().startsWith('#')) return undefined;
  const match = KEY_LINE.exec(trimmed);
  if (!match) return undefined;
  const indent = (match[1] ?? '').length;
  const dash = match[2] !== undefined;
  const keyCol = indent + (match[2] ?? '').length;
  const key = match[4];
  const value = (match[5] ?? '').replace(/\s+#.*$/, '').trim();
  return { indent, keyCol, dash, key, value };
}

/** The keys (path) of the map whose keys sit at column `col`, read from the lines above `lineIndex`. */
function parentPath(lines: readonly string[], lineIndex: number, col: number, dashCol?: number): string[] {
  const path: string[] = [];
  // on an item's first line, the item's `-` is the column the parent key can share
  let column = dashCol ?? col;
  let inSequence = dashCol !== undefined;
  for (let i = lineIndex - 1; i >= 0; i--) {
    const line = readLine(lines[i] ?? '');
    if (!line) continue;
    if (line.dash && line.keyCol === column && !inSequence) {
      // the first key of the item we are in: its `-` is the item's column
      column = line.indent;
      inSequence = true;
      continue;
    }
    const isParent = inSequence ? line.keyCol <= column : line.keyCol < column;
    if (!isParent) continue;
    if (line.key === undefined || line.value !== '') return path;
    path.unshift(line.key);
    column = line.keyCol;
    inSequence = false;
    if (line.dash) {
      column = line.indent;
      inSequence = true;
    }
  }
  return path;
}

/** The keys of the map at `col` around `lineIndex` (to leave out of key completion). */
function siblingKeys(lines: readonly string[], lineIndex: number, col: number): Set<string> {
  const keys = new Set<string>();
  const scan = (from: number, step: number): void => {
    for (let i = from; i >= 0 && i < lines.length; i += step) {
      const line = readLine(lines[i] ?? '');
      if (!line) continue;
      if (line.keyCol < col || (line.dash && line.keyCol === col && step > 0)) return;
      if (line.keyCol === col && line.key !== undefined) keys.add(line.key);
      if (line.dash && line.keyCol === col) return;
    }
  };
  scan(lineIndex - 1, -1);
  scan(lineIndex + 1, 1);
  return keys;
}

function resolve(schema: SchemaNode, root: SchemaNode): SchemaNode {
  let node = schema;
  for (let i = 0; i < 10 && node.$ref; i++) {
    const name = node.$ref.replace('#/definitions/', '');
    node = root.definitions?.[name] ?? {};
  }
  return node;
}

function isType(node: SchemaNode, type: string): boolean {
  return node.type === type || (Array.isArray(node.type) && node.type.includes(type));
}

/** The schema of the value at a key path: arrays are stepped through to their items. */
function schemaAt(root: SchemaNode, path: readonly string[]): SchemaNode | undefined {
  let node = resolve(root, root);
  for (const key of path) {
    if (isType(node, 'array') && node.items) node = resolve(node.items, root);
    const next = node.properties?.[key] ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
    if (!next) return undefined;
    node = resolve(next, root);
  }
  if (isType(node, 'array') && node.items) node = resolve(node.items, root);
  return node;
}

interface LabelStats {
  /** scope ('*' or a namespace) -> label key -> value -> workloads carrying it, computed on demand */
  readonly pods: Map<string, Map<string, Map<string, number>>>;
  readonly namespaces: Map<string, Map<string, number>>;
  /** workloads per namespace */
  readonly workloads: Map<string, number>;
}

const statsCache = new WeakMap<Inventory, LabelStats>();

function labelStats(inventory: Inventory): LabelStats {
  const cached = statsCache.get(inventory);
  if (cached) return cached;
  const workloads = new Map<string, number>();
  for (const [namespace, list] of inventory.workloadsByNamespace) workloads.set(namespace, list.length);
  const namespaces = new Map<string, Map<string, number>>();
  for (const info of inventory.namespaces.values()) {
    for (const [key, value] of Object.entries(info.labels)) {
      let byValue = namespaces.get(key);
      if (!byValue) namespaces.set(key, (byValue = new Map<string, number>()));
      byValue.set(value, (byValue.get(value) ?? 0) + 1);
    }
  }
  const stats = { pods: new Map<string, Map<string, Map<string, number>>>(), namespaces, workloads };
  statsCache.set(inventory, stats);
  return stats;
}

/** Label key -> value -> count over the workloads of a namespace ('*': all of them). */
function podLabels(inventory: Inventory, scope: string): Map<string, Map<string, number>> {
  const stats = labelStats(inventory);
  let byKey = stats.pods.get(scope);
  if (byKey) return byKey;
  byKey = new Map<string, Map<string, number>>();
  for (const workload of scope === '*' ? inventory.workloads : (inventory.workloadsByNamespace.get(scope) ?? [])) {
    for (const [key, value] of Object.entries(workload.podLabels)) {
      let byValue = byKey.get(key);
      if (!byValue) byKey.set(key, (byValue = new Map<string, number>()));
      byValue.set(value, (byValue.get(value) ?? 0) + 1);
    }
  }
  stats.pods.set(scope, byKey);
  return byKey;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

const VALUES: Readonly<Record<string, readonly [string, string][]>> = {
  policyTypes: [
    ['Ingress', 'Isolate the selected pods for incoming traffic: only what the ingress rules allow gets in.'],
    ['Egress', 'Isolate the selected pods for outgoing traffic: only what the egress rules allow gets out.'],
  ],
  protocol: [
    ['TCP', 'TCP (the default when protocol is omitted).'],
    ['UDP', 'UDP, for example DNS on port 53.'],
    ['SCTP', 'SCTP.'],
  ],
  operator: [
    ['In', 'The label is present with one of `values`.'],
    ['NotIn', 'The label is absent, or its value is not one of `values`.'],
    ['Exists', 'The label is present (no `values`).'],
    ['DoesNotExist', 'The label is absent (no `values`).'],
  ],
  apiVersion: [['networking.k8s.io/v1', 'The NetworkPolicy API version.']],
  kind: [['NetworkPolicy', '']],
};

/** The namespace of the policy being typed (its metadata.namespace line), or the default. */
function documentNamespace(chunk: string, fallback: string): string {
  const match = /^ {2}namespace:[ \t]*["']?([a-z0-9-]+)["']?[ \t]*(?:#.*)?$/m.exec(chunk);
  return match?.[1] ?? fallback;
}

function wordRange(text: string, offset: number, start: number): OffsetRange {
  let end = offset;
  while (end < text.length && /[\w./-]/.test(text[end] ?? '')) end++;
  return { start, end };
}

/** Completion items at an offset of the context's text; empty outside NetworkPolicy documents. */
export function completions(ctx: AuthoringContext, offset: number, schema: SchemaNode): CompletionEntry[] {
  const text = ctx.text;
  const starts = chunkStarts(text);
  let chunkStart = 0;
  for (const s of starts) if (s <= offset) chunkStart = s;
  const chunkEnd = starts.find((s) => s > offset) ?? text.length;
  const chunk = text.slice(chunkStart, chunkEnd);
  if (!/^kind:[ \t]*["']?NetworkPolicy["']?[ \t]*(?:#.*)?\r?$/m.test(chunk)) return [];
  const lines = chunk.split('\n');
  const local = offset - chunkStart;
  const lineIndex = chunk.slice(0, local).split('\n').length - 1;
  const lineStart = chunkStart + chunk.lastIndexOf('\n', local - 1) + 1;
  const prefix = text.slice(lineStart, offset);
  if (prefix.includes('#')) return [];
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const seqIndent = sequenceIndent(text);

  const valueMatch = /^( *)(- +)?(["']?)([^"'\s:#][^:#]*?)\3[ \t]*:[ \t]+(.*)$/.exec(prefix);
  const itemMatch = /^( *)- +([^:#]*)$/.exec(prefix);
  const keyMatch = /^( *)(- +)?([^\s:#"'-][^:#]*|)$/.exec(prefix);

  if (valueMatch) {
    const keyCol = (valueMatch[1] ?? '').length + (valueMatch[2] ?? '').length;
    const key = valueMatch[4] ?? '';
    const typed = valueMatch[5] ?? '';
    const wordStart = offset - (/[^\s[,]*$/.exec(typed)?.[0].length ?? 0);
    const path = parentPath(lines, lineIndex, keyCol, valueMatch[2] !== undefined ? (valueMatch[1] ?? '').length : undefined);
    return valueCompletions(ctx, chunk, [...path, key], wordRange(text, offset, wordStart), lines, lineIndex, keyCol);
  }
  const out: CompletionEntry[] = [];
  if (itemMatch) {
    // `- Ing|` under policyTypes, or `- ` starting an item's first key
    const dashCol = (itemMatch[1] ?? '').length;
    const typed = itemMatch[2] ?? '';
    const path = parentPath(lines, lineIndex, dashCol, dashCol);
    out.push(...valueCompletions(ctx, chunk, path, wordRange(text, offset, offset - typed.length), lines, lineIndex, dashCol));
  }
  if (keyMatch) {
    const keyCol = (keyMatch[1] ?? '').length + (keyMatch[2] ?? '').length;
    const typed = keyMatch[3] ?? '';
    const path = parentPath(lines, lineIndex, keyCol, keyMatch[2] !== undefined ? (keyMatch[1] ?? '').length : undefined);
    const range = wordRange(text, offset, offset - typed.length);
    const siblings = siblingKeys(lines, lineIndex, keyCol);
    const last = path[path.length - 1];
    if (last === 'matchLabels') {
      out.push(...labelKeys(ctx, chunk, path, range, siblings, (k) => `${yamlString(k)}: `));
      return out;
    }
    const node = schemaAt(schema, path);
    const indent = ' '.repeat(keyCol);
    for (const [name, property] of Object.entries(node?.properties ?? {})) {
      if (siblings.has(name)) continue;
      const resolved = resolve(property, schema);
      const insertText = isType(resolved, 'array')
        ? ['policyTypes', 'except', 'values'].includes(name)
          ? `${name}: [`
          : `${name}:${eol}${indent}${seqIndent}- `
        : isType(resolved, 'object')
          ? `${name}:${eol}${indent}  `
          : `${name}: `;
      out.push({
        label: name,
        kind: 'property',
        detail: Array.isArray(resolved.type) ? resolved.type.filter((t) => t !== 'null').join(' | ') : (resolved.type as string | undefined) ?? '',
        documentation: property.description ?? resolved.description ?? '',
        insertText,
        range,
      });
    }
  }
  return out;
}

function labelKeys(ctx: AuthoringContext, chunk: string, path: readonly string[], range: OffsetRange, taken: ReadonlySet<string>, insert: (key: string) => string): CompletionEntry[] {
  const stats = labelStats(ctx.inventory);
  const out: CompletionEntry[] = [];
  if (path.includes('namespaceSelector')) {
    for (const [key, values] of stats.namespaces) {
      if (taken.has(key)) continue;
      out.push({ label: key, kind: 'labelKey', detail: `on ${plural(sum(values), 'namespace')}`, documentation: `Namespace label ${key}: ${[...values.keys()].slice(0, 10).join(', ')}`, insertText: insert(key), range, sortText: key === NAMESPACE_NAME_LABEL ? '0' : `1${key}` });
    }
    return out;
  }
  const scope = podScope(ctx, chunk, path);
  for (const [key, values] of podLabels(ctx.inventory, scope)) {
    if (taken.has(key)) continue;
    out.push({ label: key, kind: 'labelKey', detail: `on ${plural(sum(values), 'workload')}${scope === '*' ? '' : ` in ${scope}`}`, documentation: [...values].slice(0, 10).map(([v, n]) => `${key}=${v} (${n})`).join(', '), insertText: insert(key), range });
  }
  return out;
}

function sum(values: ReadonlyMap<string, number>): number {
  let n = 0;
  for (const v of values.values()) n += v;
  return n;
}

/** The pods a podSelector can select: the policy's namespace for spec.podSelector and same-namespace peers, else all. */
function podScope(ctx: AuthoringContext, chunk: string, path: readonly string[]): string {
  const inPeer = path.includes('from') || path.includes('to');
  if (inPeer && /namespaceSelector/.test(chunk)) return '*';
  return documentNamespace(chunk, ctx.config.defaultNamespace);
}

/** The `key:` of the matchExpressions item holding `lineIndex`. */
function expressionKey(lines: readonly string[], lineIndex: number, col: number): string | undefined {
  for (let i = lineIndex; i >= 0; i--) {
    const line = readLine(lines[i] ?? '');
    if (!line) continue;
    if (line.keyCol < col - 2) break;
    if (line.key === 'key' && line.value !== '') return line.value.replace(/^["']|["']$/g, '');
    if (line.dash && line.keyCol <= col) break;
  }
  for (let i = lineIndex + 1; i < lines.length; i++) {
    const line = readLine(lines[i] ?? '');
    if (!line) continue;
    if (line.keyCol < col - 2 || line.dash) break;
    if (line.key === 'key' && line.value !== '') return line.value.replace(/^["']|["']$/g, '');
  }
  return undefined;
}

function valueCompletions(ctx: AuthoringContext, chunk: string, path: readonly string[], range: OffsetRange, lines: readonly string[], lineIndex: number, col: number): CompletionEntry[] {
  const field = path[path.length - 1];
  const parent = path[path.length - 2];
  if (field === undefined) return [];
  const fixed = VALUES[field];
  if (fixed) return fixed.map(([label, documentation]) => ({ label, kind: 'value', documentation, insertText: label, range }));
  const stats = labelStats(ctx.inventory);
  const labelValues = (key: string): CompletionEntry[] => {
    if (path.includes('namespaceSelector')) {
      return [...(stats.namespaces.get(key) ?? [])].map(([value]) => ({
        label: value,
        kind: key === NAMESPACE_NAME_LABEL ? 'namespace' : 'labelValue',
        detail: key === NAMESPACE_NAME_LABEL ? `namespace, ${plural(stats.workloads.get(value) ?? 0, 'workload')}` : `namespace label ${key}`,
        insertText: yamlString(value),
        range,
      }));
    }
    const scope = podScope(ctx, chunk, path);
    return [...(podLabels(ctx.inventory, scope).get(key) ?? [])].map(([value, n]) => ({
      label: value,
      kind: 'labelValue',
      detail: `${key}=${value} on ${plural(n, 'workload')}${scope === '*' ? '' : ` in ${scope}`}`,
      insertText: yamlString(value),
      range,
    }));
  };
  if (parent === 'matchLabels') return labelValues(field);
  if (parent === 'matchExpressions' && field === 'key') return labelKeys(ctx, chunk, path, range, new Set(), (k) => yamlString(k));
  if (field === 'values' && parent === 'matchExpressions') {
    const key = expressionKey(lines, lineIndex, col);
    return key ? labelValues(key) : [];
  }
  if (field === 'port' && parent === 'ports') return namedPorts(ctx, chunk, path, range);
  if (field === 'namespace' && parent === 'metadata') {
    return [...ctx.inventory.namespaces.keys()].map((ns) => ({ label: ns, kind: 'namespace', detail: `namespace, ${plural(stats.workloads.get(ns) ?? 0, 'workload')}`, insertText: yamlString(ns), range }));
  }
  return [];
}

/**
 * Port names of the destination pods: for ingress, the pods the policy selects (its podSelector as
 * typed so far); for egress, the pods of its namespace (the peers' pods are rarely complete yet).
 */
function namedPorts(ctx: AuthoringContext, chunk: string, path: readonly string[], range: OffsetRange): CompletionEntry[] {
  const namespace = documentNamespace(chunk, ctx.config.defaultNamespace);
  let selector: LabelSelector | undefined;
  if (path[1] === 'ingress') {
    const object = objectAt(chunk, 0);
    const value: unknown = object?.map.toJSON();
    const spec = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)['spec'] : undefined;
    selector = spec !== null && typeof spec === 'object' ? parseLabelSelector((spec as Record<string, unknown>)['podSelector']) : undefined;
  }
  const byName = new Map<string, { ports: Set<string>; workloads: string[] }>();
  for (const workload of ctx.inventory.workloadsByNamespace.get(namespace) ?? []) {
    if (selector && !selectorMatches(selector, workload.podLabels)) continue;
    for (const port of workload.ports) {
      if (!port.name) continue;
      let entry = byName.get(port.name);
      if (!entry) byName.set(port.name, (entry = { ports: new Set(), workloads: [] }));
      entry.ports.add(`${port.port}/${port.protocol}`);
      if (!entry.workloads.includes(workload.name)) entry.workloads.push(workload.name);
    }
  }
  return [...byName].map(([name, { ports, workloads }]) => ({
    label: name,
    kind: 'value',
    detail: `named port ${[...ports].join(', ')}`,
    documentation: `Defined by ${workloads.slice(0, 5).join(', ')}${workloads.length > 5 ? ` and ${workloads.length - 5} more` : ''} in ${namespace}.`,
    insertText: yamlString(name),
    range,
  }));
}
