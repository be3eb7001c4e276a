import { fileContribution, mergeContributions, type InventoryContribution } from '../inventory/buildInventory';
import type { Direction, Inventory, SourceRef } from '../inventory/model';
import type { ManifestObject } from '../parse/manifest';
import { NEVER_CANCELLED, type CancellationToken } from '../model/finding';
import { ipBlockCidrs } from './addresses';
import { diffConnectivity, type ConnectionChange } from './diff';
import { ReachabilityIndex } from './engine';
import { explainConnection, type Explanation, type SideExplanation } from './explain';
import { intersect, isEmpty, subtract, NO_PORTS, type PortSet } from './portSet';

/**
 * The impact of an edit, as the editor's "impact" view shows it: the connections it opens and
 * those it cuts off (the semantic diff split by direction of change), each with the policies that
 * make the difference, found by explaining the pair on both sides.
 */

export type ImpactReasonKind =
  /** after the edit, this rule allows (part of) the opened ports */
  | 'allowed-by'
  /** before the edit, this policy isolated an end; it no longer does */
  | 'no-longer-isolated-by'
  /** after the edit, this policy isolates an end; it did not before */
  | 'now-isolated-by'
  /** before the edit, this rule allowed (part of) the closed ports; it no longer allows them */
  | 'no-longer-allowed-by';

export interface ImpactReason {
  readonly kind: ImpactReasonKind;
  /** the side whose inventory the policy (and its source) comes from */
  readonly side: 'before' | 'after';
  readonly namespace: string;
  readonly name: string;
  readonly direction: Direction;
  /** 0-based; for rule reasons */
  readonly ruleIndex?: number;
  /** the policy's name, or the rule, in that side's text */
  readonly source: SourceRef;
}

export interface ImpactEntry {
  readonly src: string;
  readonly dst: string;
  /** the ports opened (for Opens) or cut off (for Cuts off) */
  readonly ports: PortSet;
  /** everything allowed between the pair after the edit */
  readonly now: PortSet;
  /** a new pair (Opens) or a pair with nothing left (Cuts off) */
  readonly whole: boolean;
  readonly reasons: readonly ImpactReason[];
}

export interface ConnectivityImpact {
  readonly opens: readonly ImpactEntry[];
  readonly cutsOff: readonly ImpactEntry[];
  /** entries past `maxExplained` carry no reasons */
  readonly unexplained: number;
}

function ruleKey(policy: { readonly namespace: string; readonly name: string }, direction: Direction, ruleIndex: number): string {
  return `${policy.namespace}/${policy.name}\u0000${direction}\u0000${ruleIndex}`;
}

function policyKey(policy: { readonly namespace: string; readonly name: string }, direction: Direction): string {
  return `${policy.namespace}/${policy.name}\u0000${direction}`;
}

function explainPair(index: ReachabilityIndex, src: string, dst: string): Explanation | undefined {
  const from = index.find(src);
  const to = index.find(dst);
  return from === undefined || to === undefined ? undefined : explainConnection(index, from, to);
}

function sides(e: Explanation | undefined): readonly SideExplanation[] {
  return e ? [e.egress, e.ingress] : [];
}

/** The rules allowing each side, by rule, with the ports each allows for the pair. */
function allowingRules(e: Explanation | undefined): Map<string, { side: SideExplanation; rule: SideExplanation['allowingRules'][number] }> {
  const out = new Map<string, { side: SideExplanation; rule: SideExplanation['allowingRules'][number] }>();
  for (const side of sides(e)) for (const rule of side.allowingRules) out.set(ruleKey(rule.policy, rule.direction, rule.ruleIndex), { side, rule });
  return out;
}

function isolating(e: Explanation | undefined): Map<string, { side: SideExplanation; policy: SideExplanation['isolatingPolicies'][number] }> {
  const out = new Map<string, { side: SideExplanation; policy: SideExplanation['isolatingPolicies'][number] }>();
  for (const side of sides(e)) for (const policy of side.isolatingPolicies) out.set(policyKey(policy, side.direction), { side, policy });
  return out;
}

