import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { clusterObjectUri } from '../../server/src/cluster/clusterInventory';
import { CheckWorkspaceRequest, ClusterObjectRequest, ClusterRequest, type CheckWorkspaceResult, type ClusterStatus } from '../../server/src/protocol';
import { CLUSTER_SETTINGS_SECTION } from '../../server/src/settings';
import { LspHarness, waitFor } from '../lsp/harness';
import { apiClient, type ApiClient } from './apiClient';
import { startTestCluster, type TestCluster } from './testCluster';

/**
 * The inventorySource setting through a real language server connected to the real test API
 * server: cluster objects take part in the guardrails (a cluster-only pod not isolated by the
 * workspace's policies is reported, in the cluster; a Deployment with its ReplicaSet and pods is
 * one workload), the workspace's policies are judged against the cluster's workloads, and the
 * diagnostics follow the mode, a burst of pod changes and a disconnect.
 */

const NS = 'inv-shop';
const CONTEXT = 'netpol-test-admin';

const WORKSPACE = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-isolation
  namespace: ${NS}
spec:
  podSelector:
    matchLabels:
      app: web
  policyTypes: [Ingress, Egress]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: batch
  namespace: ${NS}
spec:
  selector:
    matchLabels: { app: batch }
  template:
    metadata:
      labels: { app: batch }
    spec:
      containers: [{ name: batch, image: batch }]
