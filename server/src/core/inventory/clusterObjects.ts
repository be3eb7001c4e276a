import type { InventoryContribution } from './buildInventory';
import type { NamespaceInfo, NetworkPolicyInfo, Workload } from './model';

/**
 * Cluster objects in the inventory, next to the workspace's (the `inventorySource` setting):
 *
 * - `workspace`: the workspace's objects only.
 * - `both`: the workspace's objects and the cluster's. An object in both (the same kind,
 *   namespace and name; a Namespace by name) counts once, in the workspace's version: that is
 *   the one the user is editing, and what the cluster will hold once it is applied.
 * - `cluster`: the cluster is the world the policies apply to: its namespaces, workloads and
 *   policies, with the workspace's NetworkPolicies laid over them as `kubectl apply` would (one
 *   replaces the cluster's policy of its namespace and name, or adds to them). The workspace's
 *   workloads and Namespace objects are left out.
 *
 * A workload counts once: the cluster holds a Deployment, its ReplicaSets and their Pods, all with
 * the same pod labels. An object whose controller (metadata.ownerReferences, controller: true)
 * is itself in the inventory (the cluster's or the workspace's) is left out, so the chain Pod ->
 * ReplicaSet -> Deployment is the Deployment alone, as the reachability endpoints fold it
 * (reachability/endpoints.ts); rules such as workload-not-isolated then report the Deployment,
 * never each of its pods. Pods whose controller is not watched (a Job's, a CronJob's) or not
 * readable (RBAC) are grouped by controller when they carry the same labels, container ports and
 * hostNetwork, keeping the first by name; pods that differ stay each its own.
 */

export type InventorySourceMode = 'workspace' | 'cluster' | 'both';

export interface ClusterObjects {
  /** the kubeconfig context, for messages ("in the cluster (context X)") */
  readonly context: string;
  readonly namespaces: readonly NamespaceInfo[];
  readonly workloads: readonly Workload[];
  readonly policies: readonly NetworkPolicyInfo[];
}

function workloadKey(namespace: string, kind: string, name: string): string {
  return `${namespace}\u0000${kind}\u0000${name}`;
}

function shapeOf(w: Workload): string {
  const labels = Object.keys(w.podLabels)
    .sort()
    .map((k) => `${k}=${w.podLabels[k]}`);
  const ports = w.ports.map((p) => `${p.name ?? ''}:${p.port}/${p.protocol}`).sort();
  return JSON.stringify([w.hostNetwork, labels, ports]);
}

function byName<T extends { readonly name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The cluster's own workloads folded (see above), memoised per workload list: the cluster changes far less often than the workspace. */
const folded = new WeakMap<readonly Workload[], readonly Workload[]>();

function foldWithinCluster(cluster: readonly Workload[]): readonly Workload[] {
  let out = folded.get(cluster);
  if (out) return out;
  const present = new Set(cluster.map((w) => workloadKey(w.namespace, w.kind, w.name)));
  const kept: Workload[] = [];
  const grouped = new Set<string>();
  for (const w of [...cluster].sort(byName)) {
    const owner = w.owner;
    if (owner && present.has(workloadKey(w.namespace, owner.kind, owner.name))) continue;
    if (owner) {
      const group = `${workloadKey(w.namespace, owner.kind, owner.name)}\u0000${shapeOf(w)}`;
      if (grouped.has(group)) continue;
      grouped.add(group);
    }
    kept.push(w);
  }
  folded.set(cluster, (out = kept));
  return out;
}

/**
 * The cluster's workloads to add to `workspace`'s: one per workload (see above), none the
 * workspace defines, none whose controller the workspace defines. Folding within the cluster is
 * memoised, so an edit of the workspace (the inventory is rebuilt on every keystroke) only
 * filters the folded list.
 */
export function foldClusterWorkloads(cluster: readonly Workload[], workspace: readonly Workload[]): Workload[] {
  const workspaceKeys = new Set(workspace.map((w) => workloadKey(w.namespace, w.kind, w.name)));
  return foldWithinCluster(cluster).filter((w) => !workspaceKeys.has(workloadKey(w.namespace, w.kind, w.name)) && !(w.owner && workspaceKeys.has(workloadKey(w.namespace, w.owner.kind, w.owner.name))));
}

/**
 * The contributions the inventory is merged from (mergeContributions), for a source mode: the
 * workspace's files' first, so that where both define a namespace the workspace's wins.
 */
export function withClusterObjects(files: readonly InventoryContribution[], cluster: ClusterObjects | undefined, mode: InventorySourceMode): InventoryContribution[] {
  if (!cluster || mode === 'workspace') return [...files];
  const workspacePolicies = new Set(files.flatMap((f) => f.policies.map((p) => `${p.namespace}\u0000${p.name}`)));
  const policies = cluster.policies.filter((p) => !workspacePolicies.has(`${p.namespace}\u0000${p.name}`));
  if (mode === 'cluster') {
    const own = files.map((f) => ({ namespaces: [], workloads: [], policies: f.policies }));
    return [{ namespaces: cluster.namespaces, workloads: foldClusterWorkloads(cluster.workloads, []), policies }, ...own];
  }
  const workspaceWorkloads = files.flatMap((f) => f.workloads);
  const explicit = new Set(files.flatMap((f) => f.namespaces.filter((n) => n.explicit).map((n) => n.name)));
  return [
    ...files,
    {
      namespaces: cluster.namespaces.filter((n) => !explicit.has(n.name)),
      workloads: foldClusterWorkloads(cluster.workloads, workspaceWorkloads),
      policies,
    },
  ];
}

/** How findings about cluster objects say where the object is. */
export function inClusterMessage(context: string, message: string): string {
  return `In the cluster (context ${context}): ${message}`;
}
