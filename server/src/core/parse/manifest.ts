import { Alias, isAlias, isCollection, isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Document, Node as YamlNode, ParsedNode, YAMLMap } from 'yaml';
import type { Finding, OffsetRange } from '../model/finding';
import { RULES } from '../model/ruleCatalog';
import { createFastParse, type FastParse } from './fastYaml';
import { kubectlScalarTags } from './kubectlScalars';

/**
 * Parsing with ranges. A text is cut into chunks at document markers (a `---` line starts a new
 * document everywhere in YAML, even inside block scalars, so the cut is exact), and each chunk is
 * parsed on its own by `yaml`'s Parser + Composer. Chunks are cached by their text, so an edit
 * re-parses only the documents it touches.
 */

export type PathSegment = string | number;

export interface ManifestObject {
  readonly apiVersion: string | undefined;
  readonly kind: string | undefined;
  readonly name: string | undefined;
  readonly namespace: string | undefined;
  /** the object's map node; its ranges are relative to the chunk (add `baseOffset`) */
  readonly node: YAMLMap<unknown, unknown>;
  /** the plain value (aliases expanded, bounded) */
  readonly value: Record<string, unknown>;
  /** offset of the chunk in the whole text */
  readonly baseOffset: number;
  /** for items of a `List`: their index in `items` */
  readonly listIndex: number | undefined;
  /** the text of the chunk the node ranges refer to */
  readonly chunkText: string;
  /** set by the analyzer: the API server would reject this object (guardrails skip it) */
  readonly hasApiErrors?: boolean | undefined;
}

export interface ParsedChunk {
  readonly text: string;
  readonly objects: readonly ManifestObject[];
  /** syntax and shape findings, relative to the chunk */
  readonly findings: readonly Finding[];
}

export const YAML_OPTIONS = {
  // kubectl turns YAML into JSON with sigs.k8s.io/yaml (go-yaml v2): YAML 1.1 scalars, so
  // `yes`/`on` are booleans and `0777` is octal there. Parse the same way.
  schema: 'yaml-1.1',
  // ...but with go-yaml v2's scalar resolution where the `yaml` package's YAML 1.1 differs
  customTags: kubectlScalarTags,
  // Source tokens (the CST) would double the memory a parsed workspace keeps, and nothing reads
  // them: an edit re-parses the one document it changes, with tokens, when it needs them.
  keepSourceTokens: false,
  uniqueKeys: true,
  prettyErrors: false,
  merge: true,
} as const;

/** expansion bound for aliases (the `yaml` package's guard against "billion laughs") */
export const MAX_ALIAS_COUNT = 100;
export const MAX_DEPTH = 128;

const DOCUMENT_MARKER = /^(---|\.\.\.)(?=[ \t\r\n]|$)/;

/** Offsets where chunks start: 0 and every `---` line (with the directives just before it). */
export function chunkStarts(text: string): number[] {
  const starts = [0];
  let lineStart = 0;
  let directiveStart = -1;
  while (lineStart < text.length) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl < 0 ? text.length : nl + 1;
    const c = text.charCodeAt(lineStart);
    if (c === 45 /* - */ && text.startsWith('---', lineStart) && DOCUMENT_MARKER.test(text.slice(lineStart, lineStart + 4))) {
      const start = directiveStart >= 0 ? directiveStart : lineStart;
      if (start > 0 && start !== starts[starts.length - 1]) starts.push(start);
      directiveStart = -1;
    } else if (c === 37 /* % */) {
      if (directiveStart < 0) directiveStart = lineStart;
    } else {
      directiveStart = -1;
    }
    lineStart = lineEnd;
  }
  return starts;
}

function cleanMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '');
}

export function nodeRange(node: YamlNode | null | undefined): OffsetRange | undefined {
  const range = node?.range;
  if (!range) return undefined;
  return { start: range[0], end: range[1] };
}

