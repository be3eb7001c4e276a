import type { Direction, Inventory, NamespaceInfo, NetworkPolicyInfo, PolicyPeer, Workload } from '../inventory/model';
import { NAMESPACE_NAME_LABEL } from '../inventory/model';
import { selectorMatches } from './labelSelector';

/**
 * NetworkPolicy peer semantics (kubernetes.io/docs/concepts/services-networking/network-policies,
 * and the NetworkPolicyPeer API docs):
 * - a policy selects the pods of its own namespace that match spec.podSelector;
 * - a peer with only podSelector selects pods of the policy's namespace; with only
 *   namespaceSelector, every pod of the matching namespaces; with both, the matching pods in the
 *   matching namespaces (AND); several peers are ORed;
 * - ipBlock never selects pods inside the cluster here (it is meant for cluster-external IPs).
 */

export function namespaceLabels(inventory: Inventory, namespace: string): NamespaceInfo['labels'] {
  return inventory.namespaces.get(namespace)?.labels ?? { [NAMESPACE_NAME_LABEL]: namespace };
}

export function policySelects(policy: NetworkPolicyInfo, workload: Workload): boolean {
  return workload.namespace === policy.namespace && selectorMatches(policy.podSelector, workload.podLabels);
}

export function isSelectorPeer(peer: PolicyPeer): boolean {
  return peer.ipBlock === undefined && (peer.podSelector !== undefined || peer.namespaceSelector !== undefined);
}

export function peerSelectsNamespace(inventory: Inventory, policy: NetworkPolicyInfo, peer: PolicyPeer, namespace: string): boolean {
  if (peer.ipBlock !== undefined) return false;
  if (peer.namespaceSelector === undefined) return peer.podSelector !== undefined && namespace === policy.namespace;
  return selectorMatches(peer.namespaceSelector, namespaceLabels(inventory, namespace));
}

export function peerSelectsWorkload(inventory: Inventory, policy: NetworkPolicyInfo, peer: PolicyPeer, workload: Workload): boolean {
  if (!isSelectorPeer(peer)) return false;
  if (!peerSelectsNamespace(inventory, policy, peer, workload.namespace)) return false;
  return peer.podSelector === undefined || selectorMatches(peer.podSelector, workload.podLabels);
}

/** Policies that select the workload and isolate it in the direction. */
export function isolatingPolicies(inventory: Inventory, workload: Workload, direction: Direction): NetworkPolicyInfo[] {
  const type = direction === 'ingress' ? 'Ingress' : 'Egress';
  return (inventory.policiesByNamespace.get(workload.namespace) ?? []).filter((p) => p.policyTypes.includes(type) && policySelects(p, workload));
}
