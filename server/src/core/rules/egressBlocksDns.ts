import type { Inventory, NetworkPolicyInfo, PolicyPeer, PolicyPort, Protocol, Workload } from '../inventory/model';
import { NAMESPACE_NAME_LABEL } from '../inventory/model';
import { selectorMatches, type LabelSelector } from '../selectors/labelSelector';
import { isolatingPolicies, peerSelectsNamespace } from '../selectors/peers';
import type { GuardrailRule } from './rule';

const DNS_PORT = 53;
/** Port names the cluster DNS (CoreDNS, kube-dns) gives port 53. */
const DNS_PORT_NAMES: Record<Protocol, readonly string[]> = { UDP: ['dns'], TCP: ['dns-tcp'], SCTP: [] };

function portAllows(port: PolicyPort, protocol: Protocol): boolean {
  if (port.protocol !== protocol) return false;
  if (port.port === undefined) return true;
  if (typeof port.port === 'string') return DNS_PORT_NAMES[protocol].includes(port.port);
  const end = port.endPort ?? port.port;
  return port.port <= DNS_PORT && DNS_PORT <= end;
}

interface DnsTarget {
  readonly namespaceLabels: Readonly<Record<string, string>>;
  readonly podSelector: LabelSelector;
}

function peerReachesDns(inventory: Inventory, policy: NetworkPolicyInfo, peer: PolicyPeer, dns: DnsTarget): boolean {
  // an ipBlock may be a resolver outside the cluster, or node-local DNS: give it the benefit of the doubt
  if (peer.ipBlock) return true;
  const namespace = dns.namespaceLabels[NAMESPACE_NAME_LABEL] ?? '';
  const nsOk = peer.namespaceSelector ? selectorMatches(peer.namespaceSelector, dns.namespaceLabels) : peerSelectsNamespace(inventory, policy, peer, namespace);
  if (!nsOk) return false;
  // the DNS pods match when the peer's podSelector (if any) accepts the labels the DNS selector requires
  if (!peer.podSelector) return true;
  return selectorMatches(peer.podSelector, dns.podSelector.matchLabels);
}

function allowsDns(inventory: Inventory, workload: Workload, protocol: Protocol, dns: DnsTarget): boolean {
  return isolatingPolicies(inventory, workload, 'egress').some((policy) =>
    policy.egress.some(
      (rule) =>
        (rule.ports.length === 0 || rule.ports.some((p) => portAllows(p, protocol))) &&
        (rule.peers.length === 0 || rule.peers.some((peer) => peerReachesDns(inventory, policy, peer, dns))),
    ),
  );
}

/** An egress-isolated workload must still reach the cluster DNS on UDP and TCP 53. */
export const egressBlocksDns: GuardrailRule = {
  id: 'egress-blocks-dns',
  severity: 'warning',
  description: 'An egress-isolated workload may not reach DNS (UDP and TCP 53; where DNS runs is selectors.dns in the configuration), so name lookups fail.',
  defaultOptions: {},
  check({ inventory, config }, out) {
    const { namespace, podSelector } = config.selectors.dns;
    const dns: DnsTarget = {
      namespaceLabels: inventory.namespaces.get(namespace)?.labels ?? { [NAMESPACE_NAME_LABEL]: namespace },
      podSelector,
    };
    for (const workload of inventory.workloads) {
      if (workload.hostNetwork) continue;
      if (isolatingPolicies(inventory, workload, 'egress').length === 0) continue;
      const missing = (['UDP', 'TCP'] as const).filter((p) => !allowsDns(inventory, workload, p, dns));
      if (missing.length === 0) continue;
      out.workload(workload, `${workload.kind} ${workload.namespace}/${workload.name} is isolated for egress but may not reach DNS on ${missing.map((p) => `${p} 53`).join(' or ')} (cluster DNS: namespace ${namespace}, pods ${Object.entries(dns.podSelector.matchLabels).map(([k, v]) => `${k}=${v}`).join(',')}): allow egress to it, or name lookups fail.`,
      );
    }
  },
};