/** Whether a text looks like a Kubernetes manifest, so its syntax errors are ours to report. */
export function looksLikeManifest(text: string): boolean {
  return /^[ \t]*["']?(apiVersion|kind)["']?[ \t]*:/m.test(text) || /"(apiVersion|kind)"\s*:/.test(text);
}

type Shape = 'ok' | 'cycle' | 'deep';

function valueShape(value: unknown): Shape {
  const ancestors = new Set<unknown>();
  const walk = (v: unknown, depth: number): Shape => {
    if (v === null || typeof v !== 'object') return 'ok';
    if (depth > MAX_DEPTH) return 'deep';
    if (ancestors.has(v)) return 'cycle';
    ancestors.add(v);
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    for (const child of children) {
      const shape = walk(child, depth + 1);
      if (shape !== 'ok') return shape;
    }
    ancestors.delete(v);
    return 'ok';
  };
  return walk(value, 0);
}

function stringField(value: Record<string, unknown>, key: string): string | undefined {
  const v = value[key];
  return typeof v === 'string' ? v : undefined;
}

function metadataField(value: Record<string, unknown>, key: string): string | undefined {
  const meta = value['metadata'];
  if (meta && typeof meta === 'object' && !Array.isArray(meta)) return stringField(meta as Record<string, unknown>, key);
  return undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * A ManifestObject whose node is built on first use: the fast path reads values only, and only
 * objects with a finding to place (a small minority) ever need their nodes.
 */
class ParsedObject implements ManifestObject {
  readonly apiVersion: string | undefined;
  readonly kind: string | undefined;
  readonly name: string | undefined;
  readonly namespace: string | undefined;

  constructor(
    private readonly nodeOf: () => YAMLMap<unknown, unknown>,
    readonly value: Record<string, unknown>,
    readonly baseOffset: number,
    readonly listIndex: number | undefined,
    readonly chunkText: string,
    readonly hasApiErrors: boolean | undefined = undefined,
  ) {
    this.apiVersion = stringField(value, 'apiVersion');
    this.kind = stringField(value, 'kind');
    this.name = metadataField(value, 'name');
    this.namespace = metadataField(value, 'namespace');
  }

  get node(): YAMLMap<unknown, unknown> {
    return this.nodeOf();
  }
}

/** The same object with another base offset or API verdict (its node stays lazy and shared). */
export function withObjectFields(object: ManifestObject, changes: { readonly baseOffset?: number; readonly hasApiErrors?: boolean }): ManifestObject {
  return new ParsedObject(() => object.node, object.value, changes.baseOffset ?? object.baseOffset, object.listIndex, object.chunkText, changes.hasApiErrors ?? object.hasApiErrors);
}

function skipFinding(message: string, range: OffsetRange): Finding {
  return { ruleId: RULES.fileSkipped.id, severity: RULES.fileSkipped.severity, message, range, related: [] };
}

function documentObjects(doc: Document.Parsed, chunkOffset: number, text: string, findings: Finding[]): ManifestObject[] {
  const root = doc.contents;
  if (!isMap(root)) return [];
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const range = nodeRange(root) ?? { start: 0, end: 0 };
    findings.push(skipFinding(`Document skipped: ${cleanMessage(String((error as Error).message))}.`, { start: range.start, end: range.start }));
    return [];
  }
  const shape = valueShape(value);
  if (shape !== 'ok') {
    const range = nodeRange(root) ?? { start: 0, end: 0 };
    const message =
      shape === 'cycle'
        ? 'Document skipped: an alias refers to a node that contains it (a recursive alias), which kubectl rejects.'
        : `Document skipped: it is nested more than ${MAX_DEPTH} levels deep.`;
    findings.push(skipFinding(message, { start: range.start, end: range.start }));
    return [];
  }
  if (!isPlainObject(value)) return [];
  return rootObjects(root, value, chunkOffset, text);
}

/** The objects of a document's root map: the map itself, or the items of a `List`. */
function rootObjects(root: YAMLMap<unknown, unknown>, value: Record<string, unknown>, chunkOffset: number, text: string): ManifestObject[] {
  const kind = stringField(value, 'kind');
  const items: unknown = value['items'];
  if (kind !== undefined && kind.endsWith('List') && Array.isArray(items)) {
    const itemsNode = root.get('items', true);
    const out: ManifestObject[] = [];
    if (isSeq(itemsNode)) {
      itemsNode.items.forEach((itemNode, i) => {
        const itemValue: unknown = items[i];
        if (isMap(itemNode) && isPlainObject(itemValue)) out.push(new ParsedObject(() => itemNode, itemValue, chunkOffset, i, text));
      });
    }
    return out;
  }
  return [new ParsedObject(() => root, value, chunkOffset, undefined, text)];
}

/** rootObjects for the fast path: from the value alone, with nodes built when first asked for. */
function lazyRootObjects(value: Record<string, unknown>, chunkOffset: number, text: string): ManifestObject[] {
  let root: YAMLMap<unknown, unknown> | undefined;
  const rootOf = (): YAMLMap<unknown, unknown> => {
    if (!root) {
      const full = fastParse?.(text, true);
      if (full?.kind !== 'map') throw new Error('the fast YAML reader read a document once and not twice');
      root = full.root;
    }
    return root;
  };
  const kind = stringField(value, 'kind');
  const items: unknown = value['items'];
  if (kind !== undefined && kind.endsWith('List') && Array.isArray(items)) {
    const out: ManifestObject[] = [];
    items.forEach((itemValue: unknown, i) => {
      // the fast reader has no aliases: an item whose value is a map has a map node
      const itemOf = (): YAMLMap<unknown, unknown> => {
        const itemsNode = rootOf().get('items', true);
        const node = isSeq(itemsNode) ? itemsNode.items[i] : undefined;
        if (!isMap(node)) throw new Error('the fast YAML reader gave a List item without its node');
        return node;
      };
      if (isPlainObject(itemValue)) out.push(new ParsedObject(itemOf, itemValue, chunkOffset, i, text));
    });
    return out;
  }
  return [new ParsedObject(rootOf, value, chunkOffset, undefined, text)];
}

let fastParse: FastParse | undefined;

/** Parse one chunk; never throws. `reportSyntax` is false for files that are not manifests. */
export function parseChunk(text: string, chunkOffset: number, reportSyntax: boolean): ParsedChunk {
  // the common case: a document in the subset the fast reader knows gives the same nodes and value
  fastParse ??= createFastParse(YAML_OPTIONS);
  const fast = fastParse(text, false);
  if (fast) return { text, objects: fast.kind === 'map' ? lazyRootObjects(fast.value, chunkOffset, text) : [], findings: [] };
  const findings: Finding[] = [];
  const objects: ManifestObject[] = [];
  try {
    const docs = parseAllDocuments(text, YAML_OPTIONS);
    const list = Array.isArray(docs) ? docs : [];
    for (const doc of list) {
      // The composer catches its own stack overflow on deep nesting and records it as an error
      // (RESOURCE_EXHAUSTION, "Maximum call stack size exceeded"): that is no syntax error of the
      // user's, and the half-built document is not worth validating.
      if (doc.errors.some((error) => error.code === 'RESOURCE_EXHAUSTION')) {
        const start = nodeRange(doc.contents)?.start ?? 0;
        findings.push(skipFinding('Document skipped: it is nested too deeply to analyse.', { start, end: start }));
        continue;
      }
      if (reportSyntax) {
        for (const error of [...doc.errors]) {
          const [start, end] = error.pos;
          findings.push({
            ruleId: RULES.yamlSyntax.id,
            severity: RULES.yamlSyntax.severity,
            message: syntaxMessage(error.code, cleanMessage(error.message)),
            range: { start: Math.min(start, text.length), end: Math.min(Math.max(end, start), text.length) },
            related: [],
          });
        }
      }
      objects.push(...documentObjects(doc, chunkOffset, text, findings));
    }
  } catch (error) {
    // The `yaml` composer recurses per nesting level; pathological nesting exhausts the stack.
    const message =
      error instanceof RangeError
        ? 'Document skipped: it is nested too deeply to analyse.'
        : `Document skipped: ${cleanMessage(String((error as Error).message))}.`;
    findings.push(skipFinding(message, { start: 0, end: 0 }));
  }
  return { text, objects, findings };
}

function syntaxMessage(code: string, message: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'Duplicate key: a map cannot have the same key twice (the API server rejects duplicate fields).';
    case 'TAB_AS_INDENT':
      return 'Tabs are not allowed as indentation in YAML: indent with spaces.';
    default:
      return `YAML syntax error: ${message}.`;
  }
}

