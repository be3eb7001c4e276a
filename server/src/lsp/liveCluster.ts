import type { ClusterConnection } from '../cluster/clusterConnection';
import type { ClusterSnapshot } from '../cluster/clusterInventory';
import type { ClusterKind, ClusterStatus } from '../cluster/clusterTypes';
import { PodIndex, type LiveCacheState, type LiveCluster, type LiveNamespace } from '../core';

/**
 * The connected cluster as the core's hovers read it (core/live: LiveCluster): the snapshot's pods
 * indexed by namespace and label, the namespaces' labels, and how the pod and namespace caches
 * stand. Rebuilt when the cache changes (after the connection's debounce, off any request's path)
 * and when the state changes; a hover reads the last one and never waits on the network.
 */
export class LiveClusterView {
  private built: { snapshot: ClusterSnapshot; status: string; live: LiveCluster | undefined } | undefined;

  constructor(private readonly cluster: ClusterConnection) {
    // index a changed cache at once, so the next hover finds it built
    cluster.onDidChangeCache(() => void this.current());
  }

  /** The cluster for hovers, or undefined when disconnected (untrusted workspaces never connect). */
  current(): LiveCluster | undefined {
    const snapshot = this.cluster.snapshot();
    const status = this.cluster.status();
    const statusKey = `${status.state}\u0000${status.syncedKinds.join(',')}\u0000${status.denied.map((d) => d.kind).join(',')}\u0000${status.message ?? ''}`;
    if (this.built && this.built.snapshot === snapshot && this.built.status === statusKey) return this.built.live;
    const previous = this.built?.snapshot === snapshot ? this.built.live : undefined;
    const live = liveCluster(snapshot, status, previous?.index);
    this.built = { snapshot, status: statusKey, live };
    return live;
  }
}

function cacheState(kind: ClusterKind, snapshot: ClusterSnapshot, status: ClusterStatus): LiveCacheState {
  if (status.denied.some((d) => d.kind === kind)) return 'denied';
  if (!snapshot.listedKinds.includes(kind)) return 'loading';
  if (status.state !== 'connected' || !snapshot.syncedKinds.includes(kind)) return 'stale';
  return 'synced';
}

function liveCluster(snapshot: ClusterSnapshot, status: ClusterStatus, index: PodIndex | undefined): LiveCluster | undefined {
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
