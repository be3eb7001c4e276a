import type { Inventory, PolicyPort, Workload } from '../inventory/model';
import { isEmptySelector } from '../selectors/labelSelector';
import { peerSelectsWorkload, policySelects } from '../selectors/peers';
import { isQualifiedName, isValidLabelValue } from '../validate/k8sNames';

/** A workload the workspace shows talking to another, and what shows it. */
export interface KnownClient {
  readonly workload: Workload;
  /** e.g. `egress rule 2 of shop/web-egress` */
  readonly evidence: string;
}

/** At most this many clients become peers of a generated policy (the rest are left to the user). */
export const MAX_KNOWN_CLIENTS = 20;

function portReaches(port: PolicyPort, target: Workload): boolean {
  return target.ports.some((p) => {
    if (p.protocol !== port.protocol) return false;
    if (port.port === undefined) return true;
    if (typeof port.port === 'string') return p.name === port.port;
    return port.port <= p.port && p.port <= (port.endPort ?? port.port);
  });
}

/** Labels a podSelector can name exactly (the API rejects invalid ones). */
function selectable(workload: Workload): boolean {
  const labels = Object.entries(workload.podLabels);
  return labels.length > 0 && labels.every(([k, v]) => isQualifiedName(k).length === 0 && isValidLabelValue(v).length === 0);
}

/**
 * The clients the workspace shows talking to `target`: the workloads selected by an egress policy
 * with a rule whose peer names the target's pods by label (a non-empty podSelector matching them,
 * in a namespace the peer selects) on a port the target listens on, or on every port. Allow-all
 * egress (no `to`, an empty podSelector, a namespaceSelector alone, an ipBlock) says nothing about
 * who talks to whom, so it does not count. Pods of one controller (a Deployment, its ReplicaSet,
 * their Pods) carry the same labels and count once. Observed flows can add clients of their own:
 * callers concatenate them (this function only reads manifests).
 */
export function knownClients(inventory: Inventory, target: Workload, limit = MAX_KNOWN_CLIENTS): KnownClient[] {
  const byPods = new Map<string, KnownClient>();
  const targetKey = podsKey(target);
  for (const policy of inventory.policies) {
    if (!policy.policyTypes.includes('Egress')) continue;
    const ruleIndex = policy.egress.findIndex(
      (rule) =>
        rule.peers.some((peer) => peer.podSelector !== undefined && !isEmptySelector(peer.podSelector) && peerSelectsWorkload(inventory, policy, peer, target)) &&
        (rule.ports.length === 0 || rule.ports.some((port) => portReaches(port, target))),
    );
    if (ruleIndex < 0) continue;
    for (const workload of inventory.workloadsByNamespace.get(policy.namespace) ?? []) {
      if (workload.hostNetwork || !selectable(workload) || !policySelects(policy, workload)) continue;
      const key = podsKey(workload);
      if (key === targetKey) continue;
      const known = byPods.get(key);
      // the controller at the top stands for its pods (a Deployment rather than its ReplicaSet)
      if (known && (workload.owner !== undefined || known.workload.owner === undefined)) continue;
      byPods.set(key, { workload, evidence: `egress rule ${ruleIndex + 1} of ${policy.namespace}/${policy.name}` });
    }
  }
  return [...byPods.values()]
    .sort((a, b) => a.workload.namespace.localeCompare(b.workload.namespace) || a.workload.name.localeCompare(b.workload.name))
    .slice(0, limit);
}

function podsKey(workload: Workload): string {
  const labels = Object.entries(workload.podLabels).sort(([a], [b]) => a.localeCompare(b));
  return `${workload.namespace}\u0000${JSON.stringify(labels)}`;
}