/** Child of a map or sequence node by one path segment. */
export function childNode(node: unknown, segment: PathSegment): { key?: YamlNode; value?: YamlNode } | undefined {
  const target = isAlias(node) ? undefined : node;
  if (isMap(target)) {
    for (const item of target.items) {
      if (!isPair(item)) continue;
      const key = item.key;
      const keyValue = isScalar(key) ? key.value : key;
      const scalarKey = typeof keyValue === 'number' || typeof keyValue === 'boolean' || typeof keyValue === 'bigint';
      if (keyValue === segment || (typeof segment === 'string' && scalarKey && String(keyValue) === segment)) {
        const out: { key?: YamlNode; value?: YamlNode } = {};
        if (key && typeof key === 'object') out.key = key as YamlNode;
        if (item.value && typeof item.value === 'object') out.value = item.value as YamlNode;
        return out;
      }
    }
    return undefined;
  }
  if (isSeq(target) && typeof segment === 'number') {
    const value = target.items[segment];
    if (value && typeof value === 'object') return { value: value as YamlNode };
  }
  return undefined;
}

/**
 * The range to underline for a path: the key for `target: 'key'`, otherwise the value (or the key
 * when the value is empty). A missing node falls back to its closest present ancestor's key.
 */
export function rangeForPath(root: YamlNode, path: readonly PathSegment[], target: 'key' | 'value', text: string): OffsetRange {
  let node: YamlNode | undefined = root;
  let keyNode: YamlNode | undefined;
  for (const segment of path) {
    const child = childNode(node, segment);
    if (!child) {
      return focus(keyNode ?? node, text);
    }
    keyNode = child.key ?? child.value;
    node = child.value;
    if (!node) return focus(keyNode, text);
  }
  if (target === 'key' && keyNode) return focus(keyNode, text);
  return focus(node ?? keyNode, text);
}

