import type { Direction, Inventory, NetworkPolicyInfo, PolicyPeer, PolicyRule } from '../inventory/model';
import type { OffsetRange } from '../model/finding';
import { withObjectFields, type PathSegment } from '../parse/manifest';
import { analyzeText } from '../analyzer';
import { fileContribution } from '../inventory/buildInventory';
import { ReachabilityIndex } from '../reachability/engine';
import type { WorkloadEndpoint } from '../reachability/endpoints';
import { PortSetTable, formatPortSet } from '../reachability/portSet';
import { policySummary } from '../reachability/summary';
import { formatSelector, isEmptySelector, selectorMatches, type LabelSelector } from '../selectors/labelSelector';
import { namespaceLabels } from '../selectors/peers';
import { policyOf, stringAt, type AuthoringContext } from './context';
import { isSeq, type Node as YamlNode } from 'yaml';
import { keyNodeAt, nodeAt, objectAt, pathAt, type ObjectText } from './yamlText';
import { liveHoverLines, type LiveCluster, type LiveTarget } from '../live/liveHover';

/**
 * Hovers over NetworkPolicies, as Markdown: on metadata.name or spec, the policy in plain language
 * (policySummary); on one ingress or egress rule, the workloads its peers match and the ports it
 * opens; on a podSelector or namespaceSelector (the policy's or a peer's), the workloads (and
 * namespaces) it matches. The place is found by re-parsing the one document under the cursor.
 *
 * A hover must answer at once, so it never computes connectivity: it builds the engine's index over
 * the workspace's workloads and namespaces with this one policy only (what it selects and what its
 * peers match need nothing else), memoised per inventory object and policy.
 */

export interface HoverResult {
  readonly markdown: string;
  readonly range: OffsetRange | undefined;
}

const LISTED = 10;

function capped(items: readonly string[], max = LISTED): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

const indexes = new WeakMap<Inventory, WeakMap<NetworkPolicyInfo, ReachabilityIndex>>();

/** The engine's index over every workload and namespace and this policy alone (memoised). */
export function policyIndex(inventory: Inventory, policy: NetworkPolicyInfo): ReachabilityIndex {
  let byPolicy = indexes.get(inventory);
  if (!byPolicy) indexes.set(inventory, (byPolicy = new WeakMap()));
  let index = byPolicy.get(policy);
  if (!index) byPolicy.set(policy, (index = new ReachabilityIndex({ ...inventory, policies: [policy] })));
  return index;
}

function workloadIds(index: ReachabilityIndex, endpoints: Iterable<number>): string[] {
  const out: string[] = [];
  for (const i of endpoints) if (i < index.workloadCount) out.push(index.endpoint(i).id);
  return out;
}

function selectedIds(index: ReachabilityIndex): string[] {
  return workloadIds(index, index.policies[0]?.selected ?? []);
}

function workloadsLine(ids: readonly string[], none: string): string {
  return ids.length === 0 ? none : `${plural(ids.length, 'workload')}: ${capped(ids)}`;
}

function rangeOf(object: ObjectText, path: readonly PathSegment[], withKey: boolean): OffsetRange | undefined {
  const value = nodeAt(object.map, path)?.range;
  const key = withKey ? keyNodeAt(object.map, path)?.range : undefined;
  const start = key?.[0] ?? value?.[0];
  const end = value?.[1] ?? key?.[1];
  if (start === undefined || end === undefined) return undefined;
  // a block node's range runs to the next line: end the highlight at its last character
  let last = end;
  while (last > start && /\s/.test(object.chunk[last - 1] ?? '')) last--;
  return { start: object.base + start, end: object.base + last };
}

function peerDescription(policy: NetworkPolicyInfo, peer: PolicyPeer): string {
  if (peer.ipBlock) return `addresses ${peer.ipBlock.cidr}${peer.ipBlock.except.length > 0 ? ` except ${peer.ipBlock.except.join(', ')}` : ''}`;
  const pods = peer.podSelector === undefined || isEmptySelector(peer.podSelector) ? 'every pod' : `pods ${formatSelector(peer.podSelector)}`;
  const where =
    peer.namespaceSelector === undefined
      ? `in namespace ${policy.namespace}`
      : isEmptySelector(peer.namespaceSelector)
        ? 'in every namespace'
        : `in namespaces ${formatSelector(peer.namespaceSelector)}`;
  return `${pods} ${where}`;
}

function peerLine(index: ReachabilityIndex, policy: NetworkPolicyInfo, peer: PolicyPeer): string {
  const description = peerDescription(policy, peer);
  if (peer.ipBlock) return `${description} (outside the cluster)`;
  return `${description}: ${workloadsLine(workloadIds(index, index.peerMatches(policy, peer)), 'no workload matches')}`;
}

function title(direction: Direction): string {
  return direction === 'ingress' ? 'Ingress' : 'Egress';
}

