import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { URI } from 'vscode-uri';
import { canonicalClusterUri, clusterObjectUri, objectContribution, parseClusterObjectUri } from '../../server/src/cluster/clusterInventory';
import { WorkspaceAnalysis } from '../../server/src/core/workspace';
import { foldClusterWorkloads, type ClusterObjects } from '../../server/src/core/inventory/clusterObjects';
import { ReachabilityIndex } from '../../server/src/core/reachability/engine';
import { workloadEndpoints } from '../../server/src/core/reachability/endpoints';

/** Cluster objects in the inventory (the inventorySource setting): counted once, the workspace's winning, findings saying where. */

type Obj = Record<string, unknown>;

function meta(name: string, namespace: string | undefined, extra: Obj = {}): Obj {
  return { name, ...(namespace ? { namespace } : {}), ...extra };
}

function owner(kind: string, name: string): Obj {
  return { ownerReferences: [{ apiVersion: kind === 'ReplicaSet' || kind === 'StatefulSet' ? 'apps/v1' : 'batch/v1', kind, name, uid: `${name}-uid`, controller: true }] };
}

function pod(name: string, labels: Record<string, string>, ownerRef?: Obj): Obj {
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta(name, 'shop', { labels, ...(ownerRef ?? {}) }), spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 8080 }] }] } };
}

function controller(kind: string, name: string, labels: Record<string, string>, ownerRef?: Obj): Obj {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: meta(name, 'shop', ownerRef ?? {}),
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 8080 }] }] } } },
  };
}

function policy(name: string, spec: Obj): Obj {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(name, 'shop'), spec };
}

