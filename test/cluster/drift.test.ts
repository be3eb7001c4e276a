import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ClusterRequest, ClusterStatusNotification, ShowDriftRequest, type ClusterStatus, type ShowDriftResult } from '../../server/src/protocol';
import { LspHarness } from '../lsp/harness';
import { apiClient, type ApiClient } from './apiClient';
import { startTestCluster, type TestCluster } from './testCluster';
import { stringify } from 'yaml';
import { createDriftWorld, DRIFT_REPOSITORY, STEADY_REPOSITORY } from './driftWorld';
import { NAMESPACES, seededRandom, validPolicy } from './policyGenerator';

/** Drift against the real test API server: `netpol-guardrails drift` (dist/cli.js) and Show Drift in the server. */

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

function run(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, env: { PATH: process.env['PATH'], HOME: cwd, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function writeFolder(dir: string, files: Record<string, string>): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}


type Obj = Record<string, unknown>;

function shuffle<T>(rng: () => number, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * The same policy written another way that Kubernetes treats alike: rules, peers, ports,
 * expressions, their values and excepts reordered; `protocol: TCP` dropped or spelled out; an
 * `endPort` equal to `port` dropped; `matchLabels` entries as `In` expressions; `podSelector: {}`
 * beside a lone namespaceSelector; an empty `egress: []`; metadata labels and annotations dropped.
 */
function equivalent(rng: () => number, policy: Obj): Obj {
  const copy = JSON.parse(JSON.stringify(policy)) as Obj;
  const metadata = copy['metadata'] as Obj;
  if (rng() < 0.5) delete metadata['labels'];
  if (rng() < 0.5) delete metadata['annotations'];
  const spec = copy['spec'] as Obj;
  const selector = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    const s = value as { matchLabels?: Record<string, string>; matchExpressions?: Obj[] };
    if (s.matchLabels && rng() < 0.5) {
      const moved = Object.entries(s.matchLabels).map(([key, v]) => ({ key, operator: 'In', values: [v] }));
      delete s.matchLabels;
      s.matchExpressions = [...(s.matchExpressions ?? []), ...moved];
    }
    if (s.matchExpressions) {
      s.matchExpressions = shuffle(rng, s.matchExpressions);
      for (const e of s.matchExpressions) if (Array.isArray(e['values'])) e['values'] = shuffle(rng, e['values'] as string[]);
    }
  };
  selector(spec['podSelector']);
  for (const direction of ['ingress', 'egress'] as const) {
    const rules = spec[direction] as Obj[] | undefined;
    if (!rules) continue;
    spec[direction] = shuffle(rng, rules).map((rule) => {
      const peersKey = direction === 'ingress' ? 'from' : 'to';
      const peers = rule[peersKey] as Obj[] | undefined;
      if (peers) {
        rule[peersKey] = shuffle(rng, peers).map((peer) => {
          selector(peer['podSelector']);
          selector(peer['namespaceSelector']);
          if (peer['namespaceSelector'] !== undefined && peer['podSelector'] === undefined && rng() < 0.5) peer['podSelector'] = {};
          const ipBlock = peer['ipBlock'] as { except?: string[] } | undefined;
          if (ipBlock?.except) ipBlock.except = shuffle(rng, ipBlock.except);
          return peer;
        });
      }
      const ports = rule['ports'] as Obj[] | undefined;
      if (ports) {
        rule['ports'] = shuffle(rng, ports).map((port) => {
          if (port['protocol'] === undefined && rng() < 0.5) port['protocol'] = 'TCP';
          else if (port['protocol'] === 'TCP' && rng() < 0.5) delete port['protocol'];
          if (port['endPort'] !== undefined && port['endPort'] === port['port']) delete port['endPort'];
          return port;
        });
      }
      return rule;
    });
  }
  if (spec['egress'] === undefined && rng() < 0.3) spec['egress'] = [];
  if (Array.isArray(spec['policyTypes'])) spec['policyTypes'] = shuffle(rng, spec['policyTypes'] as string[]);
  return copy;
}

interface DriftJson {
  version: number;
  context: string;
  server: string;
  allNamespaces: boolean;
  namespaces: string[];
  drift: boolean;
  missingInCluster: { namespace: string; name: string; file: string; line: number }[];
  missingInRepository: { namespace: string; name: string }[];
  changed: { namespace: string; name: string; file: string; line: number; changes: { path: string; repository: string | null; cluster: string | null }[] }[];
  unchanged: number;
  connectivity: { clusterOnly: { src: string; dst: string; all: boolean; ports?: Record<string, [number, number][]> }[]; repositoryOnly: { src: string; dst: string; all: boolean }[] };
}

describe('drift against the test API server', () => {
  let cluster: TestCluster;
  let api: ApiClient;
  let dir: string;

  before(async () => {
    cluster = await startTestCluster();
    api = apiClient(cluster);
    dir = mkdtempSync(join(tmpdir(), 'netpol-drift-cli-'));
    await createDriftWorld(api, cluster.adminToken);
    writeFolder(join(dir, 'repo'), DRIFT_REPOSITORY);
    writeFolder(join(dir, 'steady'), STEADY_REPOSITORY);
  });

  after(async () => {
    api?.close();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 when the cluster holds the repository policies as the API server stored them (defaults, order, metadata)', async () => {
    const r = await run(['drift', 'steady'], dir, { KUBECONFIG: cluster.adminKubeconfig });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(r.stdout, 'Compared the namespaces the repository has policies for: steady.\n\nNo drift: 2 policies match the cluster in 1 namespace.\n');
    assert.equal(r.stderr, '');
  });

  it('reports each kind of drift in text and exits 1', async () => {
    const r = await run(['drift', 'repo', '--kubeconfig', cluster.kubeconfig, '--context', 'netpol-test-admin'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(
      r.stdout,
      [
        'Compared the namespaces the repository has policies for: shop.',
        '',
        'In the repository, missing in the cluster:',
        '  shop/db-deny (repo/shop.yaml:22)',
        '',
        'In the cluster, not in the repository:',
        '  shop/hotfix-allow-all (context netpol-test-admin)',
        '',
        'Changed:',
        '  shop/api-from-frontend (repo/shop.yaml:5)',
        '    spec.ingress[0].ports: repository: TCP 8080; cluster: TCP 8080, TCP 8443',
        '',
        'Connections the cluster allows and the repository would not:',
        // hotfix-allow-all opens every shop pod to every source; db-deny was never applied; steady's
        // pods may only send DNS
        '  0.0.0.0-255.255.255.255 -> shop/api: all ports',
        '  0.0.0.0-255.255.255.255 -> shop/db: all ports',
        '  ::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff -> shop/api: all ports',
        '  ::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff -> shop/db: all ports',
        '  shop/api -> shop/db: all ports',
        '  shop/db -> shop/api: all ports',
        '  steady/tool -> shop/api: TCP 53; UDP 53',
        '  steady/tool -> shop/db: TCP 53; UDP 53',
        '  web/frontend -> shop/api: TCP 1-8079, 8081-65535; UDP all ports; SCTP all ports',
        '  web/frontend -> shop/db: all ports',
        '',
        '1 missing in the cluster, 1 not in the repository, 1 changed, 0 unchanged, 10 connection(s) only the cluster allows, 0 only the repository allows',
        '',
      ].join('\n'),
    );
    assert.equal(r.stderr, '');
  });

  it('writes the JSON contract, and --all-namespaces widens the scope', async () => {
    const r = await run(['drift', '--format', 'json', 'repo'], dir, { KUBECONFIG: cluster.adminKubeconfig });
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as DriftJson;
    assert.equal(out.version, 1);
    assert.equal(out.context, 'netpol-test-admin');
    assert.equal(out.server, cluster.url);
    assert.equal(out.drift, true);
    assert.deepEqual(out.namespaces, ['shop']);
    assert.deepEqual(out.missingInCluster, [{ namespace: 'shop', name: 'db-deny', file: 'repo/shop.yaml', line: 22 }]);
    assert.deepEqual(out.missingInRepository, [{ namespace: 'shop', name: 'hotfix-allow-all' }]);
    assert.deepEqual(out.changed, [
      { namespace: 'shop', name: 'api-from-frontend', file: 'repo/shop.yaml', line: 5, changes: [{ path: 'spec.ingress[0].ports', repository: 'TCP 8080', cluster: 'TCP 8080, TCP 8443' }] },
    ]);
    assert.deepEqual(out.connectivity.clusterOnly.find((c) => c.src === 'web/frontend' && c.dst === 'shop/api'), {
      src: 'web/frontend',
      dst: 'shop/api',
      all: false,
      ports: { TCP: [[1, 8079], [8081, 65535]], UDP: [[1, 65535]], SCTP: [[1, 65535]] },
      allowed: { all: true },
    });
    assert.deepEqual(out.connectivity.repositoryOnly, []);

    const all = await run(['drift', '--format', 'json', '--all-namespaces', 'repo'], dir, { KUBECONFIG: cluster.adminKubeconfig });
    const wide = JSON.parse(all.stdout) as DriftJson;
    assert.equal(wide.allNamespaces, true);
    assert.deepEqual(wide.namespaces, ['shop', 'steady']);
    assert.deepEqual(wide.missingInRepository.map((p) => `${p.namespace}/${p.name}`), ['shop/hotfix-allow-all', 'steady/steady-default-deny', 'steady/steady-dns']);
  });

  it('names the missing permission for a restricted user, and exits 2', async () => {
    const r = await run(['drift', 'repo', '--context', 'netpol-test-restricted'], dir, { KUBECONFIG: cluster.kubeconfig });
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, /^netpol-guardrails: context netpol-test-restricted: No access to Pod objects: missing permission "list" on pods \(core group\) in all namespaces \(cluster scope\)/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(r.stdout, '');
  });

  it('compares without the apps kinds when RBAC allows only namespaces, pods and policies, with a warning', async () => {
    const role = await api.send(
      'POST',
      '/apis/rbac.authorization.k8s.io/v1/clusterroles',
      cluster.adminToken,
      JSON.stringify({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'netpol-test:drift-reader' },
        rules: [
          { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
          { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['list'] },
        ],
      }),
    );
    assert.equal(role.status, 201, JSON.stringify(role.body));
    const binding = await api.send(
      'POST',
      '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
      cluster.adminToken,
      JSON.stringify({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'netpol-test:drift-reader' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'netpol-test:drift-reader' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: cluster.restrictedUser }],
      }),
    );
    assert.equal(binding.status, 201, JSON.stringify(binding.body));
    try {
      // RBAC bindings reach the authorizer's cache within a moment
      const r = await waitFor('the binding to take effect', 20_000, async () => {
        const attempt = await run(['drift', '--format', 'json', 'repo', '--context', 'netpol-test-restricted'], dir, { KUBECONFIG: cluster.kubeconfig });
        return attempt.code === 2 ? undefined : attempt;
      });
      assert.equal(r.code, 1, r.stderr);
      assert.deepEqual(
        r.stderr.trim().split('\n').map((line) => line.replace(/ \(its pods are compared one by one\)$/, '').replace(/\. The API server said: .*$/, '')),
        ['deployments', 'statefulsets', 'daemonsets', 'replicasets'].map(
          (resource) => `netpol-guardrails: warning: No access to ${{ deployments: 'Deployment', statefulsets: 'StatefulSet', daemonsets: 'DaemonSet', replicasets: 'ReplicaSet' }[resource]} objects: missing permission "list" on ${resource} (group apps) in all namespaces (cluster scope)`,
        ),
      );
      const out = JSON.parse(r.stdout) as DriftJson;
      assert.deepEqual(out.missingInCluster.map((p) => p.name), ['db-deny']);
      assert.deepEqual(out.changed.map((p) => p.name), ['api-from-frontend']);
      // without the ReplicaSet, the Deployment's pod goes by its owner's name
      assert.ok(out.connectivity.clusterOnly.some((c) => c.src === 'web/frontend' && c.dst === 'shop/api-6d4cf56db6'), JSON.stringify(out.connectivity.clusterOnly));
    } finally {
      await api.send('DELETE', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/netpol-test:drift-reader', cluster.adminToken);
      await api.send('DELETE', '/apis/rbac.authorization.k8s.io/v1/clusterroles/netpol-test:drift-reader', cluster.adminToken);
    }
  });

  it('says the token was rejected, the address unreachable (within seconds), the context missing: exit 2', async () => {
    const badToken = join(dir, 'bad-token.kubeconfig');
    writeFileSync(badToken, readFileSync(cluster.adminKubeconfig, 'utf8').replace(cluster.adminToken, 'not-a-valid-token'));
    const rejected = await run(['drift', 'repo', '--kubeconfig', badToken], dir);
    assert.equal(rejected.code, 2);
    assert.equal(rejected.stderr, `netpol-guardrails: context netpol-test-admin: the API server ${cluster.url} rejected the credentials (401 Unauthorized): the token or certificate is invalid or expired\n`);

    const port = await closedPort();
    const closed = join(dir, 'closed.kubeconfig');
    writeFileSync(closed, readFileSync(cluster.adminKubeconfig, 'utf8').replace(cluster.url, `https://127.0.0.1:${port}`));
    const unreachable = await run(['drift', 'repo', '--kubeconfig', closed, '--request-timeout', '3'], dir);
    assert.equal(unreachable.code, 2);
    assert.match(unreachable.stderr, new RegExp(`^netpol-guardrails: context netpol-test-admin: cannot reach the API server https://127.0.0.1:${port}: .*ECONNREFUSED.*\\n$`));
    assert.ok(unreachable.ms < 10_000, `took ${unreachable.ms} ms`);

    const missing = await run(['drift', 'repo', '--context', 'nope'], dir, { KUBECONFIG: cluster.kubeconfig });
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, `netpol-guardrails: the kubeconfig (${cluster.kubeconfig}) has no context "nope" (it has netpol-test-admin, netpol-test-restricted)\n`);

    writeFileSync(join(dir, 'empty.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n');
    const empty = await run(['drift', 'empty.yaml'], dir, { KUBECONFIG: cluster.kubeconfig });
    assert.equal(empty.code, 0, empty.stderr);
    assert.equal(empty.stderr, 'netpol-guardrails: the paths hold no NetworkPolicy, so no namespace is compared (--all-namespaces compares every namespace)\n');
    assert.equal(empty.stdout, 'Compared the namespaces the repository has policies for: (none).\n\nNo drift: 0 policies match the cluster in 0 namespaces.\n');

    const usage = await run(['drift'], dir, { KUBECONFIG: cluster.kubeconfig });
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /^netpol-guardrails: drift needs the repository PATH\(s\) to compare with the cluster\n\nUsage: netpol-guardrails drift/);
  });

  it('Show Drift answers from the connection cache with the Markdown view and links to the files', async () => {
    const folder = pathToFileURL(join(dir, 'repo')).href;
    const lsp = await LspHarness.start({ workspaceFolders: [folder] });
    const statuses: ClusterStatus[] = [];
    lsp.client.onNotification(ClusterStatusNotification.method, (s: ClusterStatus) => {
      statuses.push(s);
    });
    lsp.settings = () => ({ kubeconfig: cluster.kubeconfig, context: 'netpol-test-admin' });
    try {
      await lsp.ready;
      const disconnected = await lsp.client.sendRequest(ShowDriftRequest.type, { folderUri: folder });
      assert.equal(disconnected.state, 'disconnected');
      assert.equal(disconnected.canConnect, true);
      assert.equal(disconnected.error, 'Not connected to a cluster: connect to one (Network Policy Guardrails: Select Cluster Context) to compare the repository with it.');

      await lsp.client.sendRequest(ClusterRequest.method, { action: 'connect' });
      await waitFor('connected', 20_000, () => (statuses.some((s) => s.state === 'connected') ? true : undefined));
      const started = performance.now();
      const result: ShowDriftResult = await lsp.client.sendRequest(ShowDriftRequest.type, { folderUri: folder });
      const ms = performance.now() - started;
      assert.equal(result.error, undefined);
      assert.equal(result.drift, true);
      assert.deepEqual(result.counts, { missingInCluster: 1, missingInRepository: 1, changed: 1, unchanged: 0, clusterOnly: 10, repositoryOnly: 0 });
      assert.equal(
        result.text,
        [
          '# Drift against the cluster: netpol-test-admin',
          '',
          'The NetworkPolicies of the folder `repo` compared with those of `netpol-test-admin`, in the namespaces the folder has policies for: `shop`.',
          '',
          'Compared after the API server’s defaulting, ignoring order and server-set metadata; connections are over the cluster’s pods.',
          '',
          '## In the repository, missing in the cluster (1)',
          '',
          '- `shop/db-deny` (shop.yaml:22)',
          '',
          '## In the cluster, not in the repository (1)',
          '',
          '- `shop/hotfix-allow-all`',
          '',
          '## Changed (1)',
          '',
          '- `shop/api-from-frontend` (shop.yaml:5)',
          '  - `spec.ingress[0].ports`: repository: TCP 8080; cluster: TCP 8080, TCP 8443',
          '',
          '## Connections the cluster allows and the repository would not (10)',
          '',
          '- 0.0.0.0-255.255.255.255 -> shop/api: all ports',
          '- 0.0.0.0-255.255.255.255 -> shop/db: all ports',
          '- ::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff -> shop/api: all ports',
          '- ::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff -> shop/db: all ports',
          '- shop/api -> shop/db: all ports',
          '- shop/db -> shop/api: all ports',
          '- steady/tool -> shop/api: TCP 53; UDP 53',
          '- steady/tool -> shop/db: TCP 53; UDP 53',
          '- web/frontend -> shop/api: TCP 1-8079, 8081-65535; UDP all ports; SCTP all ports',
          '- web/frontend -> shop/db: all ports',
          '',
          '## Connections the repository allows and the cluster does not (0)',
          '',
          'Nothing.',
          '',
          '1 missing in the cluster, 1 not in the repository, 1 changed, 0 unchanged, 10 connection(s) only the cluster allows, 0 only the repository allows',
          '',
        ].join('\n'),
      );
      const shopYaml = pathToFileURL(join(dir, 'repo', 'shop.yaml')).href;
      assert.deepEqual(result.references, [
        { label: 'shop.yaml:22', uri: shopYaml, line: 21, character: 8 },
        { label: 'shop.yaml:5', uri: shopYaml, line: 4, character: 8 },
      ]);
      assert.ok(ms < 1000, `Show Drift took ${ms} ms`);

      // the cache follows the cluster: apply db-deny, and that drift is gone without a reconnect
      const applied = await api.send(
        'POST',
        '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies',
        cluster.adminToken,
        JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'db-deny', namespace: 'shop' }, spec: { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'] } }),
      );
      assert.equal(applied.status, 201);
      const after = await waitFor('db-deny in the cache', 20_000, async () => {
        const r = await lsp.client.sendRequest(ShowDriftRequest.type, { folderUri: folder });
        return r.counts.missingInCluster === 0 ? r : undefined;
      });
      // the connections stay: hotfix-allow-all still opens db, and policies add up
      assert.deepEqual(after.counts, { missingInCluster: 0, missingInRepository: 1, changed: 1, unchanged: 1, clusterOnly: 10, repositoryOnly: 0 });
      const removed = await api.send('DELETE', '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/db-deny', cluster.adminToken);
      assert.equal(removed.status, 200);
    } finally {
      await lsp.stop();
    }
  });
  // last: its policies in other namespaces change the cluster's connectivity for the tests above
  it('round trip: 200 generated policies as the API server stores them equal the same policies written another way', async () => {
    const rng = seededRandom(20261203);
    for (const namespace of NAMESPACES.filter((n) => n !== 'default')) {
      const created = await api.send('POST', '/api/v1/namespaces', cluster.adminToken, JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }));
      assert.ok(created.status === 201 || created.status === 409, JSON.stringify(created.body));
    }
    const seen = new Set<string>();
    const written: Obj[] = [];
    for (let i = 0; written.length < 200; i++) {
      const policy = validPolicy(rng, i);
      const metadata = policy['metadata'] as { name: string; namespace?: string };
      const namespace = metadata.namespace ?? 'default';
      if (seen.has(`${namespace}/${metadata.name}`)) continue;
      seen.add(`${namespace}/${metadata.name}`);
      const response = await api.send('POST', `/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies`, cluster.adminToken, JSON.stringify(policy));
      assert.equal(response.status, 201, `${JSON.stringify(policy)}: ${JSON.stringify(response.body)}`);
      written.push(equivalent(rng, policy));
    }
    writeFolder(join(dir, 'generated'), { 'policies.yaml': written.map((p) => stringify(p)).join('---\n') });
    const r = await run(['drift', '--format', 'json', 'generated'], dir, { KUBECONFIG: cluster.adminKubeconfig });
    const out = JSON.parse(r.stdout) as DriftJson;
    assert.deepEqual(out.changed.map((c) => ({ policy: `${c.namespace}/${c.name}`, changes: c.changes })), []);
    assert.deepEqual([out.missingInCluster, out.missingInRepository], [[], []]);
    assert.equal(out.unchanged, 200);
    assert.equal(r.code, 0, r.stderr);

    // and a change of meaning in one of them is seen: a port moved by one
    const target = written.findIndex((p) => /^\s*port: 80$/m.test(stringify(p)));
    assert.ok(target >= 0, 'a policy with port 80');
    const edited = written.map((p, i) => (i === target ? stringify(p).replace(/^(\s*)port: 80$/m, '$1port: 81') : stringify(p)));
    writeFolder(join(dir, 'generated-edited'), { 'policies.yaml': edited.join('---\n') });
    const changed = await run(['drift', '--format', 'json', 'generated-edited'], dir, { KUBECONFIG: cluster.adminKubeconfig });
    const diff = JSON.parse(changed.stdout) as DriftJson;
    assert.equal(changed.code, 1);
    assert.equal(diff.changed.length, 1, JSON.stringify(diff.changed));
    const name = (written[target]!['metadata'] as { name: string }).name;
    assert.equal(diff.changed[0]!.name, name);
    assert.match(diff.changed[0]!.changes.map((c) => `${c.path}: ${c.repository ?? ''} / ${c.cluster ?? ''}`).join('\n'), /^spec\.(ingress|egress)\[\d\]\.ports: .*\b81\b.* \/ .*\b80\b/m);
  });
});
