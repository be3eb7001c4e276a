import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ClusterConnection, type ClusterConnectionOptions } from '../../server/src/cluster/clusterConnection';
import type { ClusterSnapshot } from '../../server/src/cluster/clusterInventory';
import type { ClusterState, ClusterStatus } from '../../server/src/cluster/clusterTypes';
import { loadKubeconfig } from '../../server/src/cluster/kubeconfig';
import { ClusterRequest, ClusterStatusNotification } from '../../server/src/protocol';
import { LspHarness } from '../lsp/harness';
import { apiClient, type ApiClient } from './apiClient';
import { startTestCluster, type TestCluster } from './testCluster';

/** The live-cluster connection (server/src/cluster) against the real test API server. */

async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A connection that records every status it reports, with fast retries for the tests. */
function connection(options: ClusterConnectionOptions = {}): { cluster: ClusterConnection; statuses: ClusterStatus[]; logs: string[] } {
  const statuses: ClusterStatus[] = [];
  const logs: string[] = [];
  const cluster = new ClusterConnection({ backoffInitialMs: 100, backoffMaxMs: 500, requestTimeoutMs: 3000, log: (m) => logs.push(m), ...options });
  cluster.onDidChangeStatus((s) => statuses.push(s));
  return { cluster, statuses, logs };
}

function waitForState(cluster: ClusterConnection, state: ClusterState, timeoutMs = 20_000): Promise<ClusterStatus> {
  return waitFor(`state ${state} (now ${cluster.status().state}: ${cluster.status().message ?? ''})`, timeoutMs, () => {
    const status = cluster.status();
    return status.state === state ? status : undefined;
  });
}

function waitForSnapshot(cluster: ClusterConnection, what: string, test: (s: ClusterSnapshot) => boolean, timeoutMs = 20_000): Promise<ClusterSnapshot> {
  return waitFor(what, timeoutMs, () => {
    const snapshot = cluster.snapshot();
    return test(snapshot) ? snapshot : undefined;
  });
}

async function create(api: ApiClient, token: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await api.send('POST', path, token, JSON.stringify(body));
  assert.equal(response.status, 201, `POST ${path}: ${JSON.stringify(response.body)}`);
  return response.body as Record<string, unknown>;
}

function pod(name: string, labels: Record<string, string>, extra: Record<string, unknown> = {}): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels, ...extra },
    spec: { containers: [{ name: 'app', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 53, protocol: 'UDP' }] }] },
  };
}