function portsLines(index: ReachabilityIndex, policy: NetworkPolicyInfo, direction: Direction, ruleIndex: number, rule: PolicyRule): string[] {
  if (rule.ports.length === 0) return ['Ports: all ports, every protocol.'];
  const entry = index.policies[0]?.[direction][ruleIndex];
  const numeric = entry ? entry.numeric : PortSetTable.NONE;
  const lines: string[] = [];
  if (numeric !== PortSetTable.NONE) lines.push(`Ports: ${formatPortSet(index.portSet(numeric))}.`);
  // a named port is looked up in the destination's containers: the selected pods for ingress,
  // the matched peers for egress (k8s NetworkPolicyPort.port)
  const destinations = direction === 'ingress' ? [...(index.policies[0]?.selected ?? [])] : [...new Set(rule.peers.flatMap((p) => (p.ipBlock ? [] : [...index.peerMatches(policy, p)])))];
  for (const port of rule.ports) {
    if (typeof port.port !== 'string') continue;
    const found: string[] = [];
    for (const d of destinations) {
      const endpoint = index.endpoint(d) as WorkloadEndpoint;
      for (const p of endpoint.workload.ports) if (p.name === port.port && p.protocol === port.protocol) found.push(`${p.port} on ${endpoint.id}`);
    }
    lines.push(`Named port ${port.port} (${port.protocol}): ${found.length === 0 ? 'no destination container has it, so it opens nothing' : capped(found)}.`);
  }
  return lines;
}

function ruleHover(index: ReachabilityIndex, policy: NetworkPolicyInfo, direction: Direction, ruleIndex: number, rule: PolicyRule): string {
  const name = `${policy.namespace}/${policy.name}`;
  const lines = [`**${title(direction)} rule ${ruleIndex + 1} of ${name}**`, ''];
  if (!policy.policyTypes.includes(direction === 'ingress' ? 'Ingress' : 'Egress')) {
    lines.push(`Ignored: policyTypes [${policy.policyTypes.join(', ')}] does not list ${title(direction)}, so this rule allows nothing.`);
    return lines.join('\n');
  }
  const preposition = direction === 'ingress' ? 'From' : 'To';
  if (rule.peers.length === 0) {
    lines.push(`${preposition} everywhere: every pod of every namespace and every address.`);
  } else {
    lines.push(`${preposition}:`, '');
    for (const peer of rule.peers) lines.push(`- ${peerLine(index, policy, peer)}`);
  }
  lines.push('', ...portsLines(index, policy, direction, ruleIndex, rule));
  const selected = selectedIds(index);
  lines.push('', `${direction === 'ingress' ? 'Into' : 'Out of'} the pods the policy selects: ${workloadsLine(selected, 'none in the workspace')}.`);
  return lines.join('\n');
}

function namespacesMatching(inventory: Inventory, selector: LabelSelector): string[] {
  return [...inventory.namespaces.keys()].filter((ns) => selectorMatches(selector, namespaceLabels(inventory, ns))).sort();
}

function peerSelectorHover(index: ReachabilityIndex, inventory: Inventory, policy: NetworkPolicyInfo, direction: Direction, ruleIndex: number, peerIndex: number, which: 'podSelector' | 'namespaceSelector', peer: PolicyPeer): string {
  const lines = [`**${which} of ${direction === 'ingress' ? 'from' : 'to'} peer ${peerIndex + 1}, ${direction} rule ${ruleIndex + 1} of ${policy.namespace}/${policy.name}**`, ''];
  if (which === 'namespaceSelector' && peer.namespaceSelector) {
    const namespaces = namespacesMatching(inventory, peer.namespaceSelector);
    const what = isEmptySelector(peer.namespaceSelector) ? 'every namespace, present and future' : `namespaces ${formatSelector(peer.namespaceSelector)}`;
    lines.push(`Matches ${what}: ${namespaces.length === 0 ? 'none in the workspace' : `${plural(namespaces.length, 'namespace')} (${capped(namespaces)})`}.`, '');
  }
  lines.push(`The peer (${peerDescription(policy, peer)}) matches ${workloadsLine(workloadIds(index, index.peerMatches(policy, peer)), 'no workload in the workspace')}.`);
  return lines.join('\n');
}

function policySelectorHover(index: ReachabilityIndex, policy: NetworkPolicyInfo): string {
  const selected = selectedIds(index);
  const what = isEmptySelector(policy.podSelector) ? 'every pod' : `pods ${formatSelector(policy.podSelector)}`;
  return [`**podSelector of ${policy.namespace}/${policy.name}**`, '', `Selects ${what} in namespace ${policy.namespace}: ${workloadsLine(selected, 'no workload in the workspace')}.`].join('\n');
}

