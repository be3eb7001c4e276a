import { isMap, isPair, isScalar, isSeq, Scalar, type Node as YamlNode, type YAMLMap } from 'yaml';
import { editDistance } from '../model/editDistance';
import type { Finding } from '../model/finding';
import type { PathSegment } from '../parse/manifest';
import { GUARDRAIL_RULES } from '../rules/registry';
import { namespaceOfObject, styleOf, workloadOf, type AuthoringAction, type AuthoringContext } from './context';
import { defaultDenyAction, dnsEgressAction, hasDefaultDeny, namespaceAllowsDns, validNamespace } from './templates';
import { insertAt, type TextEdit } from './textEdit';
import { addPairEdit, columnOf, isJsonText, lineIndent, lineStartOf, nextLineStart, nodeAt, objectAt, parseFieldPath, pathAt, yamlString, type ObjectText } from './yamlText';

/**
 * Quick fixes for findings, recomputed from the finding's rule id, range and (for API errors) field
 * path over a fresh parse of its one document. Every fix is a text splice: the rest of the document
 * keeps its comments, quoting, indentation and key order.
 */

const GUARDRAIL_IDS: ReadonlySet<string> = new Set(GUARDRAIL_RULES.map((r) => r.id));

type Fixer = (ctx: AuthoringContext, finding: Finding, object: ObjectText, path: PathSegment[]) => AuthoringAction[];

function quickfix(title: string, id: string, ruleId: string, edits: readonly (TextEdit | undefined)[], fixAll?: string, isPreferred = true): AuthoringAction[] {
  if (edits.length === 0 || edits.some((e) => e === undefined)) return [];
  return [{ title, kind: 'quickfix', id, ruleId, edits: edits as TextEdit[], isPreferred, ...(fixAll !== undefined ? { fixAll: { dedupeKey: fixAll } } : {}) }];
}

/** fix-all key of a fix that changes only its own finding's place */
function at0(finding: Finding): string {
  return `${finding.ruleId}@${finding.range.start}`;
}

function mapAt(object: ObjectText, path: readonly PathSegment[]): YAMLMap<unknown, unknown> | undefined {
  const node = nodeAt(object.map, path);
  return isMap(node) ? node : undefined;
}

/** A scalar's replacement in the quoting style it was written in. */
function scalarText(node: YamlNode, value: string): string {
  if (isScalar(node) && node.type === Scalar.QUOTE_DOUBLE) return JSON.stringify(value);
  if (isScalar(node) && node.type === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  return yamlString(value);
}

function replaceNode(object: ObjectText, node: YamlNode, newText: string): TextEdit | undefined {
  const range = node.range;
  if (!range) return undefined;
  return { range: { start: object.base + range[0], end: object.base + range[1] }, newText };
}

/** A policyTypes value in the file's block style, in flow style, and as JSON. */
function policyTypesValue(ctx: AuthoringContext, types: readonly string[]): { block: string[]; flow: string; json: string } {
  const { seqIndent } = styleOf(ctx.text);
  return { block: types.map((t) => `${seqIndent}- ${t}`), flow: `[${types.join(', ')}]`, json: JSON.stringify(types).replace(/,/g, ', ') };
}

const policyTypesMissing: Fixer = (ctx, finding, object) => {
  const spec = mapAt(object, ['spec']);
  if (!spec) return [];
  // `policyTypes:` present but null or [] counts as omitted: fill it in rather than add a second key
  const existing = spec.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === 'policyTypes');
  if (existing) return fillPolicyTypes(ctx, finding, object, spec, existing.key as YamlNode, (existing.value as YamlNode | null) ?? undefined);
  const egress = spec.get('egress', true);
  const inferred = isSeq(egress) && egress.items.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  const out = quickfix(
    `Add policyTypes: [${inferred.join(', ')}] (what Kubernetes infers)`,
    'addPolicyTypes',
    finding.ruleId,
    [addPairEdit(object, spec, 'policyTypes', policyTypesValue(ctx, inferred), ['podSelector'])],
    at0(finding),
  );
  if (inferred.length === 1) {
    out.push(
      ...quickfix('Add policyTypes: [Ingress, Egress] (also isolate egress)', 'addPolicyTypesBoth', finding.ruleId, [
        addPairEdit(object, spec, 'policyTypes', policyTypesValue(ctx, ['Ingress', 'Egress']), ['podSelector']),
      ], undefined, false),
    );
  }
  return out;
};

