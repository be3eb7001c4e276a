import type { ClusterConnection } from '../cluster/clusterConnection';
import type { ClusterSnapshot } from '../cluster/clusterInventory';
import { CLUSTER_KINDS, REQUIRED_CLUSTER_KINDS, type ClusterKind, type ClusterStatus } from '../cluster/clusterTypes';
import { PodIndex, type ClusterObjects, type LiveCacheState, type LiveCluster, type LiveNamespace } from '../core';

/**
 * The connected cluster as the core's hovers read it (core/live: LiveCluster): the snapshot's pods
 * indexed by namespace and label, the namespaces' labels, and how the pod and namespace caches
 * stand. Rebuilt when the cache changes (after the connection's debounce, off any request's path)
 * and when the state changes; a hover reads the last one and never waits on the network.
 */
export class LiveClusterView {
  private built: { snapshot: ClusterSnapshot; status: string; live: LiveCluster | undefined } | undefined;

  constructor(private readonly cluster: ClusterConnection) {
    // rebuilt when the connection reports a change (its cache changes come debounced), so a
    // hover never pays for reading the cache: not even in a burst of watch events
    cluster.onDidChangeCache(() => this.rebuild());
    cluster.onDidChangeStatus(() => this.rebuild());
  }

  /** The cluster for hovers, or undefined when disconnected (untrusted workspaces never connect). */
  current(): LiveCluster | undefined {
    if (!this.built) this.rebuild();
    return this.built?.live;
  }

  private rebuild(): void {
    const snapshot = this.cluster.snapshot();
    const status = this.cluster.status();
    const statusKey = `${status.state}\u0000${status.syncedKinds.join(',')}\u0000${status.denied.map((d) => d.kind).join(',')}\u0000${status.message ?? ''}\u0000${status.lastSyncAt ?? ''}`;
    if (this.built && this.built.snapshot === snapshot && this.built.status === statusKey) return;
    // a state change alone keeps the snapshot's pod list, and so the index
    const previous = this.built?.snapshot.pods === snapshot.pods ? this.built.live : undefined;
    const live = liveClusterOf(snapshot, status, previous?.index);
    this.built = { snapshot, status: statusKey, live };
  }
}

function cacheState(kind: ClusterKind, snapshot: ClusterSnapshot, status: ClusterStatus): LiveCacheState {
  if (status.denied.some((d) => d.kind === kind)) return 'denied';
  if (!snapshot.listedKinds.includes(kind)) return 'loading';
  // listed and watched while other kinds still load (connecting) is current; a failing
  // connection, or a kind being listed again after its watch broke, is not
  if (status.state === 'unreachable' || status.state === 'unauthorised' || !snapshot.syncedKinds.includes(kind)) return 'stale';
  return 'synced';
}

/** The hovers' view of a snapshot and status (index: reuse one built from the same pods). */
export function liveClusterOf(snapshot: ClusterSnapshot, status: ClusterStatus, index?: PodIndex): LiveCluster | undefined {
  if (status.state === 'disconnected' || snapshot.context === undefined) return undefined;
  const namespaceLabels = new Map<string, LiveNamespace>();
  for (const ns of snapshot.namespaces) namespaceLabels.set(ns.name, { name: ns.name, labels: ns.labels });
  return {
    context: snapshot.context,
    connection: status.state,
    pods: cacheState('Pod', snapshot, status),
    namespaces: cacheState('Namespace', snapshot, status),
    podsDenial: status.denied.find((d) => d.kind === 'Pod')?.message,
    namespacesDenial: status.denied.find((d) => d.kind === 'Namespace')?.message,
    staleReason: status.message,
    lastSyncAt: status.lastSyncAt,
    index: index ?? new PodIndex(snapshot.pods),
    namespaceLabels,
  };
}

/**
 * The snapshot's objects for the inventory, or why they cannot take part: before every kind is
 * listed (or denied) a half-filled cache would report every pod as not isolated, and without
 * NetworkPolicies, Pods or Namespaces the rules would judge the cluster's workloads wrongly.
 * A stale cache (reconnecting) keeps taking part as last seen, as the hovers show it.
 */
export function clusterObjectsOf(snapshot: ClusterSnapshot, status: ClusterStatus): { objects: ClusterObjects } | { reason: string } {
  if (status.state === 'disconnected' || snapshot.context === undefined) return { reason: 'disconnected' };
  const denied = new Set(status.denied.map((d) => d.kind));
  const missing = REQUIRED_CLUSTER_KINDS.filter((k) => denied.has(k));
  if (missing.length > 0) return { reason: `no access to ${missing.join(', ')} objects, so the cluster's objects are left out of the analysis` };
  const pending = CLUSTER_KINDS.filter((k) => !denied.has(k) && !snapshot.listedKinds.includes(k));
  if (pending.length > 0) return { reason: `still listing ${pending.join(', ')}` };
  return { objects: { context: snapshot.context, namespaces: snapshot.namespaces, workloads: snapshot.workloads, policies: snapshot.policies } };
}

export interface ClusterInventoryFeedOptions {
  /** quiet time after a change before the inventory follows it */
  readonly debounceMs?: number;
  /** the longest a change waits while changes keep coming (a burst) */
  readonly maxWaitMs?: number;
  readonly log?: (message: string) => void;
}

/**
 * Feeds the cluster cache into the workspace index (`apply`): after a change has been quiet for
 * `debounceMs`, or at the latest `maxWaitMs` after the first change of a burst, so a burst of
 * watch events re-runs the rules (and refreshes the diagnostics) a few times, never once an event.
 */
export function feedClusterInventory(cluster: ClusterConnection, apply: (objects: ClusterObjects | undefined) => Promise<void>, options: ClusterInventoryFeedOptions = {}): { dispose(): void } {
  const debounceMs = options.debounceMs ?? 300;
  const maxWaitMs = options.maxWaitMs ?? 2000;
  let timer: NodeJS.Timeout | undefined;
  let firstAt: number | undefined;
  let last: { snapshot: ClusterSnapshot | undefined; reason: string | undefined } = { snapshot: undefined, reason: 'disconnected' };
  let running: Promise<void> = Promise.resolve();
  let disposed = false;

  const run = (): void => {
    timer = undefined;
    if (disposed) return;
    firstAt = undefined;
    const snapshot = cluster.snapshot();
    const result = clusterObjectsOf(snapshot, cluster.status());
    const reason = 'reason' in result ? result.reason : undefined;
    const objects = 'objects' in result ? result.objects : undefined;
    // the same cache, used or not for the same reason: nothing to do
    if ((objects && last.snapshot === snapshot) || (!objects && last.reason === reason)) return;
    if (reason && reason !== last.reason && reason !== 'disconnected') options.log?.(`cluster: ${reason}`);
    last = { snapshot: objects ? snapshot : undefined, reason };
    running = running
      .then(() => (disposed ? undefined : apply(objects)))
      .catch((error: unknown) => {
        if (!disposed) options.log?.(`cluster objects not applied: ${String(error)}`);
      });
  };

  const schedule = (): void => {
    const now = Date.now();
    firstAt ??= now;
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, Math.max(0, Math.min(debounceMs, firstAt + maxWaitMs - now)));
    // a pending update never keeps a shut-down server's process alive
    timer.unref();
  };

  const subscriptions = [cluster.onDidChangeCache(schedule), cluster.onDidChangeStatus(schedule)];
  return {
    dispose: () => {
      disposed = true;
      if (timer) clearTimeout(timer);
      for (const s of subscriptions) s.dispose();
    },
  };
}
