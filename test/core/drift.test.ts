import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkspaceAnalysis, computeDrift, formatDrift, formatPortSet, hasDrift, type DriftReport } from '../../server/src/core';

/** Drift between the repository's policies and the cluster's (server/src/core/drift). */

function inventory(text: string, file: string): ReturnType<WorkspaceAnalysis['inventory']> {
  const workspace = new WorkspaceAnalysis();
  workspace.update(file, text);
  return workspace.inventory();
}

/** The cluster as the API server returns it: the workloads and namespaces, and its policies. */
const WORLD = `
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { team: shop } }
---
apiVersion: v1
kind: Namespace
metadata: { name: web, labels: { team: web } }
---
apiVersion: v1
kind: Namespace
metadata: { name: other }
---
apiVersion: v1
kind: Pod
metadata: { name: api-1, namespace: shop, labels: { app: api } }
spec: { containers: [{ name: c, image: i, ports: [{ containerPort: 8080, name: http }] }] }
---
apiVersion: v1
kind: Pod
metadata: { name: db-1, namespace: shop, labels: { app: db } }
spec: { containers: [{ name: c, image: i, ports: [{ containerPort: 5432 }] }] }
---
apiVersion: v1
kind: Pod
metadata: { name: frontend-1, namespace: web, labels: { app: frontend } }
spec: { containers: [{ name: c, image: i }] }
---
apiVersion: v1
kind: Pod
metadata: { name: tool-1, namespace: other, labels: { app: tool } }
spec: { containers: [{ name: c, image: i }] }
`;

function drift(repository: string, clusterPolicies: string, allNamespaces = false): DriftReport {
  const repo = inventory(repository, 'repo.yaml');
  const cluster = inventory(`${WORLD}\n---\n${clusterPolicies}`, 'cluster.json');
  return computeDrift({
    repository: repo.policies,
    cluster: { namespaces: [...cluster.namespaces.values()], workloads: cluster.workloads, policies: cluster.policies },
    allNamespaces,
  });
}

const ALLOW_FRONTEND = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api-from-frontend, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  ingress:
    - from:
        - namespaceSelector: { matchLabels: { team: web } }
          podSelector: { matchLabels: { app: frontend } }
        - podSelector: { matchLabels: { app: db } }
      ports: [{ port: 8080 }, { port: 9090, protocol: UDP }]
`;

/** The same policy as kubectl apply leaves it in the cluster: server metadata, defaults, other order. */
const ALLOW_FRONTEND_APPLIED = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-from-frontend
  namespace: shop
  uid: 0b6e1f8e-1111-2222-3333-444455556666
  resourceVersion: "4211"
  generation: 1
  creationTimestamp: "2026-12-01T10:00:00Z"
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"spec":{}}'
  managedFields: [{ manager: kubectl, operation: Update }]
spec:
  podSelector: { matchExpressions: [{ key: app, operator: In, values: [api] }] }
  policyTypes: [Ingress]
  egress: []
  ingress:
    - ports: [{ port: 9090, protocol: UDP }, { port: 8080, protocol: TCP }, { port: 8080, protocol: TCP }]
      from:
        - podSelector: { matchLabels: { app: db } }
        - podSelector: { matchLabels: { app: frontend }, matchExpressions: [] }
          namespaceSelector: { matchLabels: { team: web } }
`;

describe('drift', () => {
  it('finds no drift when the cluster holds the applied, defaulted and reordered policy', () => {
    const report = drift(ALLOW_FRONTEND, ALLOW_FRONTEND_APPLIED);
    assert.equal(hasDrift(report), false, formatDrift(report, () => ''));
    assert.equal(report.unchanged, 1);
    assert.deepEqual(report.namespaces, ['shop']);
    assert.equal(formatDrift(report, () => 'x').split('\n').at(-1), 'No drift: 1 policy matches the cluster in 1 namespace.');
  });

  it('treats an absent podSelector beside a namespaceSelector as {}, and empty lists as absent ones', () => {
    const repo = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: from-web, namespace: shop }
spec:
  podSelector: {}
  ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: web } } }] }]
  egress: []