function fillPolicyTypes(ctx: AuthoringContext, finding: Finding, object: ObjectText, spec: YAMLMap<unknown, unknown>, key: YamlNode, value: YamlNode | undefined): AuthoringAction[] {
  const egress = spec.get('egress', true);
  const inferred = isSeq(egress) && egress.items.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  const text = isJsonText(ctx.text) ? JSON.stringify(inferred).replace(/,/g, ', ') : `[${inferred.join(', ')}]`;
  let edit: TextEdit | undefined;
  if (isSeq(value) && value.items.length === 0 && value.flow) edit = replaceNode(object, value, text);
  else if (!value || (isScalar(value) && value.value === null)) {
    const colon = object.chunk.indexOf(':', key.range?.[1] ?? 0);
    if (colon < 0) return [];
    edit = value?.range && value.range[1] > value.range[0] ? replaceNode(object, value, text) : insertAt(object.base + colon + 1, ` ${text}`);
  }
  return quickfix(`Set policyTypes: [${inferred.join(', ')}] (what Kubernetes infers)`, 'addPolicyTypes', finding.ruleId, [edit], at0(finding));
}

const rulesIgnoredByPolicyTypes: Fixer = (ctx, finding, object, path) => {
  const direction = path[1];
  if (direction !== 'ingress' && direction !== 'egress') return [];
  const type = direction === 'ingress' ? 'Ingress' : 'Egress';
  const types = nodeAt(object.map, ['spec', 'policyTypes']);
  if (!isSeq(types) || !types.range || types.items.length === 0) return [];
  let edit: TextEdit | undefined;
  if (types.flow) {
    const close = object.chunk.lastIndexOf(']', types.range[1]);
    let before = close;
    while (before > types.range[0] && /\s/.test(object.chunk[before - 1] ?? '')) before--;
    edit = insertAt(object.base + before, isJsonText(ctx.text) ? `, "${type}"` : `, ${type}`);
  } else {
    const last = types.items[types.items.length - 1] as YamlNode | undefined;
    const first = types.items[0] as YamlNode | undefined;
    if (!last?.range || !first?.range) return [];
    const at = nextLineStart(object.chunk, last.range[1]);
    const dash = lineIndent(object.chunk, first.range[0]);
    const eol = styleOf(ctx.text).eol;
    edit = insertAt(object.base + at, `${at === object.chunk.length && !object.chunk.endsWith('\n') ? eol : ''}${dash}- ${type}${eol}`);
  }
  return quickfix(`Add ${type} to policyTypes`, 'addPolicyType', finding.ruleId, [edit], at0(finding));
};

const protocolOmitted: Fixer = (_ctx, finding, object, path) => {
  const at = path.lastIndexOf('ports');
  if (at < 0 || typeof path[at + 1] !== 'number') return [];
  const port = mapAt(object, path.slice(0, at + 2));
  if (!port || port.has('protocol')) return [];
  return quickfix('Make the protocol explicit: protocol: TCP', 'explicitProtocol', finding.ruleId, [addPairEdit(object, port, 'protocol', { inline: 'TCP' }, ['port', 'endPort'])], at0(finding));
};

const namespaceMissing: Fixer = (ctx, finding, object) => {
  const metadata = mapAt(object, ['metadata']);
  if (!metadata || metadata.has('namespace')) return [];
  const namespace = ctx.config.defaultNamespace;
  return quickfix(`Add metadata.namespace: ${namespace}`, 'addNamespace', finding.ruleId, [addPairEdit(object, metadata, 'namespace', { inline: yamlString(namespace) }, ['name'])], at0(finding));
};

/** `endPort` below `port`: the range was written backwards. */
const apiInvalid: Fixer = (_ctx, finding, object) => {
  if (!finding.fieldPath?.endsWith('.endPort') || !finding.apiMessage?.includes('greater than or equal to `port`')) return [];
  const path = parseFieldPath(finding.fieldPath).slice(0, -1);
  const port = nodeAt(object.map, [...path, 'port']);
  const endPort = nodeAt(object.map, [...path, 'endPort']);
  if (!isScalar(port) || !isScalar(endPort) || typeof port.value !== 'number' || typeof endPort.value !== 'number' || !port.range || !endPort.range) return [];
  const portText = object.chunk.slice(port.range[0], port.range[1]);
  const endText = object.chunk.slice(endPort.range[0], endPort.range[1]);
  return quickfix(`Swap port and endPort (${endText}-${portText})`, 'swapEndPort', finding.ruleId, [replaceNode(object, port, endText), replaceNode(object, endPort, portText)], at0(finding));
};

