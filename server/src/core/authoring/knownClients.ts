import type { Inventory, NetworkPolicyInfo, PolicyPort, PolicyRule, Workload } from '../inventory/model';
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

const selectableCache = new WeakMap<Workload, boolean>();

/** Labels a podSelector can name exactly (the API rejects invalid ones). */
function selectable(workload: Workload): boolean {
  let known = selectableCache.get(workload);
  if (known === undefined) {
    const labels = Object.entries(workload.podLabels);
    known = labels.length > 0 && labels.every(([k, v]) => isQualifiedName(k).length === 0 && isValidLabelValue(v).length === 0);
    selectableCache.set(workload, known);
  }
  return known;
}

/** Whether an egress rule names the target's pods by label, on a port it listens on or on every port. */
function ruleNames(inventory: Inventory, policy: NetworkPolicyInfo, rule: PolicyRule, target: Workload): boolean {
  return (
    rule.peers.some((peer) => peer.podSelector !== undefined && !isEmptySelector(peer.podSelector) && peerSelectsWorkload(inventory, policy, peer, target)) &&
    (rule.ports.length === 0 || rule.ports.some((port) => portReaches(port, target)))
  );
}

/**
 * Per namespace, how many of its egress policies name some of `targets`' pods (as knownClients
 * counts them): the namespaces most likely to send them traffic, without listing every client.
 */
export function clientNamespaces(inventory: Inventory, targets: readonly Workload[]): Map<string, number> {
  const out = new Map<string, number>();
  if (targets.length === 0) return out;
  for (const policy of inventory.policies) {
    if (!policy.policyTypes.includes('Egress')) continue;
    if (policy.egress.some((rule) => targets.some((target) => ruleNames(inventory, policy, rule, target)))) out.set(policy.namespace, (out.get(policy.namespace) ?? 0) + 1);
  }
  return out;
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
    const ruleIndex = policy.egress.findIndex((rule) => ruleNames(inventory, policy, rule, target));
    if (ruleIndex < 0) continue;
    for (const workload of inventory.workloadsByNamespace.get(policy.namespace) ?? []) {
      if (workload.hostNetwork || !policySelects(policy, workload) || !selectable(workload)) continue;
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

/** Clients from several sources, each set of pods once (the first source's entry wins), at most `limit`. */
export function mergeClients(lists: readonly (readonly KnownClient[])[], target: Workload, limit = MAX_KNOWN_CLIENTS): KnownClient[] {
  const seen = new Set<string>([podsKey(target)]);
  const out: KnownClient[] = [];
  for (const list of lists) {
    for (const client of list) {
      const key = podsKey(client.workload);
      if (seen.has(key) || client.workload.hostNetwork || !selectable(client.workload)) continue;
      seen.add(key);
      out.push(client);
    }
  }
  return out.slice(0, limit);
}

function podsKey(workload: Workload): string {
  const labels = Object.entries(workload.podLabels).sort(([a], [b]) => a.localeCompare(b));
  return `${workload.namespace}\u0000${JSON.stringify(labels)}`;
}