const CLUSTER_OBJECTS: Obj[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: meta('shop', undefined, { labels: { team: 'shop' } }) },
  controller('Deployment', 'web', { app: 'web' }),
  controller('ReplicaSet', 'web-5d8f', { app: 'web', 'pod-template-hash': '5d8f' }, owner('Deployment', 'web')),
  pod('web-5d8f-a', { app: 'web', 'pod-template-hash': '5d8f' }, owner('ReplicaSet', 'web-5d8f')),
  pod('web-5d8f-b', { app: 'web', 'pod-template-hash': '5d8f' }, owner('ReplicaSet', 'web-5d8f')),
  controller('StatefulSet', 'db', { app: 'db' }),
  pod('db-0', { app: 'db', 'statefulset.kubernetes.io/pod-name': 'db-0' }, owner('StatefulSet', 'db')),
  pod('db-1', { app: 'db', 'statefulset.kubernetes.io/pod-name': 'db-1' }, owner('StatefulSet', 'db')),
  // a Job's pods: Jobs are not watched, so the owner is absent; same shape: one workload
  pod('report-x1', { app: 'report' }, owner('Job', 'report')),
  pod('report-x2', { app: 'report' }, owner('Job', 'report')),
  pod('debug', { app: 'debug' }),
  policy('deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] }),
  policy('web-egress', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'] }),
];

function clusterObjects(objects: readonly Obj[] = CLUSTER_OBJECTS): ClusterObjects {
  const contributions = objects.map((o) => objectContribution('prod', o));
  return {
    context: 'prod',
    namespaces: contributions.flatMap((c) => c.namespaces),
    workloads: contributions.flatMap((c) => c.workloads),
    policies: contributions.flatMap((c) => c.policies),
  };
}

const WORKSPACE_POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-egress
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: web
  policyTypes: [Ingress, Egress]
  egress:
    - to:
        - podSelector:
            matchLabels:
              app: db
`;

const WORKSPACE_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web, tier: front }
    spec:
      containers: [{ name: web, image: web }]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: local-only
  namespace: shop
spec:
  selector:
    matchLabels: { app: local }
  template:
    metadata:
      labels: { app: local }
    spec:
      containers: [{ name: local, image: local }]
`;

function notIsolated(findings: Map<string, { ruleId: string; message: string }[]>): string[] {
  const out: string[] = [];
  for (const [file, list] of findings) for (const f of list) if (f.ruleId === 'workload-not-isolated') out.push(`${file.startsWith('netpol-cluster:') ? file : 'workspace'} ${f.message}`);
  return out.sort();
}

describe('cluster objects in the inventory', () => {
  it('a workload counts once: pods fold into their ReplicaSet, ReplicaSets into their Deployment, a Job’s alike pods into one', () => {
    const folded = foldClusterWorkloads(clusterObjects().workloads, []);
    assert.deepEqual(folded.map((w) => `${w.kind}/${w.name}`).sort(), ['Deployment/web', 'Pod/debug', 'Pod/report-x1', 'StatefulSet/db']);
    // the reachability endpoints agree: the same four
    const analysis = new WorkspaceAnalysis();
    analysis.setCluster(clusterObjects(), 'cluster');
    assert.deepEqual(workloadEndpoints(analysis.inventory()).map((e) => e.id), ['shop/db', 'shop/debug', 'shop/report', 'shop/web']);
  });

  it('both: the workspace’s version of an object wins; the cluster adds what the workspace lacks', () => {
    const analysis = new WorkspaceAnalysis();
    analysis.update('file:///w/policy.yaml', WORKSPACE_POLICY);
    analysis.update('file:///w/deploy.yaml', WORKSPACE_DEPLOYMENT);
    analysis.setCluster(clusterObjects(), 'both');
    const inventory = analysis.inventory();
    const web = inventory.workloads.filter((w) => w.name === 'web');
    assert.equal(web.length, 1);
    assert.equal(web[0]?.source.file, 'file:///w/deploy.yaml');
    assert.deepEqual(web[0]?.podLabels, { app: 'web', tier: 'front' });
    assert.deepEqual(inventory.workloads.map((w) => w.name).sort(), ['db', 'debug', 'local-only', 'report-x1', 'web']);
    const egress = inventory.policies.filter((p) => p.name === 'web-egress');
    assert.deepEqual(egress.map((p) => p.source.file), ['file:///w/policy.yaml']);
    assert.deepEqual(inventory.policies.map((p) => p.name).sort(), ['deny-ingress', 'web-egress']);
    // the cluster's Namespace brings its labels
    assert.deepEqual(inventory.namespaces.get('shop')?.labels, { team: 'shop', 'kubernetes.io/metadata.name': 'shop' });
    // the workspace's inventory is still there for "in the workspace"
    assert.deepEqual(analysis.workspaceInventory().workloads.map((w) => w.name).sort(), ['local-only', 'web']);

    // the reachability engine sees the cluster's policies too
    const index = new ReachabilityIndex(inventory);
    assert.ok(index.policies.some((p) => p.policy.name === 'deny-ingress'));
  });

  it('rules run over cluster objects; findings placed in them say they are in the cluster', () => {
    const analysis = new WorkspaceAnalysis();
    analysis.update('file:///w/policy.yaml', WORKSPACE_POLICY);
    analysis.update('file:///w/deploy.yaml', WORKSPACE_DEPLOYMENT);
    assert.deepEqual(notIsolated(analysis.findings()), [
      'workspace Deployment shop/local-only is not isolated for ingress and egress: no NetworkPolicy selects its pods (app=local) for ingress and egress, so all ingress and egress traffic is allowed.',
    ]);
    analysis.setCluster(clusterObjects(), 'both');
    const db = clusterObjectUri('prod', 'StatefulSet', 'shop', 'db');
    const debug = clusterObjectUri('prod', 'Pod', 'shop', 'debug');
    const report = clusterObjectUri('prod', 'Pod', 'shop', 'report-x1');
    assert.deepEqual(notIsolated(analysis.findings()), [
      `${debug} In the cluster (context prod): Pod shop/debug is not isolated for egress: no NetworkPolicy selects its pods (app=debug) for egress, so all egress traffic is allowed.`,
      `${report} In the cluster (context prod): Pod shop/report-x1 is not isolated for egress: no NetworkPolicy selects its pods (app=report) for egress, so all egress traffic is allowed.`,
      `${db} In the cluster (context prod): StatefulSet shop/db is not isolated for egress: no NetworkPolicy selects its pods (app=db) for egress, so all egress traffic is allowed.`,
      'workspace Deployment shop/local-only is not isolated for egress: no NetworkPolicy selects its pods (app=local) for egress, so all egress traffic is allowed.',
    ]);
    // workspace only again: the cluster's findings are gone
    analysis.setCluster(clusterObjects(), 'workspace');
    assert.equal(notIsolated(analysis.findings()).length, 1);
  });

  it('cluster: the cluster’s workloads and namespaces with the workspace’s policies applied over its own', () => {
    const analysis = new WorkspaceAnalysis();
    analysis.update('file:///w/policy.yaml', WORKSPACE_POLICY);
    analysis.update('file:///w/deploy.yaml', WORKSPACE_DEPLOYMENT);
    analysis.setCluster(clusterObjects(), 'cluster');
    const inventory = analysis.inventory();
    assert.deepEqual(inventory.workloads.map((w) => w.name).sort(), ['db', 'debug', 'report-x1', 'web']);
    assert.equal(inventory.workloads.find((w) => w.name === 'web')?.source.file, clusterObjectUri('prod', 'Deployment', 'shop', 'web'));
    assert.deepEqual(inventory.policies.map((p) => `${p.name} ${p.source.file.startsWith('file:') ? 'workspace' : 'cluster'}`).sort(), ['deny-ingress cluster', 'web-egress workspace']);
    // the cluster's web Deployment is isolated both ways by the workspace's web-egress and the cluster's deny-ingress
    assert.ok(!notIsolated(analysis.findings()).some((f) => f.includes('Deployment shop/web')));
  });

  it('a cluster change re-runs the rules', () => {
    const analysis = new WorkspaceAnalysis();
    analysis.setCluster(clusterObjects(), 'both');
    const before = notIsolated(analysis.findings()).length;
    analysis.setCluster(clusterObjects([...CLUSTER_OBJECTS, pod('debug-2', { app: 'debug2' })]), 'both');
    assert.equal(notIsolated(analysis.findings()).length, before + 1);
  });
});

describe('cluster object URIs', () => {
  it('survive VS Code rewriting them (lower-case authority, decoded escapes), whatever the context name', () => {
    for (const context of ['netpol-test-admin', 'Kind-Prod', 'arn:aws:eks:us-east-1:123456789012:cluster/Prod', 'gke_proj_europe-west1_c', 'user@cluster']) {
      const uri = clusterObjectUri(context, 'Pod', 'shop', 'web-1');
      const rewritten = URI.parse(uri).toString();
      assert.equal(canonicalClusterUri(rewritten), canonicalClusterUri(uri), context);
      assert.deepEqual(parseClusterObjectUri(rewritten), { kind: 'pod', namespace: 'shop', name: 'web-1' }, context);
      assert.deepEqual(parseClusterObjectUri(URI.parse(clusterObjectUri(context, 'Namespace', undefined, 'shop')).toString()), { kind: 'namespace', namespace: undefined, name: 'shop' });
    }
    assert.equal(parseClusterObjectUri('file:///a/b.yaml'), undefined);
  });
});