const CANONICAL: Readonly<Record<string, readonly string[]>> = { protocol: ['TCP', 'UDP', 'SCTP'], policyTypes: ['Ingress', 'Egress'], operator: ['In', 'NotIn', 'Exists', 'DoesNotExist'] };

/** A supported value in the wrong case (`tcp`, `ingress`): the API compares exactly. */
const apiNotSupported: Fixer = (_ctx, finding, object) => {
  if (!finding.fieldPath) return [];
  const path = parseFieldPath(finding.fieldPath);
  const field = [...path].reverse().find((s): s is string => typeof s === 'string');
  const node = nodeAt(object.map, path);
  if (!field || !isScalar(node) || typeof node.value !== 'string') return [];
  const written = node.value;
  const value = (CANONICAL[field] ?? []).find((v) => v.toLowerCase() === written.toLowerCase());
  if (!value) return [];
  return quickfix(`Change "${written}" to ${value}`, 'fixCase', finding.ruleId, [replaceNode(object, node, scalarText(node, value))], at0(finding));
};

function direction(finding: Finding): 'ingress' | 'egress' | undefined {
  const match = /default-deny (ingress|egress)/.exec(finding.message);
  return match?.[1] === 'ingress' || match?.[1] === 'egress' ? match[1] : undefined;
}

const missingDefaultDeny: Fixer = (ctx, finding, object) => {
  if (isJsonText(ctx.text)) return [];
  const dir = direction(finding);
  const namespace = /^Namespace "([^"]+)"/.exec(finding.message)?.[1] ?? namespaceOfObject(object, ctx.config.defaultNamespace);
  if (!dir || !validNamespace(namespace) || hasDefaultDeny(ctx.inventory, namespace, dir)) return [];
  const action = defaultDenyAction(ctx, namespace, [dir]);
  return [{ ...action, kind: 'quickfix', id: 'addDefaultDeny', ruleId: finding.ruleId, isPreferred: true, fixAll: { dedupeKey: `deny:${namespace}:${dir}` } }];
};

const egressBlocksDns: Fixer = (ctx, finding, object) => {
  if (isJsonText(ctx.text)) return [];
  const workload = workloadOf(ctx, object);
  if (!workload || !validNamespace(workload.namespace)) return [];
  const namespace = workload.namespace;
  const out: AuthoringAction[] = [];
  // a policy for every pod would isolate the egress of pods no policy isolated yet: only offered
  // where a default deny already does
  if (hasDefaultDeny(ctx.inventory, namespace, 'egress') && !namespaceAllowsDns(ctx, namespace)) {
    out.push({ ...dnsEgressAction(ctx, namespace), kind: 'quickfix', id: 'allowDnsEgress', ruleId: finding.ruleId, isPreferred: true, fixAll: { dedupeKey: `dns:${namespace}` } });
  }
  if (!namespaceAllowsDns(ctx, namespace, workload)) {
    out.push({ ...dnsEgressAction(ctx, namespace, workload), kind: 'quickfix', id: 'allowWorkloadDnsEgress', ruleId: finding.ruleId, isPreferred: out.length === 0 });
  }
  return out;
};

/** The matchLabels pair of a selector closest to `key`, to replace by the suggestion. */
function closestPair(selector: YAMLMap<unknown, unknown>, key: string): { key: YamlNode; value: YamlNode | undefined } | undefined {
  const labels = selector.get('matchLabels', true);
  if (!isMap(labels)) return undefined;
  let best: { key: YamlNode; value: YamlNode | undefined } | undefined;
  let bestScore = Infinity;
  for (const pair of labels.items) {
    if (!isPair(pair) || !isScalar(pair.key)) continue;
    const score = editDistance(String(pair.key.value), key);
    if (score < bestScore) {
      bestScore = score;
      best = { key: pair.key, value: (pair.value as YamlNode | null) ?? undefined };
    }
  }
  return best;
}