`;
    const cluster = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: from-web, namespace: shop }
spec:
  podSelector: { matchLabels: {} }
  policyTypes: [Ingress]
  ingress: [{ ports: [], from: [{ podSelector: {}, namespaceSelector: { matchLabels: { team: web } } }] }]
`;
    assert.equal(hasDrift(drift(repo, cluster)), false);
  });

  it('sees that an absent namespaceSelector (own namespace) differs from {} (every namespace)', () => {
    const repo = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db, namespace: shop }
spec: { podSelector: { matchLabels: { app: db } }, ingress: [{ from: [{ podSelector: {} }] }] }
`;
    const cluster = repo.replace('{ podSelector: {} }', '{ podSelector: {}, namespaceSelector: {} }');
    const report = drift(repo, cluster);
    assert.deepEqual(report.changed.map((c) => c.changes), [
      [{ path: 'spec.ingress[0].from', repository: "every pod in the policy's namespace", cluster: 'every pod in every namespace' }],
    ]);
    // the cluster lets pods of every namespace reach the database; the repository only shop's
    assert.deepEqual(
      report.connectivity.clusterOnly.map((c) => `${c.src} -> ${c.dst}: ${formatPortSet(c.ports)}`),
      ['other/tool-1 -> shop/db-1: all ports', 'web/frontend-1 -> shop/db-1: all ports'],
    );
    assert.deepEqual(report.connectivity.repositoryOnly, []);
  });

  it('reports each kind of drift, what changed in words, and the connectivity both ways', () => {
    const repo = `${ALLOW_FRONTEND}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db-deny, namespace: shop }
