import type { Direction, NetworkPolicyInfo, Protocol, SourceRef } from '../inventory/model';
import { rangeForPath } from '../parse/manifest';
import { hasIndex, type ReachabilityIndex } from './engine';
import type { Endpoint } from './endpoints';
import { ALL_PORTS, NO_PORTS, contains, formatPortSet, intersect, isAll, isEmpty, union, type PortSet } from './portSet';

/**
 * Why a connection is allowed or not: for each side, whether it is isolated and by which policies,
 * and which rules allow which ports, each with its source. The same index answers the map, so an
 * explanation always agrees with it.
 */

export interface PolicyRef {
  readonly namespace: string;
  readonly name: string;
  readonly source: SourceRef;
}

export interface RuleReason {
  readonly policy: PolicyRef;
  readonly direction: Direction;
  /** 0-based index in the policy's ingress or egress list */
  readonly ruleIndex: number;
  /** the rule item in its file */
  readonly source: SourceRef;
  /** 0-based indexes of the peers (from/to) that match the other side; empty: the rule lists none */
  readonly matchedPeers: readonly number[];
  /** what the rule allows for this pair (named ports resolved against the destination) */
  readonly ports: PortSet;
}

export interface SideExplanation {
  readonly direction: Direction;
  /** the endpoint whose policies decide this side: the source for egress, the destination for ingress */
  readonly endpoint: string;
  /** external addresses and hostNetwork workloads are outside what NetworkPolicies govern */
  readonly subject: 'workload' | 'external' | 'host-network';
  readonly isolated: boolean;
  readonly isolatingPolicies: readonly PolicyRef[];
  /** the rules that match the other side (with a port asked: only those that allow it) */
  readonly allowingRules: readonly RuleReason[];
  readonly allowed: PortSet;
}

export interface PortQuery {
  readonly protocol: Protocol;
  readonly port: number;
}

export type Verdict = 'allowed' | 'partially-allowed' | 'denied';

export interface Explanation {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly port: PortQuery | undefined;
  /** the ports allowed from `from` to `to`: egress and ingress both */
  readonly allowed: PortSet;
  /** with a port: allowed or denied for it; without: every port, some, or none */
  readonly verdict: Verdict;
  readonly egress: SideExplanation;
  readonly ingress: SideExplanation;
}

function policyRef(policy: NetworkPolicyInfo): PolicyRef {
  return { namespace: policy.namespace, name: policy.name, source: policy.source };
}

/** The range of `spec.<direction>[index]` in the policy's file (the policy's name if not found). */
export function ruleSource(policy: NetworkPolicyInfo, direction: Direction, ruleIndex: number): SourceRef {
  const object = policy.object;
  try {
    const relative = rangeForPath(object.node, ['spec', direction, ruleIndex], 'value', object.chunkText);
    return { file: policy.source.file, range: { start: relative.start + object.baseOffset, end: relative.end + object.baseOffset } };
  } catch {
    // an inventory from a cluster snapshot has no YAML nodes: point at the policy itself
    return policy.source;
  }
}

function explainSide(index: ReachabilityIndex, direction: Direction, from: number, to: number, port: PortQuery | undefined): SideExplanation {
  const self = direction === 'egress' ? from : to;
  const other = direction === 'egress' ? to : from;
  const endpoint = index.endpoint(self);
  const base = { direction, endpoint: endpoint.id };
  if (endpoint.type === 'external') return { ...base, subject: 'external', isolated: false, isolatingPolicies: [], allowingRules: [], allowed: ALL_PORTS };
  if (endpoint.workload.hostNetwork) return { ...base, subject: 'host-network', isolated: false, isolatingPolicies: [], allowingRules: [], allowed: ALL_PORTS };
  const policies = (direction === 'egress' ? index.egressPolicies : index.ingressPolicies)[self]!;
  if (policies.length === 0) return { ...base, subject: 'workload', isolated: false, isolatingPolicies: [], allowingRules: [], allowed: ALL_PORTS };
  const reasons: RuleReason[] = [];
  let allowed = NO_PORTS;
  for (const p of policies) {
    const entry = index.policies[p]!;
    for (const rule of entry[direction]) {
      if (!index.ruleMatchesPeer(rule, other)) continue;
      const ports = index.portSet(index.rulePorts(rule, to));
      if (isEmpty(ports)) continue;
      allowed = union(allowed, ports);
      if (port && !contains(ports, port.protocol, port.port)) continue;
      const matchedPeers = rule.rule.peers.flatMap((peer, i) => (hasIndex(index.peerMatches(entry.policy, peer), other) ? [i] : []));
      reasons.push({
        policy: policyRef(entry.policy),
        direction,
        ruleIndex: rule.ruleIndex,
        source: ruleSource(entry.policy, direction, rule.ruleIndex),
        matchedPeers,
        ports,
      });
    }
  }
  return {
    ...base,
    subject: 'workload',
    isolated: true,
    isolatingPolicies: policies.map((p) => policyRef(index.policies[p]!.policy)),
    allowingRules: reasons,
    allowed,
  };
}