const selectsNothing: Fixer = (_ctx, finding, object, path) => {
  const suggestion = /Did you mean ([^=\s]+)=(.*)\?$/.exec(finding.message);
  if (!suggestion) return [];
  const [, key = '', value = ''] = suggestion;
  let selector: YAMLMap<unknown, unknown> | undefined;
  if (finding.ruleId === 'policy-selects-nothing') selector = mapAt(object, ['spec', 'podSelector']);
  else {
    const peerAt = path.findIndex((s) => s === 'from' || s === 'to');
    if (peerAt < 0 || typeof path[peerAt + 1] !== 'number') return [];
    const which = finding.message.includes('matches no namespace') ? 'namespaceSelector' : 'podSelector';
    selector = mapAt(object, [...path.slice(0, peerAt + 2), which]);
  }
  if (!selector) return [];
  const pair = closestPair(selector, key);
  if (!pair || !isScalar(pair.value)) return [];
  const edits: (TextEdit | undefined)[] = [];
  if (isScalar(pair.key) && pair.key.value !== key) edits.push(replaceNode(object, pair.key, scalarText(pair.key, key)));
  if (pair.value.value !== value) edits.push(replaceNode(object, pair.value, scalarText(pair.value, value)));
  return quickfix(`Change the label to ${key}=${value}`, 'nearestLabel', finding.ruleId, edits);
};

/** `- ports:` that became its own rule: remove its `-` so it joins the neighbouring rule. */
const portsSplit: Fixer = (_ctx, finding, object, path) => {
  const dir = path[1];
  const index = path[2];
  if ((dir !== 'ingress' && dir !== 'egress') || typeof index !== 'number') return [];
  const rules = nodeAt(object.map, ['spec', dir]);
  if (!isSeq(rules)) return [];
  const peersOnly = (i: number): boolean => {
    const item = rules.items[i];
    return isMap(item) && !item.flow && item.items.length === 1 && item.has(dir === 'ingress' ? 'from' : 'to');
  };
  const neighbour = peersOnly(index - 1) ? index - 1 : peersOnly(index + 1) ? index + 1 : undefined;
  const split = rules.items[index];
  if (neighbour === undefined || !isMap(split) || split.flow || split.items.length !== 1) return [];
  const earlier = rules.items[Math.min(index, neighbour)] as YamlNode;
  const later = rules.items[Math.max(index, neighbour)] as YamlNode;
  if (!earlier.range || !later.range) return [];
  const text = object.chunk;
  // the later item's `-` must sit on its first key's line, and both items' keys in one column
  if (columnOf(text, earlier.range[0]) !== columnOf(text, later.range[0])) return [];
  let dash = later.range[0] - 1;
  while (dash > 0 && text[dash] === ' ') dash--;
  if (text[dash] !== '-' || dash < lineStartOf(text, later.range[0])) return [];
  return quickfix('Join "- ports:" with its neighbouring rule (remove the "-")', 'joinPorts', finding.ruleId, [{ range: { start: object.base + dash, end: object.base + dash + 1 }, newText: ' ' }], at0(finding));
};

/**
 * A rule with no peers allows every source (destination): give it one placeholder peer that
 * selects no pod, for the user to fill. Until then the rule allows nothing, which is the safe side.
 */
const allowAll: Fixer = (ctx, finding, object, path) => {
  const dir = path[1];
  const index = path[2];
  if ((dir !== 'ingress' && dir !== 'egress') || typeof index !== 'number' || path.length > 4) return [];
  const rule = nodeAt(object.map, ['spec', dir, index]);
  const peersKey = dir === 'ingress' ? 'from' : 'to';
  if (!isMap(rule) || rule.has(peersKey)) return [];
  const { seqIndent } = styleOf(ctx.text);
  const placeholder = 'peer-placeholder';
  const json = `[{"podSelector": {"matchLabels": {"app": "${placeholder}"}}}]`;
  const edit = rule.items.length === 0 && rule.flow
    ? replaceNode(object, rule, isJsonText(ctx.text) ? `{"${peersKey}": ${json}}` : `{${peersKey}: [{podSelector: {matchLabels: {app: ${placeholder}}}}]}`)
    : addPairEdit(object, rule, peersKey, {
        json,
        block: [`${seqIndent}# TODO: the ${dir === 'ingress' ? 'sources' : 'destinations'} this rule is for (the placeholder selects no pod)`, `${seqIndent}- podSelector:`, `${seqIndent}    matchLabels:`, `${seqIndent}      app: ${placeholder}`],
        flow: `[{podSelector: {matchLabels: {app: ${placeholder}}}}]`,
      });
  return quickfix(`Scope this rule: add a ${peersKey} peer to fill in`, 'scopeRule', finding.ruleId, [edit], undefined, false);
};

