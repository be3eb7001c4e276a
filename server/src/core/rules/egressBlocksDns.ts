import type { Inventory, NetworkPolicyInfo, PolicyPeer, PolicyPort, Protocol, Workload } from '../inventory/model';
import { NAMESPACE_NAME_LABEL } from '../inventory/model';
import { formatSelector, requiredLabels, selectorMatches, type Labels } from '../selectors/labelSelector';
import { isolatingPolicies, peerSelectsNamespace } from '../selectors/peers';
import { inScope, type GuardrailRule } from './rule';

/** Port names the cluster DNS (CoreDNS, kube-dns) gives port 53. */
const DNS_PORT_NAMES: Record<Protocol, readonly string[]> = { UDP: ['dns'], TCP: ['dns-tcp'], SCTP: [] };

interface DnsTarget {
  readonly namespaceLabels: Labels;
  /** the labels the DNS pods are sure to carry (from selectors.dns.podSelector) */
  readonly podLabels: Labels;
  /**
   * The port the DNS pods listen on (selectors.dns.port, 53 by default). Policies see the pod's
   * port after the Service's DNAT, so a DNS that listens on 5353 behind a Service on 53 must be
   * allowed on 5353.
   */
  readonly port: number | string;
}

function portAllows(port: PolicyPort, protocol: Protocol, dns: DnsTarget): boolean {
  if (port.protocol !== protocol) return false;
  if (port.port === undefined) return true;
  if (typeof port.port === 'string') return port.port === dns.port || DNS_PORT_NAMES[protocol].includes(port.port);
  if (typeof dns.port === 'string') return false;
  const end = port.endPort ?? port.port;
  return port.port <= dns.port && dns.port <= end;
}

function peerReachesDns(inventory: Inventory, policy: NetworkPolicyInfo, peer: PolicyPeer, dns: DnsTarget): boolean {
  // an ipBlock may be a resolver outside the cluster, or node-local DNS: give it the benefit of the doubt
  if (peer.ipBlock) return true;
  const namespace = dns.namespaceLabels[NAMESPACE_NAME_LABEL] ?? '';
  const nsOk = peer.namespaceSelector ? selectorMatches(peer.namespaceSelector, dns.namespaceLabels) : peerSelectsNamespace(inventory, policy, peer, namespace);
  if (!nsOk) return false;
  // the DNS pods match when the peer's podSelector (if any) accepts the labels the DNS selector requires
  if (!peer.podSelector) return true;
  return selectorMatches(peer.podSelector, dns.podLabels);
}

function allowsDns(inventory: Inventory, workload: Workload, protocol: Protocol, dns: DnsTarget): boolean {
  return isolatingPolicies(inventory, workload, 'egress').some((policy) =>
    policy.egress.some(
      (rule) =>
        (rule.ports.length === 0 || rule.ports.some((p) => portAllows(p, protocol, dns))) &&
        (rule.peers.length === 0 || rule.peers.some((peer) => peerReachesDns(inventory, policy, peer, dns))),
    ),
  );
}

/** An egress-isolated workload must still reach the cluster DNS on UDP and TCP (port 53 by default). */
export const egressBlocksDns: GuardrailRule = {
  id: 'egress-blocks-dns',
  severity: 'warning',
  description: 'An egress-isolated workload may not reach DNS (UDP and TCP 53; where DNS runs, and its port, is selectors.dns in the configuration), so name lookups fail.',
  defaultOptions: {},
  check({ inventory, config, scope }, out) {
    const { namespace, podSelector, port = 53 } = config.selectors.dns;
    const dns: DnsTarget = {
      namespaceLabels: inventory.namespaces.get(namespace)?.labels ?? { [NAMESPACE_NAME_LABEL]: namespace },
      podLabels: requiredLabels(podSelector),
      port,
    };
    for (const workload of inScope(scope, inventory.workloads)) {
      if (workload.hostNetwork) continue;
      if (isolatingPolicies(inventory, workload, 'egress').length === 0) continue;
      const missing = (['UDP', 'TCP'] as const).filter((p) => !allowsDns(inventory, workload, p, dns));
      if (missing.length === 0) continue;
      out.workload(workload, `${workload.kind} ${workload.namespace}/${workload.name} is isolated for egress but may not reach DNS on ${missing.map((p) => `${p} ${String(port)}`).join(' or ')} (cluster DNS: namespace ${namespace}, pods ${formatSelector(podSelector)}): allow egress to it, or name lookups fail.`,
      );
    }
  },
};
