import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { apiClient, type ApiClient } from './apiClient';
import { startTestCluster, type TestCluster, type TestClusterInfo } from './testCluster';

/** The test API server itself: what the cluster suites rely on. */

async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: Error | undefined;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error instanceof Error ? error : new Error(JSON.stringify(error));
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (last error: ${last.message})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: gone
    return false;
  }
}

describe('test API server', () => {
  let cluster: TestCluster;
  let client: ApiClient;

  before(async () => {
    cluster = await startTestCluster();
    client = apiClient(cluster);
  });

  after(async () => {
    client?.close();
    await cluster?.stop();
  });

  it('prints a ready line with the URL, kubeconfigs and tokens', () => {
    assert.match(cluster.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    for (const file of [cluster.adminKubeconfig, cluster.restrictedKubeconfig, cluster.kubeconfig, cluster.caFile]) assert.ok(existsSync(file), file);
    const admin = readFileSync(cluster.adminKubeconfig, 'utf8');
    assert.ok(admin.includes(`server: ${cluster.url}`), admin);
    assert.ok(admin.includes(cluster.adminToken));
    assert.ok(!admin.includes(cluster.restrictedToken));
    const both = readFileSync(cluster.kubeconfig, 'utf8');
    assert.match(both, /current-context: netpol-test-admin/);
    assert.ok(both.includes('netpol-test-restricted') && both.includes(cluster.restrictedToken));
    assert.match(cluster.ca, /-----BEGIN CERTIFICATE-----/);
  });

  it('authenticates tokens: /readyz answers the admin, a wrong token gets 401', async () => {
    const ready = await client.send('GET', '/readyz', cluster.adminToken);
    assert.equal(ready.status, 200);
    const wrong = await client.send('GET', '/api/v1/namespaces', 'not-a-token');
    assert.equal(wrong.status, 401);
  });

  it('lets the admin create a namespace, a policy and a pod, which stays Pending without nodes', async () => {
    const admin = cluster.adminToken;
    const ns = await client.send('POST', '/api/v1/namespaces', admin, JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'smoke', labels: { team: 'a' } } }));
    assert.equal(ns.status, 201, JSON.stringify(ns.body));
    const pod = await client.send(
      'POST',
      '/api/v1/namespaces/smoke/pods',
      admin,
      JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ name: 'http', containerPort: 80 }] }] } }),
    );
    assert.equal(pod.status, 201, JSON.stringify(pod.body));
    const policy = await client.send(
      'POST',
      '/apis/networking.k8s.io/v1/namespaces/smoke/networkpolicies',
      admin,
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny-all\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n',
      'application/yaml',
    );
    assert.equal(policy.status, 201, JSON.stringify(policy.body));
    const read = await client.send('GET', '/api/v1/namespaces/smoke/pods/web', admin);
    assert.equal((read.body as { status?: { phase?: string } }).status?.phase, 'Pending');
  });

  it('gives the restricted user namespaces only: pods and policies are forbidden', async () => {
    const token = cluster.restrictedToken;
    const namespaces = await client.send('GET', '/api/v1/namespaces', token);
    assert.equal(namespaces.status, 200);
    const pods = await client.send('GET', '/api/v1/pods', token);
    assert.equal(pods.status, 403);
    assert.match(String((pods.body as { message?: string }).message), /User "netpol-test-restricted" cannot list resource "pods"/);
    const policies = await client.send('GET', '/apis/networking.k8s.io/v1/networkpolicies', token);
    assert.equal(policies.status, 403);
  });

  it('finalizes a deleted namespace (the namespace controller runs in process)', async () => {
    const admin = cluster.adminToken;
    const created = await client.send('POST', '/api/v1/namespaces', admin, JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } }));
    assert.equal(created.status, 201);
    const pod = await client.send('POST', '/api/v1/namespaces/doomed/pods', admin, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } }));
    assert.equal(pod.status, 201);
    const deleted = await client.send('DELETE', '/api/v1/namespaces/doomed', admin);
    assert.equal(deleted.status, 200);
    // No kubelet runs, so the pod has no node and is deleted at once; then the namespace goes.
    await waitFor('namespace doomed gone', 60_000, async () => ((await client.send('GET', '/api/v1/namespaces/doomed', admin)).status === 404 ? true : undefined));
  });
});

describe('test API server lifetime', () => {
  it('stops and removes its folder when the process that started it dies', async () => {
    // a separate node process starts the server and is then killed without a chance to stop it
    const script = `
      const { startTestCluster } = require(${JSON.stringify(join(__dirname, 'testCluster.ts'))});
      startTestCluster().then((c) => { process.stdout.write(JSON.stringify(c) + '\\n'); setInterval(() => {}, 1000); });
    `;
    const parent = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const info = await new Promise<TestClusterInfo>((resolve, reject) => {
      const lines = createInterface({ input: parent.stdout });
      lines.on('line', (line) => {
        if (line.startsWith('{')) resolve(JSON.parse(line) as TestClusterInfo);
      });
      parent.on('exit', (code) => reject(new Error(`the starting process exited early (${code})`)));
    });
    assert.ok(processAlive(info.pid));
    parent.kill('SIGKILL');
    await waitFor('the server process gone', 30_000, () => (processAlive(info.pid) ? undefined : true));
    await waitFor('its folder removed', 5_000, () => (existsSync(info.dir) ? undefined : true));
  });
});