/** pathAt, where the `- ` of a sequence item counts as the item's first key. */
function pathAtOrDash(object: ObjectText, local: number): PathSegment[] {
  const path = pathAt(object.map, local);
  const node = nodeAt(object.map, path);
  if (!isSeq(node)) return path;
  for (const [i, item] of node.items.entries()) {
    const start = (item as YamlNode | null)?.range?.[0];
    if (start === undefined || start < local || !/^-[ \t]*$|^[ \t]+$|^$/.test(object.chunk.slice(local, start))) continue;
    return [...path, i, ...pathAt(item as YamlNode, start)];
  }
  return path;
}

function isDirection(segment: PathSegment | undefined): segment is Direction {
  return segment === 'ingress' || segment === 'egress';
}

/** The workspace's part and, when a cluster is connected, the cluster's part of a hover. */
function withLive(markdown: string, live: LiveCluster | undefined, target: LiveTarget): string {
  const lines = liveHoverLines(live, target);
  return lines.length === 0 ? markdown : [markdown, '', '---', '', ...lines].join('\n');
}

/**
 * The hover at an offset of the context's text, or undefined when there is none there. With
 * `live` (a connected cluster's cache), the selector hovers and the policy name's also say which
 * live pods match, and which nearly do.
 */
export function hoverAt(ctx: AuthoringContext, offset: number, live?: LiveCluster): HoverResult | undefined {
  const object = objectAt(ctx.text, offset);
  if (!object || stringAt(object, ['kind']) !== 'NetworkPolicy') return undefined;
  const path = pathAtOrDash(object, offset - object.base);
  const isName = path[0] === 'metadata' && path[1] === 'name';
  if (!isName && path[0] !== 'spec') return undefined;
  const applied = policyOf(ctx, object);
  const policy = applied ?? draftPolicy(ctx, object);
  if (!policy) return undefined;
  const result = hoverOf(ctx, object, path, isName, policy, live);
  return applied || !result ? result : { ...result, markdown: withDraftNote(result.markdown) };
}

/**
 * A policy the API server would reject is no inventory entry (it is never applied), yet while it
 * is being written its selectors are what the user asks about: read it as written, API errors
 * aside, and say so in the hover.
 */
function draftPolicy(ctx: AuthoringContext, object: ObjectText): NetworkPolicyInfo | undefined {
  const name = stringAt(object, ['metadata', 'name']);
  const parsed = analyzeText(ctx.text).objects.find((o) => o.baseOffset === object.base && o.kind === 'NetworkPolicy' && o.name === name);
  if (!parsed) return undefined;
  return fileContribution(ctx.file, [withObjectFields(parsed, { hasApiErrors: false })], ctx.config.defaultNamespace).policies[0];
}

const DRAFT_NOTE = '_The API server would reject this policy as written (see its diagnostics), so it applies to nothing yet; below, what it would do once accepted._';

function withDraftNote(markdown: string): string {
  const [title, ...rest] = markdown.split('\n');
  return [title, '', DRAFT_NOTE, ...rest].join('\n');
}

function hoverOf(ctx: AuthoringContext, object: ObjectText, path: readonly PathSegment[], isName: boolean, policy: NetworkPolicyInfo, live: LiveCluster | undefined): HoverResult | undefined {
  const index = policyIndex(ctx.inventory, policy);
  if (path[0] === 'spec' && path[1] === 'podSelector') return { markdown: withLive(policySelectorHover(index, policy), live, { kind: 'policy', policy }), range: rangeOf(object, ['spec', 'podSelector'], true) };
  const direction = path[1];
  const ruleIndex = path[2];
  if (path[0] === 'spec' && isDirection(direction) && typeof ruleIndex === 'number') {
    const rule = policy[direction][ruleIndex];
    if (!rule) return undefined;
    const peerIndex = path[4];
    const which = path[5];
    const peer = typeof peerIndex === 'number' ? rule.peers[peerIndex] : undefined;
    if (peer && (which === 'podSelector' || which === 'namespaceSelector') && path[3] === (direction === 'ingress' ? 'from' : 'to')) {
      return {
        markdown: withLive(peerSelectorHover(index, ctx.inventory, policy, direction, ruleIndex, peerIndex as number, which, peer), live, { kind: 'peer', policy, peer, which }),
        range: rangeOf(object, path.slice(0, 6), true),
      };
    }
    return { markdown: ruleHover(index, policy, direction, ruleIndex, rule), range: rangeOf(object, path.slice(0, 3), false) };
  }
  const specKey = path.length === 1 ? keyNodeAt(object.map, ['spec'])?.range : undefined;
  const range = isName ? rangeOf(object, ['metadata', 'name'], false) : specKey ? { start: object.base + specKey[0], end: object.base + specKey[1] } : undefined;
  const summary = [`**NetworkPolicy ${policy.namespace}/${policy.name}**`, '', policySummary(index, policy)].join('\n');
  // the pods the policy applies to, on its name (spec's hover stays the summary alone)
  return { markdown: isName ? withLive(summary, live, { kind: 'policy', policy }) : summary, range };
}