spec: { podSelector: { matchLabels: { app: db } }, policyTypes: [Ingress] }
`;
    const cluster = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api-from-frontend, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  policyTypes: [Ingress, Egress]
  ingress:
    - from:
        - namespaceSelector: { matchLabels: { team: web } }
          podSelector: { matchLabels: { app: frontend } }
        - podSelector: { matchLabels: { app: db } }
      ports: [{ port: 8080 }, { port: 8443 }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: hotfix-allow-all, namespace: shop }
spec: { podSelector: {}, ingress: [{}] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: unrelated, namespace: other }
spec: { podSelector: {}, policyTypes: [Ingress] }
`;
    const report = drift(repo, cluster);
    assert.equal(hasDrift(report), true);
    assert.deepEqual(report.missingInCluster.map((p) => `${p.namespace}/${p.name}`), ['shop/db-deny']);
    // other/unrelated is outside the scope (no repository policy in namespace other)
    assert.deepEqual(report.missingInRepository.map((p) => `${p.namespace}/${p.name}`), ['shop/hotfix-allow-all']);
    assert.deepEqual(report.changed.map((c) => [c.name, c.changes]), [
      [
        'api-from-frontend',
        [
          { path: 'spec.policyTypes', repository: 'Ingress', cluster: 'Egress, Ingress' },
          { path: 'spec.ingress[0].ports', repository: 'TCP 8080, UDP 9090', cluster: 'TCP 8080, TCP 8443' },
          { path: 'spec.egress', repository: 'not isolated for Egress', cluster: 'Egress denied (no rules)' },
        ],
      ],
    ]);
    const text = (list: DriftReport['connectivity']['clusterOnly']): string[] => list.map((c) => `${c.src} -> ${c.dst}: ${formatPortSet(c.ports)}`);
    // the cluster: api egress denied; hotfix-allow-all opens db and api to every source (the
    // addresses outside the cluster too) on every port
    // the repository: db denies all ingress, api takes 8080/TCP and 9090/UDP from frontend and db;
    // other/unrelated (outside the scope, on both sides) keeps tool-1 closed
    assert.deepEqual(text(report.connectivity.clusterOnly), [
      '0.0.0.0-255.255.255.255 -> shop/api-1: all ports',
      '0.0.0.0-255.255.255.255 -> shop/db-1: all ports',
      '::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff -> shop/api-1: all ports',
      '::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff -> shop/db-1: all ports',
      'other/tool-1 -> shop/api-1: all ports',
      'other/tool-1 -> shop/db-1: all ports',
      'shop/db-1 -> shop/api-1: TCP 1-8079, 8081-65535; UDP 1-9089, 9091-65535; SCTP all ports',
      'web/frontend-1 -> shop/api-1: TCP 1-8079, 8081-65535; UDP 1-9089, 9091-65535; SCTP all ports',
      'web/frontend-1 -> shop/db-1: all ports',
    ]);
    assert.deepEqual(text(report.connectivity.repositoryOnly), [
      'shop/api-1 -> 0.0.0.0-255.255.255.255: all ports',
      'shop/api-1 -> ::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff: all ports',
      'shop/api-1 -> web/frontend-1: all ports',
    ]);
    const out = formatDrift(report, (p) => (p.source.file === 'repo.yaml' ? 'repo.yaml' : 'cluster'));
    assert.match(out, /^Compared the namespaces the repository has policies for: shop\.$/m);
    assert.match(out, /In the repository, missing in the cluster:\n {2}shop\/db-deny \(repo\.yaml\)/);
    assert.match(out, /In the cluster, not in the repository:\n {2}shop\/hotfix-allow-all \(cluster\)/);
    assert.match(out, / {4}spec\.ingress\[0\]\.ports: repository: TCP 8080, UDP 9090; cluster: TCP 8080, TCP 8443/);
    assert.equal(out.split('\n').at(-1), '1 missing in the cluster, 1 not in the repository, 1 changed, 0 unchanged, 9 connection(s) only the cluster allows, 3 only the repository allows');
  });

  it('with allNamespaces, compares the namespaces the repository has no policies for', () => {
    const cluster = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: unrelated, namespace: other }
spec: { podSelector: {}, policyTypes: [Ingress] }
`;
    assert.equal(hasDrift(drift(ALLOW_FRONTEND, `${ALLOW_FRONTEND_APPLIED}\n---\n${cluster}`)), false);
    const report = drift(ALLOW_FRONTEND, `${ALLOW_FRONTEND_APPLIED}\n---\n${cluster}`, true);
    assert.deepEqual(report.missingInRepository.map((p) => `${p.namespace}/${p.name}`), ['other/unrelated']);
    assert.deepEqual(report.namespaces, ['other', 'shop']);
    // the repository would leave other/tool-1 open: its ingress is what the cluster cuts off
    assert.deepEqual(
      report.connectivity.repositoryOnly.map((c) => `${c.src} -> ${c.dst}`),
      ['0.0.0.0-255.255.255.255 -> other/tool-1', '::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff -> other/tool-1', 'shop/api-1 -> other/tool-1', 'shop/db-1 -> other/tool-1', 'web/frontend-1 -> other/tool-1'],
    );
  });

  it('pairs an edited selector, lists added rules, ignores rules policyTypes leave out and matchExpression value order', () => {
    const repo = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: p, namespace: shop }
spec:
  podSelector: { matchExpressions: [{ key: app, operator: In, values: [db, api] }] }
  policyTypes: [Egress]
  ingress: [{ from: [{ podSelector: { matchLabels: { app: x } } }] }]
  egress: [{ to: [{ ipBlock: { cidr: 10.0.0.0/8, except: [10.2.0.0/16, 10.1.0.0/16] } }] }]
`;
    const cluster = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: p, namespace: shop }
spec:
  podSelector: { matchExpressions: [{ key: app, operator: In, values: [api, db] }, { key: tier, operator: Exists }] }
  policyTypes: [Egress]
  egress:
    - to: [{ ipBlock: { cidr: 10.0.0.0/8, except: [10.1.0.0/16, 10.2.0.0/16] } }]
    - to: [{ podSelector: {} }]
      ports: [{ protocol: UDP, port: 53 }]
`;
    const report = drift(repo, cluster);
    assert.deepEqual(report.changed[0]?.changes, [
      { path: 'spec.podSelector', repository: 'pods app in (api,db)', cluster: 'pods app in (api,db), tier' },
      { path: 'spec.egress[1]', repository: undefined, cluster: "UDP 53 to every pod in the policy's namespace" },
    ]);
  });

  it('keeps the first of two repository policies with one name and says so', () => {
    const report = drift(`${ALLOW_FRONTEND}\n---\n${ALLOW_FRONTEND.replace('port: 8080', 'port: 1')}`, ALLOW_FRONTEND_APPLIED);
    assert.equal(report.unchanged, 1);
    assert.deepEqual(report.duplicates.map((p) => p.name), ['api-from-frontend']);
    assert.match(formatDrift(report, () => 'repo.yaml'), /Defined more than once in the repository/);
  });
});