function reasonsFor(change: ConnectionChange, kind: 'opens' | 'cuts', before: Explanation | undefined, after: Explanation | undefined): ImpactReason[] {
  const reasons: ImpactReason[] = [];
  const ports = kind === 'opens' ? change.opened : change.closed;
  const beforeRules = allowingRules(before);
  const afterRules = allowingRules(after);
  const beforeIsolating = isolating(before);
  const afterIsolating = isolating(after);
  if (kind === 'opens') {
    for (const { side, policy } of beforeIsolating.values()) {
      if (!afterIsolating.has(policyKey(policy, side.direction))) reasons.push({ kind: 'no-longer-isolated-by', side: 'before', namespace: policy.namespace, name: policy.name, direction: side.direction, source: policy.source });
    }
    for (const { rule } of afterRules.values()) {
      // a rule that allowed these ports before too is not what opened them
      const had = beforeRules.get(ruleKey(rule.policy, rule.direction, rule.ruleIndex))?.rule.ports ?? NO_PORTS;
      if (isEmpty(subtract(intersect(rule.ports, ports), had))) continue;
      reasons.push({ kind: 'allowed-by', side: 'after', namespace: rule.policy.namespace, name: rule.policy.name, direction: rule.direction, ruleIndex: rule.ruleIndex, source: rule.source });
    }
  } else {
    for (const { side, policy } of afterIsolating.values()) {
      if (!beforeIsolating.has(policyKey(policy, side.direction))) reasons.push({ kind: 'now-isolated-by', side: 'after', namespace: policy.namespace, name: policy.name, direction: side.direction, source: policy.source });
    }
    for (const { rule } of beforeRules.values()) {
      const still = afterRules.get(ruleKey(rule.policy, rule.direction, rule.ruleIndex))?.rule.ports ?? NO_PORTS;
      if (isEmpty(subtract(intersect(rule.ports, ports), still))) continue;
      reasons.push({ kind: 'no-longer-allowed-by', side: 'before', namespace: rule.policy.namespace, name: rule.policy.name, direction: rule.direction, ruleIndex: rule.ruleIndex, source: rule.source });
    }
  }
  return reasons;
}

function byPair(a: ImpactEntry, b: ImpactEntry): number {
  return a.src.localeCompare(b.src) || a.dst.localeCompare(b.dst);
}

/**
 * What changing `before` into `after` opens and cuts off. Pairs are explained (for their reasons)
 * up to `maxExplained` of them: an edit that changes thousands of pairs is read by its counts.
 */
export function connectivityImpact(before: Inventory, after: Inventory, token: CancellationToken = NEVER_CANCELLED, maxExplained = 200): ConnectivityImpact {
  const diff = diffConnectivity(before, after, token);
  // the same external ranges on both sides (as diffConnectivity cuts them), so ids compare
  const cidrs = [...ipBlockCidrs(before.policies), ...ipBlockCidrs(after.policies)];
  let old: ReachabilityIndex | undefined;
  let now: ReachabilityIndex | undefined;
  let explained = 0;
  let unexplained = 0;
  const reasons = (change: ConnectionChange, kind: 'opens' | 'cuts'): ImpactReason[] => {
    if (token.isCancellationRequested || explained >= maxExplained) {
      unexplained++;
      return [];
    }
    explained++;
    old ??= new ReachabilityIndex(before, token, cidrs);
    now ??= new ReachabilityIndex(after, token, cidrs);
    return reasonsFor(change, kind, explainPair(old, change.src, change.dst), explainPair(now, change.src, change.dst));
  };
  const opens: ImpactEntry[] = [];
  const cutsOff: ImpactEntry[] = [];
  for (const c of [...diff.added, ...diff.changed]) {
    if (!isEmpty(c.opened)) opens.push({ src: c.src, dst: c.dst, ports: c.opened, now: c.after, whole: isEmpty(c.before), reasons: reasons(c, 'opens') });
  }
  for (const c of [...diff.removed, ...diff.changed]) {
    if (!isEmpty(c.closed)) cutsOff.push({ src: c.src, dst: c.dst, ports: c.closed, now: c.after, whole: isEmpty(c.after), reasons: reasons(c, 'cuts') });
  }
  return { opens: opens.sort(byPair), cutsOff: cutsOff.sort(byPair), unexplained };
}

/**
 * The inventory with one file's entries replaced by `objects` (none: the file is absent), the rest
 * of the workspace as it is. The other files' entries are taken from the inventory as they are
 * (their contributions do not change), so this costs one file's analysis and a merge. A namespace
 * declared both in `file` and in another file is kept from the other file.
 */
export function inventoryWithFile(inventory: Inventory, file: string, objects: readonly ManifestObject[]): Inventory {
  const others: InventoryContribution = {
    // implied namespaces (no source) are implied again by mergeContributions
    namespaces: [...inventory.namespaces.values()].filter((n) => n.explicit && n.source !== undefined && n.source.file !== file),
    workloads: inventory.workloads.filter((w) => w.source.file !== file),
    policies: inventory.policies.filter((p) => p.source.file !== file),
  };
  return mergeContributions([others, fileContribution(file, objects, inventory.defaultNamespace)], inventory.defaultNamespace);
}