`;

type Obj = Record<string, unknown>;

async function create(api: ApiClient, token: string, path: string, body: unknown): Promise<Obj> {
  const response = await api.send('POST', path, token, JSON.stringify(body));
  assert.equal(response.status, 201, `POST ${path}: ${JSON.stringify(response.body)}`);
  return response.body as Obj;
}

function uidOf(object: Obj): string {
  return String((object['metadata'] as Obj)['uid']);
}

function ownedBy(apiVersion: string, kind: string, name: string, uid: string): Obj {
  return { ownerReferences: [{ apiVersion, kind, name, uid, controller: true }] };
}

function template(labels: Record<string, string>): Obj {
  return { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'i' }] } };
}

/** A Deployment with the ReplicaSet and pods its controller would make (no controller-manager runs here). */
async function seed(api: ApiClient, token: string): Promise<void> {
  await create(api, token, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { team: 'shop' } } });
  const deployment = await create(api, token, `/apis/apps/v1/namespaces/${NS}/deployments`, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) },
  });
  const replicaSet = await create(api, token, `/apis/apps/v1/namespaces/${NS}/replicasets`, {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web-6f7d', ...ownedBy('apps/v1', 'Deployment', 'web', uidOf(deployment)) },
    spec: { selector: { matchLabels: { app: 'web', 'pod-template-hash': '6f7d' } }, template: template({ app: 'web', 'pod-template-hash': '6f7d' }) },
  });
  for (const suffix of ['a1', 'b2', 'c3']) {
    await create(api, token, `/api/v1/namespaces/${NS}/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `web-6f7d-${suffix}`, labels: { app: 'web', 'pod-template-hash': '6f7d' }, ...ownedBy('apps/v1', 'ReplicaSet', 'web-6f7d', uidOf(replicaSet)) },
      spec: { containers: [{ name: 'c', image: 'i' }] },
    });
  }
  await create(api, token, `/api/v1/namespaces/${NS}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', labels: { app: 'debug' } }, spec: { containers: [{ name: 'c', image: 'i' }] } });
}

function messages(diagnostics: readonly Diagnostic[], code: string): string[] {
  return diagnostics.filter((d) => d.code === code).map((d) => (typeof d.message === 'string' ? d.message : d.message.value));
}

describe('inventory source: cluster objects in the guardrails (test API server)', () => {
  let testCluster: TestCluster;
  let api: ApiClient;
  let dir: string;
  let fileUri: string;
  let lsp: LspHarness;
  let source = 'both';

  before(async () => {
    testCluster = await startTestCluster();
    api = apiClient(testCluster);
    await seed(api, testCluster.adminToken);
    dir = mkdtempSync(join(tmpdir(), 'netpol-inventory-source-'));
    writeFileSync(join(dir, 'shop.yaml'), WORKSPACE);
    fileUri = pathToFileURL(join(dir, 'shop.yaml')).toString();
    lsp = await LspHarness.start({ workspaceFolders: [pathToFileURL(dir).toString()] });
    lsp.settings = (_scope, section) => (section === CLUSTER_SETTINGS_SECTION ? { kubeconfig: testCluster.kubeconfig, context: CONTEXT } : { cluster: { inventorySource: source } });
    await lsp.ready;
    await lsp.open(fileUri, WORKSPACE);
  });

  after(async () => {
    await lsp?.stop();
    api?.close();
    await testCluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const debugUri = clusterObjectUri(CONTEXT, 'Pod', NS, 'debug');

  /** Opens a cluster object's read-only document as the client does (its text from the server) and pulls its diagnostics. */
  async function clusterDiagnostics(uri: string): Promise<Diagnostic[]> {
    const answer = await lsp.client.sendRequest(ClusterObjectRequest.type, { uri });
    assert.ok(answer, `the server has the text of ${uri}`);
    await lsp.open(uri, answer.text, 'json');
    try {
      return await lsp.diagnostics(uri);
    } finally {
      await lsp.close(uri);
    }
  }

  it('disconnected: the workspace alone (the policy selects nothing in the workspace)', async () => {
    const diagnostics = await waitFor(async () => {
      const d = await lsp.diagnostics(fileUri);
      return d.length > 0 ? d : undefined;
    });
    assert.deepEqual(messages(diagnostics, 'policy-selects-nothing'), [`NetworkPolicy ${NS}/web-isolation selects no workload: no pod in namespace "${NS}" has labels app=web.`]);
  });

  it('both: the policy selects the cluster’s Deployment; the cluster-only pod is reported in the cluster, the Deployment’s pods never', async () => {
    const refreshesBefore = lsp.refreshes;
    await lsp.client.sendRequest<ClusterStatus>(ClusterRequest.method, { action: 'connect' });
    const diagnostics = await waitFor(
      async () => {
        const d = await lsp.diagnostics(fileUri);
        return messages(d, 'policy-selects-nothing').length === 0 ? d : undefined;
      },
      20_000,
      'the workspace policy judged against the cluster',
    );
    assert.ok(lsp.refreshes > refreshesBefore, 'the client was asked to refresh');
    // the workspace's own Deployment is still reported, in the workspace
    assert.deepEqual(messages(diagnostics, 'workload-not-isolated'), [
      `Deployment ${NS}/batch is not isolated for ingress and egress: no NetworkPolicy selects its pods (app=batch) for ingress and egress, so all ingress and egress traffic is allowed.`,
    ]);

    const onPod = await clusterDiagnostics(debugUri);
    assert.deepEqual(messages(onPod, 'workload-not-isolated'), [
      `In the cluster (context ${CONTEXT}): Pod ${NS}/debug is not isolated for ingress and egress: no NetworkPolicy selects its pods (app=debug) for ingress and egress, so all ingress and egress traffic is allowed.`,
    ]);
    // placed on metadata.name in the object's text
    const text = (await lsp.client.sendRequest(ClusterObjectRequest.type, { uri: debugUri }))!.text;
    const line = text.split('\n')[onPod[0]!.range.start.line] ?? '';
    assert.match(line, /"name": "debug"/);

    // the Deployment, its ReplicaSet and its pods: one workload, isolated by the workspace's
    // policy (so egress-blocks-dns reports it, once); the namespace has no default deny
    const check: CheckWorkspaceResult = await lsp.client.sendRequest(CheckWorkspaceRequest.type, {});
    // one file checked; the cluster's objects are problems, not files
    assert.equal(check.files, 1);
    const clusterProblems = check.problems.filter((p) => p.uri.startsWith('netpol-cluster:'));
    assert.deepEqual(
      clusterProblems.map((p) => [p.uri, p.diagnostics.map((d) => d.code)]),
      [
        [clusterObjectUri(CONTEXT, 'Namespace', undefined, NS), ['missing-default-deny', 'missing-default-deny']],
        [clusterObjectUri(CONTEXT, 'Deployment', NS, 'web'), ['egress-blocks-dns']],
        [debugUri, ['workload-not-isolated']],
      ],
    );
    assert.match(messages(clusterProblems[1]?.diagnostics ?? [], 'egress-blocks-dns')[0] ?? '', new RegExp(`^In the cluster \\(context ${CONTEXT}\\): `));
  });

  it('a burst of 200 label changes: the diagnostics converge, refreshed a few times, not once an event', async (t) => {
    const refreshesBefore = lsp.refreshes;
    const names: string[] = [];
    for (let i = 0; i < 200; i++) names.push(`burst-${String(i).padStart(3, '0')}`);
    for (const name of names) {
      await create(api, testCluster.adminToken, `/api/v1/namespaces/${NS}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    }
    // the last pod gets a label no policy selects: it must end up reported, and only it
    const last = names.at(-1)!;
    const patch = await api.send('PATCH', `/api/v1/namespaces/${NS}/pods/${last}`, testCluster.adminToken, JSON.stringify({ metadata: { labels: { app: 'loose' } } }), 'application/merge-patch+json');
    assert.equal(patch.status, 200, JSON.stringify(patch.body));
    const lastUri = clusterObjectUri(CONTEXT, 'Pod', NS, last);
    await waitFor(
      async () => {
        const text = await lsp.client.sendRequest(ClusterObjectRequest.type, { uri: lastUri });
        if (!text?.text.includes('"loose"')) return undefined;
        const d = await clusterDiagnostics(lastUri);
        return messages(d, 'workload-not-isolated').length === 1 ? true : undefined;
      },
      20_000,
      'the relabelled pod reported',
    );
    const refreshes = lsp.refreshes - refreshesBefore;
    t.diagnostic(`${refreshes} diagnostic refreshes for 201 watch events`);
    assert.ok(refreshes >= 1 && refreshes <= 30, `${refreshes} refreshes for 201 watch events`);
    // bare pods labelled app=web are isolated by the workspace policy: none of the others is reported
    const check: CheckWorkspaceResult = await lsp.client.sendRequest(CheckWorkspaceRequest.type, {});
    const notIsolated = check.problems.filter((p) => p.uri.startsWith('netpol-cluster:') && p.diagnostics.some((d) => d.code === 'workload-not-isolated'));
    assert.deepEqual(notIsolated.map((p) => p.uri).sort(), [debugUri, lastUri].sort());
  });

  it('workspace: the cluster leaves the analysis; cluster: the workspace’s Deployment does', async () => {
    source = 'workspace';
    await lsp.configurationChanged();
    await waitFor(async () => (messages(await lsp.diagnostics(fileUri), 'policy-selects-nothing').length === 1 ? true : undefined), 20_000, 'selects-nothing again');
    assert.deepEqual(await clusterDiagnostics(debugUri), []);

    source = 'cluster';
    await lsp.configurationChanged();
    const diagnostics = await waitFor(
      async () => {
        const d = await lsp.diagnostics(fileUri);
        return messages(d, 'policy-selects-nothing').length === 0 && messages(d, 'workload-not-isolated').length === 0 ? d : undefined;
      },
      20_000,
      'the workspace Deployment left out',
    );
    assert.deepEqual(messages(diagnostics, 'workload-not-isolated'), []);
    assert.equal(messages(await clusterDiagnostics(debugUri), 'workload-not-isolated').length, 1);
  });

  it('disconnected: back to the workspace alone', async () => {
    source = 'both';
    await lsp.configurationChanged();
    await lsp.client.sendRequest<ClusterStatus>(ClusterRequest.method, { action: 'disconnect' });
    await waitFor(async () => (messages(await lsp.diagnostics(fileUri), 'policy-selects-nothing').length === 1 ? true : undefined), 20_000, 'the workspace alone');
    assert.equal(await lsp.client.sendRequest(ClusterObjectRequest.type, { uri: debugUri }), null);
  });
});