/** A kubeconfig for a server URL, with a token user or the given user lines. */
function kubeconfigFor(server: string, user: readonly string[] = ['    token: t']): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: c',
    '  cluster:',
    `    server: ${server}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    '- name: u',
    '  user:',
    ...user,
    'contexts:',
    '- name: ctx',
    '  context:',
    '    cluster: c',
    '    user: u',
    'current-context: ctx',
    '',
  ].join('\n');
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('cluster connection against the test API server', () => {
  let testCluster: TestCluster;
  let api: ApiClient;
  let dir: string;

  before(async () => {
    testCluster = await startTestCluster();
    api = apiClient(testCluster);
    dir = mkdtempSync(join(tmpdir(), 'netpol-cluster-test-'));
  });

  after(async () => {
    api?.close();
    await testCluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('connects with the admin kubeconfig, fills the cache by paged lists and keeps it by watch', async () => {
    const admin = testCluster.adminToken;
    // before connecting: something for the lists to find (pageSize 2 makes several pages)
    await create(api, admin, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'shop' } } });
    await create(api, admin, '/api/v1/namespaces/shop/pods', pod('early', { app: 'early' }));

    const { cluster, statuses } = connection({ pageSize: 2 });
    try {
      // the process's first kubeconfig read loads @kubernetes/client-node (kubernetesClient.ts): a
      // one-time module load, not a wait on the network, so it is not part of the timing below
      loadKubeconfig({ path: testCluster.adminKubeconfig });
      const started = performance.now();
      const first = cluster.connect({ kubeconfig: testCluster.adminKubeconfig });
      const answeredMs = performance.now() - started;
      assert.equal(first.state, 'connecting');
      assert.ok(answeredMs < 1000, `connect() returned after ${answeredMs} ms: it must not wait on the network`);
      assert.equal(first.context, 'netpol-test-admin');
      assert.equal(first.server, testCluster.url);

      const connected = await waitForState(cluster, 'connected');
      assert.deepEqual(connected.denied, []);
      assert.deepEqual([...connected.syncedKinds].sort(), ['DaemonSet', 'Deployment', 'Namespace', 'NetworkPolicy', 'Pod', 'ReplicaSet', 'StatefulSet']);
      assert.deepEqual(
        statuses.map((s) => s.state).filter((s, i, all) => i === 0 || all[i - 1] !== s),
        ['connecting', 'connected'],
      );
      let snapshot = cluster.snapshot();
      const shop = snapshot.namespaces.find((n) => n.name === 'shop');
      assert.deepEqual(shop?.labels, { team: 'shop', 'kubernetes.io/metadata.name': 'shop' });
      assert.ok(snapshot.namespaces.some((n) => n.name === 'default') && snapshot.namespaces.some((n) => n.name === 'kube-system'), 'all namespaces, across pages');
      assert.ok(snapshot.workloads.some((w) => w.kind === 'Pod' && w.name === 'early' && w.namespace === 'shop'));

      // now created while watched: a ReplicaSet with a pod it controls, a Deployment, a policy
      const rs = await create(api, admin, '/apis/apps/v1/namespaces/shop/replicasets', {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: 'web-1', labels: { app: 'web' } },
        spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web', tier: 'front' } }, spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }] } } },
      });
      const rsUid = (rs['metadata'] as { uid: string }).uid;
      await create(
        api,
        admin,
        '/api/v1/namespaces/shop/pods',
        pod('web-1-abcde', { app: 'web', tier: 'front' }, { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: rsUid, controller: true }] }),
      );
      await create(api, admin, '/apis/apps/v1/namespaces/shop/deployments', {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'api' },
        spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { hostNetwork: true, containers: [{ name: 'api', image: 'api', ports: [{ name: 'grpc', containerPort: 9090 }] }] } } },
      });
      await create(api, admin, '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies', {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'web-from-api' },
        spec: {
          podSelector: { matchLabels: { app: 'web' } },
          ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['api'] }] } }, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 80 }] }],
        },
      });

      snapshot = await waitForSnapshot(cluster, 'the watched objects', (s) => s.policies.some((p) => p.name === 'web-from-api') && s.workloads.some((w) => w.name === 'api') && s.workloads.some((w) => w.name === 'web-1-abcde'));
      const webPod = snapshot.workloads.find((w) => w.name === 'web-1-abcde');
      assert.deepEqual(webPod?.podLabels, { app: 'web', tier: 'front' });
      assert.deepEqual(webPod?.owner, { kind: 'ReplicaSet', name: 'web-1' });
      assert.deepEqual(webPod?.ports, [
        { name: 'http', port: 8080, protocol: 'TCP' },
        { name: undefined, port: 53, protocol: 'UDP' },
      ]);
      assert.match(webPod?.source.file ?? '', /^netpol-cluster:\/\/netpol-test-admin\/namespaces\/shop\/pod\/web-1-abcde$/);
      const replicaSet = snapshot.workloads.find((w) => w.kind === 'ReplicaSet' && w.name === 'web-1');
      assert.deepEqual(replicaSet?.podLabels, { app: 'web', tier: 'front' });
      const deployment = snapshot.workloads.find((w) => w.kind === 'Deployment' && w.name === 'api');
      assert.equal(deployment?.hostNetwork, true);
      assert.deepEqual(deployment?.ports, [{ name: 'grpc', port: 9090, protocol: 'TCP' }]);
      const policy = snapshot.policies.find((p) => p.name === 'web-from-api');
      assert.ok(policy);
      assert.equal(policy.namespace, 'shop');
      assert.deepEqual(policy.policyTypes, ['Ingress'], 'defaulted by the API server');
      assert.deepEqual(policy.ingress[0]?.peers[1]?.ipBlock, { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] });
      assert.equal(policy.ingress[0]?.peers[0]?.podSelector?.matchExpressions.length, 1);
      // the source range is read from the object's JSON text, lazily
      const { start, end } = policy.source.range;
      assert.equal(policy.object.chunkText.slice(start, end), '"web-from-api"');
      const podInfo = snapshot.pods.find((p) => p.name === 'web-1-abcde');
      assert.equal(podInfo?.phase, 'Pending');
      assert.deepEqual(podInfo?.ips, [], 'no node, no IP');

      // changes and deletions arrive by watch
      const patched = await api.send('PATCH', '/api/v1/namespaces/shop/pods/early', admin, JSON.stringify({ metadata: { labels: { app: 'early', stage: 'two' } } }), 'application/merge-patch+json');
      assert.equal(patched.status, 200);
      assert.equal((await api.send('DELETE', '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/web-from-api', admin)).status, 200);
      snapshot = await waitForSnapshot(
        cluster,
        'the label change and the deletion',
        (s) => s.workloads.find((w) => w.name === 'early')?.podLabels['stage'] === 'two' && !s.policies.some((p) => p.name === 'web-from-api'),
      );
      assert.equal(cluster.snapshot(), cluster.snapshot(), 'the snapshot is reused while nothing changes');
      await waitFor('counts in the status', 5000, () => {
        const counts = cluster.status().counts;
        return counts.pods >= 2 && counts.workloads >= 2 && counts.policies === 0 ? counts : undefined;
      });
      assert.equal(cluster.disconnect().state, 'disconnected');
      assert.equal(cluster.snapshot().workloads.length, 0);
    } finally {
      cluster.dispose();
    }
  });

  it('resumes watches that the server ends (timeoutSeconds); 1,000 pods relabelled in a burst converge; follows a namespace deletion', async (t) => {
    const admin = testCluster.adminToken;
    await create(api, admin, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'burst' } });
    const { cluster, statuses } = connection({ watchTimeoutSeconds: 1 });
    try {
      cluster.connect({ kubeconfig: testCluster.adminKubeconfig });
      await waitForState(cluster, 'connected');
      const count = 1000;
      const started = performance.now();
      // created across several watch periods, then every label changed at once
      for (let i = 0; i < count; i += 50) {
        await Promise.all(Array.from({ length: 50 }, (_, j) => create(api, admin, '/api/v1/namespaces/burst/pods', pod(`p-${i + j}`, { app: 'burst', gen: '1' }))));
      }
      await Promise.all(
        Array.from({ length: count }, (_, i) =>
          api.send('PATCH', `/api/v1/namespaces/burst/pods/p-${i}`, admin, JSON.stringify({ metadata: { labels: { gen: '2' } } }), 'application/merge-patch+json'),
        ),
      );
      const patchedAt = performance.now();
      await waitForSnapshot(cluster, `${count} pods with gen=2`, (s) => s.workloads.filter((w) => w.namespace === 'burst' && w.podLabels['gen'] === '2').length === count, 60_000);
      t.diagnostic(
        `${count} pods created and relabelled in ${Math.round(patchedAt - started)} ms; the cache had every change ${Math.round(performance.now() - patchedAt)} ms after the last answer (watches of 1 s)`,
      );
      assert.ok(
        statuses.every((s) => s.state === 'connecting' || s.state === 'connected'),
        `a watch ended by the server is no failure: ${statuses.map((s) => s.state).join(',')}`,
      );

      // a namespace deleted while watched: it goes, and its pods with it
      assert.equal((await api.send('DELETE', '/api/v1/namespaces/burst', admin)).status, 200);
      await waitForSnapshot(cluster, 'namespace burst and its pods gone', (s) => !s.namespaces.some((n) => n.name === 'burst') && !s.workloads.some((w) => w.namespace === 'burst'), 60_000);
    } finally {
      cluster.dispose();
    }
  });

  it("records the restricted user's RBAC denials once per kind, naming the missing permission; namespaces still work", async () => {
    const { cluster, logs } = connection({ backoffMaxMs: 200 });
    try {
      cluster.connect({ kubeconfig: testCluster.restrictedKubeconfig });
      const status = await waitForState(cluster, 'connected');
      assert.deepEqual(status.syncedKinds, ['Namespace']);
      assert.deepEqual(status.denied.map((d) => d.kind).sort(), ['DaemonSet', 'Deployment', 'NetworkPolicy', 'Pod', 'ReplicaSet', 'StatefulSet']);
      const pods = status.denied.find((d) => d.kind === 'Pod');
      assert.deepEqual({ ...pods, message: undefined }, { kind: 'Pod', verb: 'list', resource: 'pods', group: '', namespace: undefined, message: undefined });
      assert.match(pods?.message ?? '', /missing permission "list" on pods \(core group\) in all namespaces/);
      assert.match(pods?.message ?? '', /User "netpol-test-restricted" cannot list resource "pods"/);
      const policies = status.denied.find((d) => d.kind === 'NetworkPolicy');
      assert.equal(policies?.group, 'networking.k8s.io');
      assert.equal(policies?.resource, 'networkpolicies');
      assert.ok(cluster.snapshot().namespaces.some((n) => n.name === 'default'));
      // retries go on (every 200 ms here): the denials stay one per kind, logged once
      assert.equal(cluster.status().denied.length, 6);
      assert.equal(logs.filter((l) => l.includes('No access to Pod objects')).length, 1);

      // pods granted while connected: the next retry lists them and the denial goes
      const admin = testCluster.adminToken;
      await create(api, admin, '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'netpol-test:pod-reader' },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] }],
      });
      await create(api, admin, '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'netpol-test:pod-reader' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'netpol-test:pod-reader' },
        subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: testCluster.restrictedUser }],
      });
      try {
        const granted = await waitFor('pods listed after the grant', 10_000, () => {
          const now = cluster.status();
          return now.syncedKinds.includes('Pod') && !now.denied.some((d) => d.kind === 'Pod') ? now : undefined;
        });
        assert.equal(granted.state, 'connected');
        assert.equal(granted.denied.length, 5);
      } finally {
        assert.equal((await api.send('DELETE', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/netpol-test:pod-reader', admin)).status, 200);
        await waitFor('the grant revoked', 10_000, async () => ((await api.send('GET', '/api/v1/pods?limit=1', testCluster.restrictedToken)).status === 403 ? true : undefined));
      }
    } finally {
      cluster.dispose();
    }
  });

  it('reads $KUBECONFIG and selects a context; an unknown context says so', async () => {
    const { cluster } = connection({ env: { KUBECONFIG: `/nonexistent/config:${testCluster.kubeconfig}` } });
    try {
      const read = cluster.readKubeconfig();
      assert.deepEqual([...read.contexts].sort(), ['netpol-test-admin', 'netpol-test-restricted']);
      assert.deepEqual(read.kubeconfigFiles, [testCluster.kubeconfig]);
      assert.equal(read.context, 'netpol-test-admin');
      const unknown = cluster.connect({ context: 'nope' });
      assert.equal(unknown.state, 'disconnected');
      assert.match(unknown.message ?? '', /no context "nope"/);
      cluster.connect({ context: 'netpol-test-restricted' });
      const restricted = await waitForState(cluster, 'connected');
      assert.equal(restricted.context, 'netpol-test-restricted');
      assert.equal(restricted.denied.length, 6);
      cluster.connect({});
      const admin = await waitForState(cluster, 'connected');
      assert.equal(admin.context, 'netpol-test-admin');
      assert.equal(admin.denied.length, 0);
    } finally {
      cluster.dispose();
    }
  });

  it('a wrong token: unauthorised, with the reason', async () => {
    const file = join(dir, 'wrong-token.kubeconfig');
    writeFileSync(file, readFileSync(testCluster.adminKubeconfig, 'utf8').replace(testCluster.adminToken, 'not-a-valid-token'));
    const { cluster } = connection();
    try {
      cluster.connect({ kubeconfig: file });
      const status = await waitForState(cluster, 'unauthorised', 10_000);
      assert.match(status.message ?? '', /401/);
      assert.deepEqual(status.denied, []);
    } finally {
      cluster.dispose();
    }
  });

  it('answers netpolGuardrails/cluster at once and notifies each state change over LSP', async () => {
    const lsp = await LspHarness.start();
    const statuses: ClusterStatus[] = [];
    lsp.client.onNotification(ClusterStatusNotification.method, (s: ClusterStatus) => {
      statuses.push(s);
    });
    lsp.settings = () => ({ kubeconfig: testCluster.kubeconfig, context: 'netpol-test-admin' });
    try {
      await lsp.ready;
      const before = await lsp.client.sendRequest<ClusterStatus>(ClusterRequest.method, { action: 'status' });
      assert.equal(before.state, 'disconnected');
      assert.equal(before.contexts.length, 2);
      const started = performance.now();
      const answer = await lsp.client.sendRequest<ClusterStatus>(ClusterRequest.method, { action: 'connect' });
      const answeredMs = performance.now() - started;
      assert.equal(answer.state, 'connecting');
      assert.ok(answeredMs < 1000, `connect answered after ${answeredMs} ms`);
      await waitFor('a connected notification', 20_000, () => (statuses.some((s) => s.state === 'connected') ? true : undefined));
      const switched = await lsp.client.sendRequest<ClusterStatus>(ClusterRequest.method, { action: 'connect', context: 'netpol-test-restricted' });
      assert.equal(switched.context, 'netpol-test-restricted');
      await waitFor('the restricted context connected with denials', 20_000, () =>
        statuses.some((s) => s.context === 'netpol-test-restricted' && s.state === 'connected' && s.denied.length === 6) ? true : undefined,
      );
      const off = await lsp.client.sendRequest<ClusterStatus>(ClusterRequest.method, { action: 'disconnect' });
      assert.equal(off.state, 'disconnected');
      await waitFor('a disconnected notification', 5000, () => (statuses.at(-1)?.state === 'disconnected' ? true : undefined));
    } finally {
      await lsp.stop();
    }
  });
});

describe('cluster connection faults', () => {
  it('lists again when the watch resourceVersion has expired (410 Gone)', async () => {
    // Without the watch cache a watch reads etcd, whose history is compacted every second here;
    // without the watch cache there are no bookmarks either, so an idle kind's watch keeps
    // resuming from its list's resourceVersion until that is compacted away.
    const own = await startTestCluster({ apiserverFlags: ['--watch-cache=false', '--etcd-compaction-interval=1s'] });
    const api = apiClient(own);
    const { cluster, logs } = connection({ watchTimeoutSeconds: 1 });
    try {
      cluster.connect({ kubeconfig: own.adminKubeconfig });
      await waitForState(cluster, 'connected');
      let n = 0;
      await waitFor('a 410 Gone on the DaemonSet watch', 30_000, async () => {
        // writes to other kinds move etcd's revision on, past the DaemonSets' resourceVersion
        await create(api, own.adminToken, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `rev-${n++}` } });
        return logs.some((l) => /DaemonSet: the watch from resourceVersion \d+ expired \(410 Gone\)/.test(l)) ? true : undefined;
      });
      await waitForState(cluster, 'connected');
      // listed again and watched again: a new DaemonSet arrives
      await create(api, own.adminToken, '/apis/apps/v1/namespaces/default/daemonsets', {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'agent' },
        spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'agent' }] } } },
      });
      await waitForSnapshot(cluster, 'the DaemonSet after the relist', (s) => s.workloads.some((w) => w.kind === 'DaemonSet' && w.name === 'agent'));
      assert.ok(cluster.snapshot().namespaces.some((ns) => ns.name === `rev-${n - 1}`));
    } finally {
      cluster.dispose();
      api.close();
      await own.stop();
    }
  });

  it('an unreachable address: unreachable within a few seconds, never hanging', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-cluster-test-'));
    const port = await closedPort();
    const file = join(dir, 'closed.kubeconfig');
    writeFileSync(file, kubeconfigFor(`https://127.0.0.1:${port}`));
    const { cluster } = connection();
    try {
      const started = performance.now();
      cluster.connect({ kubeconfig: file });
      const status = await waitForState(cluster, 'unreachable', 5000);
      assert.ok(performance.now() - started < 5000);
      assert.match(status.message ?? '', /ECONNREFUSED/);
    } finally {
      cluster.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an address that accepts connections but never answers: unreachable after the request timeout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-cluster-test-'));
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const file = join(dir, 'silent.kubeconfig');
    writeFileSync(file, kubeconfigFor(`https://127.0.0.1:${port}`));
    const { cluster } = connection({ requestTimeoutMs: 1500 });
    try {
      const started = performance.now();
      cluster.connect({ kubeconfig: file });
      assert.equal(cluster.status().state, 'connecting');
      const status = await waitForState(cluster, 'unreachable', 5000);
      const elapsed = performance.now() - started;
      assert.ok(elapsed >= 1400 && elapsed < 2500, `unreachable after ${elapsed} ms, at the 1500 ms timeout`);
      assert.match(status.message ?? '', /no answer from https:\/\/127\.0\.0\.1:\d+ within 1500 ms/);
    } finally {
      cluster.dispose();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a credential plugin that fails: unauthorised, with its error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-cluster-test-'));
    const file = join(dir, 'exec.kubeconfig');
    writeFileSync(
      file,
      kubeconfigFor('https://127.0.0.1:1', [
        '    exec:',
        '      apiVersion: client.authentication.k8s.io/v1',
        `      command: ${JSON.stringify(process.execPath)}`,
        '      args: ["-e", "process.stderr.write(\'token expired, log in again\'); process.exit(3)"]',
        '      interactiveMode: Never',
      ]),
    );
    const { cluster } = connection();
    try {
      cluster.connect({ kubeconfig: file });
      const status = await waitForState(cluster, 'unauthorised', 10_000);
      assert.match(status.message ?? '', /cannot get credentials from the kubeconfig/);
    } finally {
      cluster.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the API server stopped while connected: unreachable; a server back at the kubeconfig: connected again, without reconnecting', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-cluster-test-'));
    const file = join(dir, 'config');
    let first: TestCluster | undefined;
    let second: TestCluster | undefined;
    const { cluster } = connection();
    try {
      first = await startTestCluster();
      writeFileSync(file, readFileSync(first.adminKubeconfig, 'utf8'));
      cluster.connect({ kubeconfig: file });
      await waitForState(cluster, 'connected');
      // Killed, as in a crash: a graceful stop takes kube-apiserver about 27 s with our watches
      // open (it drains them first), during which it still answers and the state stays connected.
      const stopAt = performance.now();
      process.kill(first.pid, 'SIGKILL');
      const down = await waitForState(cluster, 'unreachable', 10_000);
      const unreachableMs = performance.now() - stopAt;
      await first.stop();
      rmSync(first.dir, { recursive: true, force: true });
      assert.ok(down.message, 'says why');
      // the cache is kept (stale) while unreachable
      assert.ok(cluster.snapshot().namespaces.some((n) => n.name === 'default'));
      // A new server cannot take the old port, so it comes back where the kubeconfig says (as
      // after a rotated endpoint or credentials): the connection reads the kubeconfig again.
      second = await startTestCluster();
      const api = apiClient(second);
      try {
        await create(api, second.adminToken, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'second-server' } });
      } finally {
        api.close();
      }
      writeFileSync(file, readFileSync(second.adminKubeconfig, 'utf8'));
      const rewrittenAt = performance.now();
      await waitForState(cluster, 'connected', 20_000);
      t.diagnostic(
        `killed -> unreachable ${Math.round(unreachableMs)} ms; kubeconfig rewritten -> connected ${Math.round(performance.now() - rewrittenAt)} ms`,
      );
      await waitForSnapshot(cluster, "the new server's namespace", (s) => s.namespaces.some((n) => n.name === 'second-server'));
      assert.ok(unreachableMs < 5_000, `unreachable ${unreachableMs} ms after the server died`);
    } finally {
      cluster.dispose();
      await first?.stop();
      await second?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
