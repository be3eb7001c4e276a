import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterSnapshot } from '../../server/src/cluster/clusterInventory';
import { CLUSTER_KINDS, type ClusterDenial, type ClusterKind, type ClusterStatus } from '../../server/src/cluster/clusterTypes';
import { clusterObjectsOf, liveClusterOf } from '../../server/src/lsp/liveCluster';

/** How the cache's state reads in hovers (loading, stale, denied) and when cluster objects may take part in the analysis. */

function snapshot(listed: readonly ClusterKind[], synced: readonly ClusterKind[] = listed): ClusterSnapshot {
  return {
    context: 'prod',
    state: 'connected',
    takenAt: 0,
    syncedKinds: synced,
    listedKinds: listed,
    namespaces: [{ name: 'shop', labels: { 'kubernetes.io/metadata.name': 'shop' }, explicit: true, source: undefined }],
    workloads: [],
    policies: [],
    pods: [{ namespace: 'shop', name: 'web-1', labels: { app: 'web' }, phase: 'Pending', ips: [], nodeName: undefined }],
  };
}

function denial(kind: ClusterKind): ClusterDenial {
  return { kind, verb: 'list', resource: `${kind.toLowerCase()}s`, group: '', namespace: undefined, message: `No access to ${kind} objects` };
}

function status(state: ClusterStatus['state'], s: ClusterSnapshot, denied: readonly ClusterDenial[] = [], message?: string): ClusterStatus {
  return { state, context: 'prod', server: 'https://127.0.0.1:1', contexts: ['prod'], kubeconfigFiles: [], message, denied, counts: { namespaces: 1, pods: 1, workloads: 0, policies: 0 }, syncedKinds: s.syncedKinds, lastSyncAt: 1000 };
}

describe('the live cluster view', () => {
  it('pods: loading, then current while other kinds still load, stale when unreachable or re-listing, denied by RBAC', () => {
    const none = snapshot([]);
    assert.equal(liveClusterOf(none, status('connecting', none))?.pods, 'loading');
    const podsOnly = snapshot(['Namespace', 'Pod']);
    assert.equal(liveClusterOf(podsOnly, status('connecting', podsOnly))?.pods, 'synced');
    const all = snapshot([...CLUSTER_KINDS]);
    const unreachable = liveClusterOf(all, status('unreachable', all, [], 'connect ECONNREFUSED'));
    assert.deepEqual([unreachable?.pods, unreachable?.staleReason, unreachable?.lastSyncAt], ['stale', 'connect ECONNREFUSED', 1000]);
    const relisting = snapshot([...CLUSTER_KINDS], CLUSTER_KINDS.filter((k) => k !== 'Pod'));
    assert.equal(liveClusterOf(relisting, status('connected', relisting))?.pods, 'stale');
    const denied = snapshot(['Namespace']);
    const view = liveClusterOf(denied, status('connected', denied, [denial('Pod')]));
    assert.deepEqual([view?.pods, view?.podsDenial, view?.namespaces], ['denied', 'No access to Pod objects', 'synced']);
    assert.equal(liveClusterOf(all, status('disconnected', all)), undefined);
  });

  it('cluster objects take part once every kind is listed or denied, and only with namespaces, pods and policies readable', () => {
    const partial = snapshot(['Namespace', 'Pod']);
    assert.match((clusterObjectsOf(partial, status('connecting', partial)) as { reason: string }).reason, /still listing Deployment, StatefulSet, DaemonSet, ReplicaSet, NetworkPolicy/);
    const all = snapshot([...CLUSTER_KINDS]);
    assert.ok('objects' in clusterObjectsOf(all, status('connected', all)));
    // a stale cache keeps taking part, as last seen
    assert.ok('objects' in clusterObjectsOf(all, status('unreachable', all)));
    const noDeployments = snapshot(CLUSTER_KINDS.filter((k) => k !== 'Deployment'));
    assert.ok('objects' in clusterObjectsOf(noDeployments, status('connected', noDeployments, [denial('Deployment')])));
    const noPolicies = snapshot(CLUSTER_KINDS.filter((k) => k !== 'NetworkPolicy'));
    assert.match((clusterObjectsOf(noPolicies, status('connected', noPolicies, [denial('NetworkPolicy')])) as { reason: string }).reason, /no access to NetworkPolicy objects/);
  });
});
