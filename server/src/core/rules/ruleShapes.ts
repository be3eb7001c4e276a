import type { Direction, NetworkPolicyInfo, PolicyPeer, PolicyRule } from '../inventory/model';
import { cidrRange } from '../selectors/ipRanges';
import { isEmptySelector } from '../selectors/labelSelector';

/** Iterate over a policy's rules of one direction, with their paths. */
export function forEachRule(policy: NetworkPolicyInfo, visit: (rule: PolicyRule, direction: Direction, index: number, peersKey: 'from' | 'to') => void): void {
  policy.ingress.forEach((rule, i) => visit(rule, 'ingress', i, 'from'));
  policy.egress.forEach((rule, i) => visit(rule, 'egress', i, 'to'));
}

/** Rules of a direction only take effect when the policy's (effective) policyTypes list it. */
export function ruleIsEffective(policy: NetworkPolicyInfo, direction: Direction): boolean {
  return policy.policyTypes.includes(direction === 'ingress' ? 'Ingress' : 'Egress');
}

/** A peer that matches every pod of every namespace. */
export function peerIsAllPods(peer: PolicyPeer): boolean {
  return peer.ipBlock === undefined && peer.namespaceSelector !== undefined && isEmptySelector(peer.namespaceSelector) && (peer.podSelector === undefined || isEmptySelector(peer.podSelector));
}

/** A peer that matches the whole IPv4 or IPv6 internet. */
export function peerIsAllAddresses(peer: PolicyPeer): boolean {
  if (!peer.ipBlock || peer.ipBlock.except.length > 0) return false;
  const range = cidrRange(peer.ipBlock.cidr);
  return range !== undefined && range.start === 0n && range.end === (1n << (range.family === 4 ? 32n : 128n)) - 1n;
}

/** The rule item has `ports` only, while a neighbour has peers only: a `- ports:` that slipped. */
export function isSplitPortsRule(rules: readonly PolicyRule[], index: number): boolean {
  const rule = rules[index];
  if (!rule || rule.peers.length > 0 || rule.ports.length === 0) return false;
  const neighbour = (i: number): boolean => {
    const r = rules[i];
    return r !== undefined && r.peers.length > 0 && r.ports.length === 0;
  };
  return neighbour(index - 1) || neighbour(index + 1);
}

export function describePorts(rule: PolicyRule): string {
  if (rule.ports.length === 0) return 'on every port';
  const parts = rule.ports.map((p) => (p.port === undefined ? `every ${p.protocol} port` : `${String(p.port)}${p.endPort !== undefined ? `-${p.endPort}` : ''}/${p.protocol}`));
  return `on ${parts.join(', ')}`;
}

/** The `directions` option of a rule: both unless the configuration narrows it. */
export function directionsOption(options: Readonly<Record<string, unknown>>): Direction[] {
  const value = options['directions'];
  return (Array.isArray(value) ? value : ['ingress', 'egress']).filter((d): d is Direction => d === 'ingress' || d === 'egress');
}