const DIRECTIVE_LINE = /^([ \t]*#\s*netpol-guardrails-disable-next-line\b[ \t]*)([^\r\n]*?)([ \t]*--[^\r\n]*)?(\r?\n?)$/;

/** `# netpol-guardrails-disable-next-line <id> -- reason` above the finding's line. */
function suppression(ctx: AuthoringContext, finding: Finding): AuthoringAction[] {
  // JSON has no comments
  if (!GUARDRAIL_IDS.has(finding.ruleId) || isJsonText(ctx.text)) return [];
  const text = ctx.text;
  const lineStart = lineStartOf(text, finding.range.start);
  const eol = styleOf(text).eol;
  const previousStart = lineStart > 0 ? lineStartOf(text, lineStart - 1) : -1;
  const previous = previousStart >= 0 ? DIRECTIVE_LINE.exec(text.slice(previousStart, lineStart)) : null;
  let edit: TextEdit;
  if (previous) {
    const idsEnd = previousStart + (previous[1] ?? '').length + (previous[2] ?? '').trimEnd().length;
    edit = insertAt(idsEnd, `, ${finding.ruleId}`);
  } else {
    const indent = lineIndent(text, finding.range.start);
    edit = insertAt(lineStart, `${indent}# netpol-guardrails-disable-next-line ${finding.ruleId} -- TODO: reason${eol}`);
  }
  const file = insertAt(0, `# netpol-guardrails-disable-file ${finding.ruleId} -- TODO: reason${eol}`);
  return [
    { title: `Suppress ${finding.ruleId} on this line (with a reason)`, kind: 'quickfix', id: 'suppressLine', ruleId: finding.ruleId, edits: [edit] },
    { title: `Suppress ${finding.ruleId} in this file (with a reason)`, kind: 'quickfix', id: 'suppressFile', ruleId: finding.ruleId, edits: [file] },
  ];
}

const FIXERS: Readonly<Record<string, Fixer>> = {
  'policy-types-missing': policyTypesMissing,
  'rules-ignored-by-policy-types': rulesIgnoredByPolicyTypes,
  'protocol-omitted': protocolOmitted,
  'namespace-missing': namespaceMissing,
  'api-invalid': apiInvalid,
  'api-not-supported': apiNotSupported,
  'missing-default-deny': missingDefaultDeny,
  'egress-blocks-dns': egressBlocksDns,
  'policy-selects-nothing': selectsNothing,
  'peer-selects-nothing': selectsNothing,
  'ports-split-from-peers': portsSplit,
  'allow-all-ingress': allowAll,
  'allow-all-egress': allowAll,
};

/** The quick fixes of one finding of the context's file: its own fixes first, then suppressions. */
export function quickFixes(ctx: AuthoringContext, finding: Finding): AuthoringAction[] {
  const out: AuthoringAction[] = [];
  const fixer = FIXERS[finding.ruleId];
  if (fixer) {
    const object = objectAt(ctx.text, finding.range.start);
    if (object) out.push(...fixer(ctx, finding, object, pathAt(object.map, finding.range.start - object.base)));
  }
  out.push(...suppression(ctx, finding));
  return out;
}

/**
 * One edit list fixing every finding of a rule in the file with its fix-all-safe fix: identical
 * changes once (by dedupeKey), overlapping ones left for a second run.
 */
export function fixAllEdits(ctx: AuthoringContext, findings: readonly Finding[], ruleId: string): TextEdit[] {
  const shared: AuthoringContext = { ...ctx, reservedNames: ctx.reservedNames ?? new Set() };
  const seen = new Set<string>();
  const edits: TextEdit[] = [];
  for (const finding of findings) {
    if (finding.ruleId !== ruleId) continue;
    const action = quickFixes(shared, finding).find((a) => a.fixAll !== undefined);
    if (!action?.fixAll) continue;
    const key = action.fixAll.dedupeKey;
    if (seen.has(key)) continue;
    const overlaps = action.edits.some((e) => edits.some((x) => e.range.start < x.range.end && x.range.start < e.range.end));
    if (overlaps) continue;
    seen.add(key);
    edits.push(...action.edits);
  }
  return edits;
}