/** Explains the connection from one endpoint to another (indexes in the index), optionally for one port. */
export function explainConnection(index: ReachabilityIndex, from: number, to: number, port?: PortQuery): Explanation {
  const egress = explainSide(index, 'egress', from, to, port);
  const ingress = explainSide(index, 'ingress', from, to, port);
  const bothExternal = index.endpoint(from).type === 'external' && index.endpoint(to).type === 'external';
  const allowed = bothExternal ? NO_PORTS : intersect(egress.allowed, ingress.allowed);
  const verdict: Verdict = port
    ? contains(allowed, port.protocol, port.port)
      ? 'allowed'
      : 'denied'
    : isAll(allowed)
      ? 'allowed'
      : isEmpty(allowed)
        ? 'denied'
        : 'partially-allowed';
  return { from: index.endpoint(from), to: index.endpoint(to), port, allowed, verdict, egress, ingress };
}

function describeEndpoint(e: Endpoint): string {
  return e.type === 'workload' ? `${e.kind} ${e.id}` : `addresses ${e.id}`;
}

/** A readable explanation; `locate` turns a source into `file:line`. */
export function formatExplanation(e: Explanation, locate: (source: SourceRef) => string): string {
  const lines: string[] = [];
  const what = e.port ? `${e.port.protocol} ${e.port.port}` : undefined;
  const head = `${describeEndpoint(e.from)} -> ${describeEndpoint(e.to)}${what ? ` on ${what}` : ''}`;
  if (e.from.type === 'external' && e.to.type === 'external') {
    lines.push(`${head}: not analysed (neither end is in the cluster)`);
    return lines.join('\n');
  }
  if (e.verdict === 'denied') lines.push(`${head}: DENIED`);
  else if (e.verdict === 'allowed') lines.push(`${head}: ALLOWED${what ? '' : ' on every port'}`);
  else lines.push(`${head}: ALLOWED only on ${formatPortSet(e.allowed)}`);
  for (const side of [e.egress, e.ingress]) {
    const label = `${side.direction} of ${side.endpoint}`;
    if (side.subject === 'external') {
      lines.push(`  ${label}: an address outside the cluster, not subject to NetworkPolicies`);
      continue;
    }
    if (side.subject === 'host-network') {
      lines.push(`  ${label}: a hostNetwork workload, not governed by NetworkPolicies`);
      continue;
    }
    if (!side.isolated) {
      lines.push(`  ${label}: not isolated (no NetworkPolicy selects it for ${side.direction}), so everything is allowed`);
      continue;
    }
    lines.push(`  ${label}: isolated by ${side.isolatingPolicies.map((p) => `${p.namespace}/${p.name} (${locate(p.source)})`).join(', ')}`);
    const peer = side.direction === 'egress' ? e.to.id : e.from.id;
    if (side.allowingRules.length === 0) {
      lines.push(`    no rule of these policies allows ${side.direction === 'egress' ? 'traffic to' : 'traffic from'} ${peer}${what ? ` on ${what}` : ''}`);
      continue;
    }
    for (const r of side.allowingRules) {
      const peers = r.matchedPeers.length === 0 ? `every ${side.direction === 'egress' ? 'destination' : 'source'}` : `peer ${r.matchedPeers.map((i) => i + 1).join(', ')}`;
      lines.push(`    allowed by ${r.policy.namespace}/${r.policy.name} ${r.direction} rule ${r.ruleIndex + 1} (${locate(r.source)}): ${formatPortSet(r.ports)} (${peers})`);
    }
    if (!what) lines.push(`    ${side.direction} allows: ${formatPortSet(side.allowed)}`);
  }
  return lines.join('\n');
}
