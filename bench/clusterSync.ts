/**
 * `node --import tsx bench/clusterSync.ts`: the live-cluster cache at scale, as one JSON object on
 * stdout (progress on stderr).
 *
 * 1. starts the test API server (test/cluster: a real kube-apiserver with embedded etcd) and fills
 *    it with the admin token, in parallel batches: 200 namespaces, 10,000 Pods (Pending: no nodes
 *    run) owned by 400 ReplicaSets of 400 Deployments, and 400 NetworkPolicies;
 * 2. starts the built language server as an editor does (`node dist/server.js --stdio`, a child
 *    process: its RSS is its own) on a folder with one policy file, and connects it to the
 *    cluster (netpolGuardrails/cluster connect);
 * 3. measures the initial sync (connect -> every kind listed and watched, 10,000 pods counted, from
 *    the server's clusterStatus notifications), the server's RSS before connecting, after the sync
 *    the hovers, in the steady state (idle, the cache synced and indexed, the watches open) and after
 *    Show Drift (its connectivity maps of every pair raise the heap), the hover latency on
 *    selectors answered from the cache with live pods (p50/p95/p99 over HOVERS requests, measured
 *    at the client over stdio; goal: p99 within 20 ms), and Show Drift over the whole cluster.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HoverRequest, type Hover, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { ClusterRequest, ClusterStatusNotification, ShowDriftRequest, type ClusterStatus } from '../server/src/protocol';
import { apiClient, type ApiClient } from '../test/cluster/apiClient';
import { startTestCluster } from '../test/cluster/testCluster';
import { LspServerProcess, withDeadline } from './lspClient';

const ROOT = join(__dirname, '..');
const NAMESPACES = Number(process.env['BENCH_NAMESPACES'] ?? 200);
const PODS_PER_NAMESPACE = Number(process.env['BENCH_PODS_PER_NAMESPACE'] ?? 50);
const DEPLOYMENTS_PER_NAMESPACE = 2;
const HOVERS = 600;
const CREATE_CONCURRENCY = 24;
const SYNC_TIMEOUT_MS = 10 * 60_000;
const HOVER_GOAL_P99_MS = 20;

function progress(message: string): void {
  process.stderr.write(`clusterSync: ${message}\n`);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Runs `tasks` with at most `limit` in flight. */
async function pool(tasks: readonly (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const task = tasks[next++]!;
      await task();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

async function create(api: ApiClient, token: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  for (let attempt = 1; ; attempt++) {
    const response = await api.send('POST', path, token, JSON.stringify(body));
    if (response.status === 201) return response.body as Record<string, unknown>;
    // 429/5xx under load: the API server asks to retry
    if ((response.status === 429 || response.status >= 500) && attempt < 5) continue;
    throw new Error(`POST ${path}: ${response.status} ${JSON.stringify(response.body).slice(0, 500)}`);
  }
}

const uidOf = (object: Record<string, unknown>): string => (object['metadata'] as { uid: string }).uid;
const CONTAINERS = [{ name: 'app', image: 'registry.example/app:1', ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }] }];

