import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { HoverRequest, type Hover, type MarkupContent, type Position } from 'vscode-languageserver-protocol/node';
import type { ClusterStatus } from '../../server/src/cluster/clusterTypes';
import { CLUSTER_SETTINGS_SECTION } from '../../server/src/settings';
import { ClusterRequest } from '../../server/src/protocol';
import { LspHarness, waitFor } from '../lsp/harness';
import { apiClient, type ApiClient } from './apiClient';
import { startTestCluster, type TestCluster } from './testCluster';

/**
 * Selector hovers with live pods, through a real language server connected to the real test API
 * server: counts, capped lists, near misses, namespace selectors; the restricted user's RBAC
 * denial; the API server killed while connected (stale, then fresh again on its return).
 */

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: api
      tier: backend
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              team: shop
          podSelector:
            matchExpressions:
              - key: app
                operator: In
                values: [frontend]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  selector:
    matchLabels: { app: api }
  template:
    metadata:
      labels: { app: api, tier: backend }
    spec:
      containers: [{ name: api, image: api }]
`;

function positionOf(text: string, needle: string, occurrence = 1): Position {
  let at = -1;
  for (let i = 0; i < occurrence; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `"${needle}" not in the text`);
  const lines = text.slice(0, at).split('\n');
  return { line: lines.length - 1, character: (lines.at(-1) ?? '').length };
}

function markdownOf(hover: Hover | null): string {
  assert.ok(hover, 'a hover');
  return (hover.contents as MarkupContent).value;
}

/** The hover's workspace part and its cluster part (after the rule). */
function parts(markdown: string): { workspace: string; cluster: string | undefined } {
  const at = markdown.indexOf('\n\n---\n\n');
  return at < 0 ? { workspace: markdown, cluster: undefined } : { workspace: markdown.slice(0, at), cluster: markdown.slice(at + 7) };
}

async function create(api: ApiClient, token: string, path: string, body: unknown): Promise<void> {
  const response = await api.send('POST', path, token, JSON.stringify(body));
  assert.equal(response.status, 201, `POST ${path}: ${JSON.stringify(response.body)}`);
}

function namespace(name: string, labels: Record<string, string>): unknown {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

function pod(name: string, labels: Record<string, string>): unknown {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'app', image: 'app' }] } };
}

async function seed(api: ApiClient, token: string): Promise<void> {
  await create(api, token, '/api/v1/namespaces', namespace('shop', { team: 'shop' }));
  await create(api, token, '/api/v1/namespaces', namespace('web', { team: 'shop' }));
  await create(api, token, '/api/v1/namespaces', namespace('staging', { team: 'staging' }));
  await create(api, token, '/api/v1/namespaces/shop/pods', pod('api-1', { app: 'api', tier: 'backend' }));
  await create(api, token, '/api/v1/namespaces/shop/pods', pod('api-2', { app: 'api', tier: 'backend' }));
  await create(api, token, '/api/v1/namespaces/shop/pods', pod('api-old', { app: 'api', tier: 'web' }));
  for (let i = 1; i <= 11; i++) await create(api, token, '/api/v1/namespaces/shop/pods', pod(`frontend-${String(i).padStart(2, '0')}`, { app: 'frontend' }));
  await create(api, token, '/api/v1/namespaces/shop/pods', pod('frontend-canary', { app: 'frontend-v2' }));
  await create(api, token, '/api/v1/namespaces/web/pods', pod('frontend-w', { app: 'frontend' }));
  await create(api, token, '/api/v1/namespaces/staging/pods', pod('frontend-s', { app: 'frontend' }));
}

describe('selector hovers with live pods (test API server)', () => {
  let testCluster: TestCluster;
  let api: ApiClient;
  let dir: string;
  let policyUri: string;

  before(async () => {
    testCluster = await startTestCluster();
    api = apiClient(testCluster);
    await seed(api, testCluster.adminToken);
    dir = mkdtempSync(join(tmpdir(), 'netpol-cluster-hover-'));
    writeFileSync(join(dir, 'policy.yaml'), POLICY);
    policyUri = pathToFileURL(join(dir, 'policy.yaml')).toString();
  });

  after(async () => {
    api?.close();
    await testCluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function server(settings: { kubeconfig: string; context?: string; inventorySource?: string }): Promise<LspHarness> {
    const lsp = await LspHarness.start({ workspaceFolders: [pathToFileURL(dir).toString()] });
    lsp.settings = (_scope, section) =>
      section === CLUSTER_SETTINGS_SECTION ? { kubeconfig: settings.kubeconfig, context: settings.context ?? '' } : { cluster: { inventorySource: settings.inventorySource ?? 'both' } };
    await lsp.ready;
    await lsp.open(policyUri, POLICY);
    return lsp;
  }

  const hover = (lsp: LspHarness, needle: string, occurrence = 1): Promise<Hover | null> =>
    lsp.client.sendRequest(HoverRequest.type, { textDocument: { uri: policyUri }, position: positionOf(POLICY, needle, occurrence) });

  /** The hover's cluster part once it satisfies `ready`. */
  const clusterPart = (lsp: LspHarness, needle: string, ready: (cluster: string) => boolean, occurrence = 1): Promise<string> =>
    waitFor(
      async () => {
        const cluster = parts(markdownOf(await hover(lsp, needle, occurrence))).cluster;
        return cluster !== undefined && ready(cluster) ? cluster : undefined;
      },
      20_000,
      `the cluster part of the hover on ${needle}`,
    );

  it('shows the matching pods, capped, and the near misses on the policy podSelector, a peer, and the name', async () => {
    const lsp = await server({ kubeconfig: testCluster.kubeconfig, context: 'netpol-test-admin' });
    try {
      // disconnected: the workspace's hover only
      const before = markdownOf(await hover(lsp, 'podSelector:'));
      assert.equal(parts(before).cluster, undefined);
      assert.match(before, /1 workload: shop\/api/);
      await lsp.client.sendRequest<ClusterStatus>(ClusterRequest.method, { action: 'connect' });

      const podSelector = await clusterPart(lsp, 'podSelector:', (c) => !c.includes('Still loading'));
      assert.equal(
        podSelector,
        [
          '**In the cluster (context netpol-test-admin)**',
          '',
          '2 pods match in namespace shop:',
          '',
          '- shop/api-1 (app=api, tier=backend)',
          '- shop/api-2 (app=api, tier=backend)',
          '',
          'Near misses (pods that meet every requirement but one):',
          '',
          '- shop/api-old: app=api but tier=web, not tier=backend',
        ].join('\n'),
      );
      // the workspace's part stays what it was
      assert.equal(parts(markdownOf(await hover(lsp, 'podSelector:'))).workspace, before);

      const peerPods = await clusterPart(lsp, 'podSelector:', () => true, 2);
      assert.equal(
        peerPods,
        [
          '**In the cluster (context netpol-test-admin)**',
          '',
          '12 pods match in 2 namespaces:',
          '',
          ...Array.from({ length: 10 }, (_, i) => `- shop/frontend-${String(i + 1).padStart(2, '0')} (app=frontend)`),
          '- and 2 more',
          '',
          'Near misses (pods that meet every requirement but one):',
          '',
          '- shop/api-1: app=api, not app in (frontend)',
          '- shop/api-2: app=api, not app in (frontend)',
          '- shop/api-old: app=api, not app in (frontend)',
          '- shop/frontend-canary: app=frontend-v2, not app in (frontend)',
        ].join('\n'),
      );

      const peerNamespaces = await clusterPart(lsp, 'namespaceSelector:', () => true);
      assert.equal(
        peerNamespaces.split('\n').slice(0, 9).join('\n'),
        [
          '**In the cluster (context netpol-test-admin)**',
          '',
          '2 namespaces match team=shop: shop, web.',
          '',
          'Near misses (namespaces that meet every requirement but one):',
          '',
          '- staging: team=staging, not team=shop',
          '',
          '12 pods match in 2 namespaces:',
        ].join('\n'),
      );

      const name = await clusterPart(lsp, 'api\n  namespace', () => true);
      assert.equal(name, podSelector);
      const nameHover = markdownOf(await hover(lsp, 'api\n  namespace'));
      assert.ok(nameHover.startsWith('**NetworkPolicy shop/api**'), nameHover);

      // a pod created now shows up through the watch
      await create(api, testCluster.adminToken, '/api/v1/namespaces/shop/pods', pod('api-3', { app: 'api', tier: 'backend' }));
      const after = await clusterPart(lsp, 'podSelector:', (c) => c.includes('api-3'));
      assert.match(after, /^3 pods match in namespace shop:$/m);

      // inventorySource workspace: the cluster is left out, hovers included
      lsp.settings = (_scope, section) => (section === CLUSTER_SETTINGS_SECTION ? { kubeconfig: testCluster.kubeconfig, context: 'netpol-test-admin' } : { cluster: { inventorySource: 'workspace' } });
      await lsp.configurationChanged();
      await waitFor(async () => (parts(markdownOf(await hover(lsp, 'podSelector:'))).cluster === undefined ? true : undefined), 5000, 'no cluster part');

      await lsp.client.sendRequest<ClusterStatus>(ClusterRequest.method, { action: 'disconnect' });
      lsp.settings = (_scope, section) => (section === CLUSTER_SETTINGS_SECTION ? { kubeconfig: testCluster.kubeconfig, context: 'netpol-test-admin' } : {});
      await lsp.configurationChanged();
      assert.equal(parts(markdownOf(await hover(lsp, 'podSelector:'))).cluster, undefined, 'disconnected: no cluster part');
    } finally {
      await lsp.stop();
    }
  });

  it('answers from the cache within 20 ms', async () => {
    const lsp = await server({ kubeconfig: testCluster.kubeconfig, context: 'netpol-test-admin' });
    try {
      await lsp.client.sendRequest<ClusterStatus>(ClusterRequest.method, { action: 'connect' });
      await clusterPart(lsp, 'podSelector:', (c) => c.includes('pods match'));
      const times: number[] = [];
      for (let i = 0; i < 40; i++) {
        const started = performance.now();
        await hover(lsp, 'podSelector:', 1 + (i % 2));
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)]!;
      assert.ok(median < 20, `median hover ${median.toFixed(1)} ms`);
    } finally {
      await lsp.stop();
    }
  });

  it('the restricted user: the hover names the missing permission for pods', async () => {
    const lsp = await server({ kubeconfig: testCluster.kubeconfig, context: 'netpol-test-restricted' });
    try {
      await lsp.client.sendRequest<ClusterStatus>(ClusterRequest.method, { action: 'connect' });
      const denied = await clusterPart(lsp, 'podSelector:', (c) => c.includes('not shown'));
      assert.match(
        denied,
        /^\*\*In the cluster \(context netpol-test-restricted\)\*\*\n\n_Pods are not shown: No access to Pod objects: missing permission "list" on pods \(core group\) in all namespaces \(cluster scope\)\. The API server said: .*User "netpol-test-restricted" cannot list resource "pods".*\._$/,
      );
    } finally {
      await lsp.stop();
    }
  });

  it('the API server killed while connected: the hover says the cache is stale; fresh again when a server is back', async () => {
    const own = mkdtempSync(join(tmpdir(), 'netpol-cluster-hover-kill-'));
    const file = join(own, 'config');
    let first: TestCluster | undefined;
    let second: TestCluster | undefined;
    const lsp = await server({ kubeconfig: file });
    try {
      first = await startTestCluster();
      const firstApi = apiClient(first);
      try {
        await seed(firstApi, first.adminToken);
      } finally {
        firstApi.close();
      }
      writeFileSync(file, readFileSync(first.adminKubeconfig, 'utf8'));
      await lsp.client.sendRequest<ClusterStatus>(ClusterRequest.method, { action: 'connect' });
      await clusterPart(lsp, 'podSelector:', (c) => c.includes('2 pods match'));
      process.kill(first.pid, 'SIGKILL');
      const stale = await clusterPart(lsp, 'podSelector:', (c) => c.includes('Stale'));
      const lines = stale.split('\n');
      assert.match(lines[2] ?? '', /^_Stale: the API server is unreachable \(reconnecting\)(: .+)?; pods as last seen at \d\d:\d\d:\d\d UTC\._$/);
      // the cache as last seen
      assert.equal(lines[4], '2 pods match in namespace shop:');
      await first.stop();
      rmSync(first.dir, { recursive: true, force: true });

      second = await startTestCluster();
      const secondApi = apiClient(second);
      try {
        await create(secondApi, second.adminToken, '/api/v1/namespaces', namespace('shop', { team: 'shop' }));
        await create(secondApi, second.adminToken, '/api/v1/namespaces/shop/pods', pod('api-new', { app: 'api', tier: 'backend' }));
      } finally {
        secondApi.close();
      }
      writeFileSync(file, readFileSync(second.adminKubeconfig, 'utf8'));
      // the new pods may show while the other kinds still reconnect; then the state is connected
      const fresh = await clusterPart(lsp, 'podSelector:', (c) => c.includes('api-new') && !c.includes('Stale'), 1);
      assert.match(fresh, /^1 pod matches in namespace shop:\n\n- shop\/api-new \(app=api, tier=backend\)$/m);
    } finally {
      await lsp.stop();
      await first?.stop();
      await second?.stop();
      rmSync(own, { recursive: true, force: true });
    }
  });
});
