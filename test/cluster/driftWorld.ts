import assert from 'node:assert/strict';
import type { ApiClient } from './apiClient';

/**
 * The cluster and repository the drift tests compare (CLI and editor): namespaces shop, web and
 * steady; a Deployment api with its ReplicaSet and Pod (owner references as the controllers would
 * set them; no controller runs here), bare Pods db, frontend and tool; and policies that drift
 * from the repository in each way (missing, extra, changed) in shop, and match it in steady
 * although they were sent with the defaults spelled out and in another order.
 */

async function create(api: ApiClient, token: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await api.send('POST', path, token, JSON.stringify(body));
  assert.equal(response.status, 201, `POST ${path}: ${JSON.stringify(response.body)}`);
  return response.body as Record<string, unknown>;
}

function uidOf(object: Record<string, unknown>): string {
  return (object['metadata'] as { uid: string }).uid;
}

const CONTAINERS = [{ name: 'app', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }];

function policy(namespace: string, name: string, spec: unknown): unknown {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

export async function createDriftWorld(api: ApiClient, token: string): Promise<void> {
  for (const [name, labels] of [['shop', { team: 'shop' }], ['web', { team: 'web' }], ['steady', {}]] as const) {
    await create(api, token, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  }
  const labels = { app: 'api' };
  const deployment = await create(api, token, '/apis/apps/v1/namespaces/shop/deployments', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', labels },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: CONTAINERS } } },
  });
  const owner = (kind: string, name: string, uid: string): unknown[] => [{ apiVersion: 'apps/v1', kind, name, uid, controller: true, blockOwnerDeletion: true }];
  const replicaSet = await create(api, token, '/apis/apps/v1/namespaces/shop/replicasets', {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'api-6d4cf56db6', labels: { ...labels, 'pod-template-hash': '6d4cf56db6' }, ownerReferences: owner('Deployment', 'api', uidOf(deployment)) },
    spec: {
      replicas: 1,
      selector: { matchLabels: { ...labels, 'pod-template-hash': '6d4cf56db6' } },
      template: { metadata: { labels: { ...labels, 'pod-template-hash': '6d4cf56db6' } }, spec: { containers: CONTAINERS } },
    },
  });
  await create(api, token, '/api/v1/namespaces/shop/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'api-6d4cf56db6-x7k2p', labels: { ...labels, 'pod-template-hash': '6d4cf56db6' }, ownerReferences: owner('ReplicaSet', 'api-6d4cf56db6', uidOf(replicaSet)) },
    spec: { containers: CONTAINERS },
  });
  for (const [namespace, name, app] of [['shop', 'db', 'db'], ['web', 'frontend', 'frontend'], ['steady', 'tool', 'tool']] as const) {
    await create(api, token, `/api/v1/namespaces/${namespace}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app } }, spec: { containers: CONTAINERS } });
  }

  // shop: api-from-frontend changed (a port added by hand), hotfix-allow-all not in the repository,
  // db-deny (in the repository) never applied
  await create(
    api,
    token,
    '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies',
    policy('shop', 'api-from-frontend', {
      podSelector: { matchLabels: { app: 'api' } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'web' } }, podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ port: 8080 }, { port: 8443 }] }],
    }),
  );
  await create(api, token, '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies', policy('shop', 'hotfix-allow-all', { podSelector: {}, ingress: [{}] }));
  // steady: the repository's policies with the defaults spelled out, in another order
  await create(api, token, '/apis/networking.k8s.io/v1/namespaces/steady/networkpolicies', policy('steady', 'steady-default-deny', { podSelector: { matchLabels: {} }, policyTypes: ['Ingress'], ingress: [] }));
  await create(
    api,
    token,
    '/apis/networking.k8s.io/v1/namespaces/steady/networkpolicies',
    policy('steady', 'steady-dns', {
      policyTypes: ['Egress'],
      podSelector: {},
      egress: [{ ports: [{ protocol: 'TCP', port: 53 }, { protocol: 'UDP', port: 53 }], to: [{ podSelector: {}, namespaceSelector: { matchLabels: {} } }] }],
    }),
  );
}

/** The repository compared with shop: one policy changed in the cluster, one never applied. */
export const DRIFT_REPOSITORY: Record<string, string> = {
  'shop.yaml': `# the shop namespace's policies
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-from-frontend
  namespace: shop
spec:
  podSelector:
    matchLabels: { app: api }
  ingress:
    - from:
        - namespaceSelector:
            matchLabels: { team: web }
          podSelector:
            matchLabels: { app: frontend }
      ports:
        - port: 8080
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db-deny
  namespace: shop
spec:
  podSelector:
    matchLabels: { app: db }
  policyTypes: [Ingress]
`,
};

/** The repository compared with steady: the same policies as the cluster's, written minimally. */
export const STEADY_REPOSITORY: Record<string, string> = {
  'steady.yaml': `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: steady-default-deny
  namespace: steady
spec:
  podSelector: {}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: steady-dns
  namespace: steady
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to: [{ namespaceSelector: {} }]
      ports: [{ port: 53, protocol: UDP }, { port: 53 }]
`,
};