/** A scalar's own range; a block collection's first line (a whole map underlined helps no one). */
export function focus(node: YamlNode | undefined, text: string): OffsetRange {
  const range = node?.range;
  if (!range) return { start: 0, end: 0 };
  const [start, valueEnd] = range;
  if (isCollection(node) && !node.flow) {
    const nl = text.indexOf('\n', start);
    let end = nl < 0 ? valueEnd : Math.min(nl, valueEnd);
    while (end > start && /[ \t\r]/.test(text[end - 1] ?? '')) end--;
    return { start, end };
  }
  if (node instanceof Alias) return { start, end: valueEnd };
  return { start, end: Math.max(valueEnd, start) };
}

export type { ParsedNode };

/**
 * A parsed object as plain data, to cross a thread boundary (the CLI analyses files in worker
 * threads): its value and the text of its chunk. The receiving side rebuilds the nodes from the
 * chunk's text when a position is asked for, as the analyzer does anyway.
 */
export interface TransferredObject {
  readonly value: Record<string, unknown>;
  readonly baseOffset: number;
  readonly listIndex: number | undefined;
  readonly chunkText: string;
  readonly hasApiErrors: boolean | undefined;
  /** its place among the objects parseChunk gives for its chunk */
  readonly indexInChunk: number;
}

export function transferObjects(objects: readonly ManifestObject[]): TransferredObject[] {
  let index = 0;
  let previous: ManifestObject | undefined;
  return objects.map((object) => {
    index = previous && previous.baseOffset === object.baseOffset && previous.chunkText === object.chunkText ? index + 1 : 0;
    previous = object;
    return { value: object.value, baseOffset: object.baseOffset, listIndex: object.listIndex, chunkText: object.chunkText, hasApiErrors: object.hasApiErrors, indexInChunk: index };
  });
}

export function receiveObjects(objects: readonly TransferredObject[]): ManifestObject[] {
  const chunks = new Map<string, () => ParsedChunk>();
  return objects.map((t) => {
    let parse = chunks.get(t.chunkText);
    if (!parse) {
      let parsed: ParsedChunk | undefined;
      parse = () => (parsed ??= parseChunk(t.chunkText, 0, true));
      chunks.set(t.chunkText, parse);
    }
    const chunk = parse;
    const nodeOf = (): YAMLMap<unknown, unknown> => {
      const node = chunk().objects[t.indexInChunk]?.node;
      if (!node) throw new Error('a transferred object has no node in its chunk');
      return node;
    };
    return new ParsedObject(nodeOf, t.value, t.baseOffset, t.listIndex, t.chunkText, t.hasApiErrors);
  });
}