/** One namespace: its Deployments, their ReplicaSets and Pods, a default deny and an allow. */
async function fillNamespace(api: ApiClient, token: string, n: number): Promise<void> {
  const ns = `team-${String(n).padStart(3, '0')}`;
  await create(api, token, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { team: `t${n % 20}`, tier: n % 2 === 0 ? 'prod' : 'staging' } } });
  const pods: (() => Promise<void>)[] = [];
  for (let d = 0; d < DEPLOYMENTS_PER_NAMESPACE; d++) {
    const app = d === 0 ? 'frontend' : 'api';
    const hash = `${n.toString(36)}x${d}`;
    const labels = { app, 'pod-template-hash': hash };
    const deployment = await create(api, token, `/apis/apps/v1/namespaces/${ns}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: app, labels: { app } },
      spec: { replicas: PODS_PER_NAMESPACE / DEPLOYMENTS_PER_NAMESPACE, selector: { matchLabels: { app } }, template: { metadata: { labels: { app } }, spec: { containers: CONTAINERS } } },
    });
    const rsName = `${app}-${hash}`;
    const replicaSet = await create(api, token, `/apis/apps/v1/namespaces/${ns}/replicasets`, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: rsName, labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: app, uid: uidOf(deployment), controller: true }] },
      spec: { replicas: PODS_PER_NAMESPACE / DEPLOYMENTS_PER_NAMESPACE, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: CONTAINERS } } },
    });
    const owner = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, uid: uidOf(replicaSet), controller: true }];
    for (let p = 0; p < PODS_PER_NAMESPACE / DEPLOYMENTS_PER_NAMESPACE; p++) {
      pods.push(async () => {
        await create(api, token, `/api/v1/namespaces/${ns}/pods`, {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: `${rsName}-${p.toString(36).padStart(5, '0')}`, labels: { ...labels, shard: String(p % 5) }, ownerReferences: owner },
          spec: { containers: CONTAINERS },
        });
      });
    }
  }
  await pool(pods, 4);
  const policies = `/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies`;
  await create(api, token, policies, { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } });
  await create(api, token, policies, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'api-from-frontend' },
    spec: { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }, { namespaceSelector: { matchLabels: { tier: 'prod' } }, podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ port: 8080 }] }] },
  });
}

/** The workspace: one file whose selectors the hovers measure. */
const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-from-frontend
  namespace: team-000
spec:
  podSelector:
    matchLabels: { app: api }
  ingress:
    - from:
        - podSelector:
            matchLabels: { app: frontend }
        - namespaceSelector:
            matchLabels: { tier: prod }
          podSelector:
            matchExpressions: [{ key: app, operator: In, values: [frontend, web] }]
      ports: [{ port: 8080 }]
`;

function positionOf(needle: string, occurrence: number): { line: number; character: number } {
  let at = -1;
  for (let i = 0; i < occurrence; i++) at = POLICY.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`"${needle}" #${occurrence} not in the policy`);
  const lines = POLICY.slice(0, at).split('\n');
  return { line: lines.length - 1, character: (lines.at(-1) ?? '').length + 1 };
}

/** policy podSelector, peer podSelector, peer namespaceSelector (200 namespaces), peer podSelector across them */
const HOVER_TARGETS = [positionOf('podSelector:', 1), positionOf('podSelector:', 2), positionOf('namespaceSelector:', 1), positionOf('podSelector:', 3)];

function markdownOf(hover: Hover | null): string {
  return hover ? (hover.contents as MarkupContent).value : '';
}

async function main(): Promise<void> {
  const load = loadavg();
  progress('starting the test API server...');
  const buildStarted = performance.now();
  const cluster = await startTestCluster({ apiserverFlags: ['--max-requests-inflight=800', '--max-mutating-requests-inflight=400'] });
  const clusterStartMs = performance.now() - buildStarted;
  const api = apiClient(cluster);
  const dir = mkdtempSync(join(tmpdir(), 'netpol-bench-cluster-'));
  let server: LspServerProcess | undefined;
  try {
    progress(`creating ${NAMESPACES} namespaces with ${NAMESPACES * PODS_PER_NAMESPACE} pods...`);
    const fillStarted = performance.now();
    let done = 0;
    await pool(
      Array.from({ length: NAMESPACES }, (_, n) => async () => {
        await fillNamespace(api, cluster.adminToken, n);
        if (++done % 20 === 0) progress(`  ${done} namespaces (${Math.round((performance.now() - fillStarted) / 1000)} s)`);
      }),
      CREATE_CONCURRENCY / 4,
    );
    const fillMs = performance.now() - fillStarted;
    const pods = NAMESPACES * PODS_PER_NAMESPACE;

    writeFileSync(join(dir, 'policy.yaml'), POLICY);
    const folder = pathToFileURL(dir).href;
    const policyUri = pathToFileURL(join(dir, 'policy.yaml')).href;
    progress('starting dist/server.js --stdio...');
    server = await LspServerProcess.start(join(ROOT, 'dist', 'server.js'), [], { workspaceFolders: [folder], env: { ...process.env, KUBECONFIG: cluster.kubeconfig } });
    await server.open(policyUri, POLICY);
    await server.diagnostics(policyUri);
    const rssBeforeMb = server.rssMb();
    const statuses: { at: number; status: ClusterStatus }[] = [];
    let synced: (() => void) | undefined;
    const syncedPromise = new Promise<void>((resolve) => (synced = resolve));
    server.connection.onNotification(ClusterStatusNotification.type, (status: ClusterStatus) => {
      statuses.push({ at: performance.now(), status });
      if (status.state === 'connected' && status.syncedKinds.length === 7 && status.counts.pods === pods) synced?.();
    });

    progress('connecting...');
    const connectStarted = performance.now();
    await server.connection.sendRequest(ClusterRequest.type, { action: 'connect', context: 'netpol-test-admin' });
    await withDeadline(syncedPromise, SYNC_TIMEOUT_MS, `${pods} pods synced`);
    const syncMs = performance.now() - connectStarted;
    const firstConnected = statuses.find((s) => s.status.state === 'connected');
    const rssSyncedMb = server.rssMb();
    const counts = statuses.at(-1)?.status.counts;

    // the hovers' cluster part is built from the cache after the change debounce: wait for it
    const hover = (i: number): Promise<Hover | null> => server!.connection.sendRequest(HoverRequest.type, { textDocument: { uri: policyUri }, position: HOVER_TARGETS[i % HOVER_TARGETS.length]! });
    const readyDeadline = Date.now() + 60_000;
    let sample = '';
    for (;;) {
      sample = markdownOf(await hover(0));
      if (sample.includes('In the cluster') && !sample.includes('Still loading')) break;
      if (Date.now() > readyDeadline) throw new Error(`the hover never showed the cluster's pods:\n${sample}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    progress(`measuring ${HOVERS} hovers...`);
    const times: number[] = [];
    const perTarget: number[][] = HOVER_TARGETS.map(() => []);
    for (let i = 0; i < HOVERS; i++) {
      const started = performance.now();
      const answer = await hover(i);
      const ms = performance.now() - started;
      if (!markdownOf(answer).includes('In the cluster')) throw new Error(`hover ${i} has no cluster part`);
      times.push(ms);
      perTarget[i % HOVER_TARGETS.length]!.push(ms);
    }
    const sorted = [...times].sort((a, b) => a - b);

    const rssAfterHoversMb = server.rssMb();
    // steady state: the cache synced and indexed for hovers, the watches open, nothing changing
    const steadySamples: number[] = [];
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      steadySamples.push(server.rssMb());
    }

    // Show Drift: the folder's namespace (the default scope), then every namespace
    const drift = async (allNamespaces: boolean): Promise<{ ms: number[]; counts: unknown }> => {
      const ms: number[] = [];
      let counts: unknown;
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        const result = await server!.connection.sendRequest(ShowDriftRequest.type, { folderUri: folder, allNamespaces });
        ms.push(Math.round(performance.now() - started));
        if (result.error) throw new Error(`Show Drift: ${result.error}`);
        counts = result.counts;
      }
      return { ms, counts };
    };
    progress('Show Drift (the folder\'s namespaces, then all namespaces)...');
    const driftFolder = await drift(false);
    const driftAll = await drift(true);
    const rssAfterDriftMb = server.rssMb();

    const result = {
      clusterSync: {
        where: `test API server (kube-apiserver v1.34.2, embedded etcd) on 127.0.0.1; dist/server.js over stdio in a child process; ${availableParallelism()} cores, load average ${load.map((l) => l.toFixed(2)).join(' ')} at start`,
        cluster: { namespaces: NAMESPACES, pods, deployments: NAMESPACES * DEPLOYMENTS_PER_NAMESPACE, replicaSets: NAMESPACES * DEPLOYMENTS_PER_NAMESPACE, networkPolicies: NAMESPACES * 2 },
        counted: counts,
        apiServerStartMs: Math.round(clusterStartMs),
        createMs: Math.round(fillMs),
        createPerSecond: Math.round((pods + NAMESPACES * 7) / (fillMs / 1000)),
        initialSyncMs: Math.round(syncMs),
        firstConnectedMs: firstConnected ? Math.round(firstConnected.at - connectStarted) : null,
        rssMb: {
          beforeConnect: round(rssBeforeMb),
          afterSync: round(rssSyncedMb),
          afterHovers: round(rssAfterHoversMb),
          steady: round(steadySamples.reduce((a, b) => a + b, 0) / steadySamples.length),
          afterShowDrift: round(rssAfterDriftMb),
          peak: round(server.peakRssMb()),
        },
        hover: {
          requests: HOVERS,
          p50Ms: round(percentile(sorted, 50), 2),
          p95Ms: round(percentile(sorted, 95), 2),
          p99Ms: round(percentile(sorted, 99), 2),
          maxMs: round(sorted.at(-1) ?? NaN, 2),
          goalP99Ms: HOVER_GOAL_P99_MS,
          withinGoal: percentile(sorted, 99) <= HOVER_GOAL_P99_MS,
          p99ByTargetMs: { policyPodSelector: 0, peerPodSelector: 1, peerNamespaceSelector: 2, peerPodSelectorAcrossNamespaces: 3 } as Record<string, number>,
        },
        showDrift: { folderNamespacesMs: driftFolder.ms, folderCounts: driftFolder.counts, allNamespacesMs: driftAll.ms, allCounts: driftAll.counts },
      },
    };
    for (const [name, i] of Object.entries(result.clusterSync.hover.p99ByTargetMs)) {
      result.clusterSync.hover.p99ByTargetMs[name] = round(percentile([...perTarget[i]!].sort((a, b) => a - b), 99), 2);
    }
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (!result.clusterSync.hover.withinGoal) process.exitCode = 1;
  } finally {
    await server?.stop();
    api.close();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`clusterSync: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
