import type { Direction, NetworkPolicyInfo, PolicyPeer, PolicyPort, PolicyRule } from '../inventory/model';
import { formatSelector, isEmptySelector } from '../selectors/labelSelector';
import type { ReachabilityIndex } from './engine';

/**
 * A policy in plain language, for hovers: what it selects and what it allows, e.g. "Selects 3
 * workloads in payments: api, worker, cron. Ingress: TCP 8080 from pods app=frontend in namespace
 * web. Egress: denied except DNS (UDP 53, TCP 53) to every pod in namespaces
 * kubernetes.io/metadata.name=kube-system."
 */

const LISTED = 8;

function names(list: readonly string[]): string {
  return list.length <= LISTED ? list.join(', ') : `${list.slice(0, LISTED).join(', ')} and ${list.length - LISTED} more`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function portText(port: PolicyPort): string {
  if (port.port === undefined) return `all ${port.protocol} ports`;
  if (typeof port.port === 'string') return `${port.protocol} named port ${port.port}`;
  return `${port.protocol} ${port.endPort !== undefined && port.endPort > port.port ? `${port.port}-${port.endPort}` : port.port}`;
}

function portsText(rule: PolicyRule): string {
  if (rule.ports.length === 0) return 'all ports';
  if (rule.ports.every((p) => p.port === 53)) return `DNS (${rule.ports.map(portText).join(', ')})`;
  return rule.ports.map(portText).join(', ');
}

function peerText(index: ReachabilityIndex, policy: NetworkPolicyInfo, peer: PolicyPeer): string {
  if (peer.ipBlock) return `addresses ${peer.ipBlock.cidr}${peer.ipBlock.except.length > 0 ? ` except ${peer.ipBlock.except.join(', ')}` : ''}`;
  const pods = peer.podSelector === undefined || isEmptySelector(peer.podSelector) ? 'every pod' : `pods ${formatSelector(peer.podSelector)}`;
  const where =
    peer.namespaceSelector === undefined
      ? `in ${policy.namespace}`
      : isEmptySelector(peer.namespaceSelector)
        ? 'in every namespace'
        : `in namespaces ${formatSelector(peer.namespaceSelector)}`;
  const matched = index.peerMatches(policy, peer).length;
  return `${pods} ${where} (${matched === 0 ? 'no workload matches' : plural(matched, 'workload')})`;
}

function ruleText(index: ReachabilityIndex, policy: NetworkPolicyInfo, rule: PolicyRule, direction: Direction): string {
  const preposition = direction === 'ingress' ? 'from' : 'to';
  const peers = rule.peers.length === 0 ? 'anywhere' : rule.peers.map((p) => peerText(index, policy, p)).join(' or ');
  return `${portsText(rule)} ${preposition} ${peers}`;
}

/** The plain-language summary of one policy of the index's inventory. */
export function policySummary(index: ReachabilityIndex, policy: NetworkPolicyInfo): string {
  const entry = index.policies.find((e) => e.policy === policy);
  const selected = entry ? [...entry.selected].map((i) => index.endpoint(i).id.slice(policy.namespace.length + 1)) : [];
  const all = isEmptySelector(policy.podSelector);
  const sentences: string[] = [];
  if (selected.length === 0) {
    sentences.push(`Selects no workload in ${policy.namespace}${all ? '' : ` (nothing matches ${formatSelector(policy.podSelector)})`}.`);
  } else {
    sentences.push(`Selects ${all ? 'every workload' : plural(selected.length, 'workload')} in ${policy.namespace}${all ? ` (${selected.length})` : ''}: ${names(selected)}.`);
  }
  for (const direction of ['ingress', 'egress'] as const) {
    const type = direction === 'ingress' ? 'Ingress' : 'Egress';
    const rules = policy[direction];
    if (!policy.policyTypes.includes(type)) {
      if (rules.length > 0) sentences.push(`${type} rules are ignored: policyTypes leaves out ${type}.`);
      continue;
    }
    if (rules.length === 0) {
      sentences.push(`${type}: denied.`);
      continue;
    }
    const texts = rules.map((r) => ruleText(index, policy, r, direction));
    const onlyDns = rules.every((r) => r.ports.length > 0 && r.ports.every((p) => p.port === 53));
    sentences.push(`${type}: ${onlyDns ? 'denied except ' : ''}${texts.join('; ')}.`);
  }
  return sentences.join(' ');
}
