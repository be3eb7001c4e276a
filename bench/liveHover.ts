import { hoverAt } from '../server/src/core/authoring/hover';
import { analyzeText } from '../server/src/core/analyzer';
import { buildInventory } from '../server/src/core/inventory/buildInventory';
import { withClusterObjects, type ClusterObjects } from '../server/src/core/inventory/clusterObjects';
import { mergeContributions, type InventoryContribution } from '../server/src/core/inventory/buildInventory';
import { PodIndex, type LivePod } from '../server/src/core/live/podIndex';
import type { LiveCluster, LiveNamespace } from '../server/src/core/live/liveHover';
import type { NamespaceInfo, Workload } from '../server/src/core/inventory/model';
import { DEFAULT_CONFIG } from '../server/src/core/config/config';
import { runGuardrails } from '../server/src/core/rules/runRules';
import { loadavg } from 'node:os';
import { seededRandom } from './generateManifests';

/**
 * `node --import tsx bench/liveHover.ts`: the live-pod part of selector hovers over a cluster cache
 * of 10,000 pods in 200 namespaces (issue 6: hovers answer from the cache within 20 ms), in the
 * engine alone (the LSP round trip adds about a millisecond; test/cluster/clusterHover.test.ts
 * measures it against the real API server): building the pod index once per cache change, then
 * hovers on a policy's podSelector, on a peer's podSelector in every namespace (the widest
 * search), on a namespaceSelector, and on the policy's name. Also the guardrails over the merged
 * inventory (200 Deployments, their ReplicaSets and 10,000 pods, folded). One JSON object on stdout.
 */

const NAMESPACES = 200;
const PODS = 10_000;
const GOAL_MS = 20;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}
const round = (n: number): number => Math.round(n * 100) / 100;

const rng = seededRandom(11);
const apps = ['web', 'api', 'worker', 'cache', 'db'];
const tiers = ['frontend', 'backend', 'data'];

function namespaceName(i: number): string {
  return `team-${String(i).padStart(3, '0')}`;
}

const pods: LivePod[] = [];
const namespaces = new Map<string, LiveNamespace>();
const clusterNamespaces: NamespaceInfo[] = [];
const workloads: Workload[] = [];
const source = { file: 'netpol-cluster://bench/x', range: { start: 0, end: 0 } };
for (let n = 0; n < NAMESPACES; n++) {
  const name = namespaceName(n);
  const labels = { 'kubernetes.io/metadata.name': name, team: `t${n % 20}`, env: n % 3 === 0 ? 'prod' : 'staging' };
  namespaces.set(name, { name, labels });
  clusterNamespaces.push({ name, labels, explicit: true, source });
}
for (let i = 0; i < PODS; i++) {
  const namespace = namespaceName(i % NAMESPACES);
  const app = apps[Math.floor(rng() * apps.length)]!;
  const tier = tiers[Math.floor(rng() * tiers.length)]!;
  const labels = { app, tier, 'pod-template-hash': `h${i % 7}` };
  pods.push({ namespace, name: `${app}-${i}`, labels });
  const deployment = `${app}-${tier}`;
  workloads.push({ kind: 'Pod', name: `${app}-${i}`, namespace, podLabels: labels, ports: [], hostNetwork: false, source, owner: { kind: 'ReplicaSet', name: `${deployment}-h` } });
}
for (const ns of namespaces.keys()) {
  for (const app of apps) {
    for (const tier of tiers) {
      const labels = { app, tier };
      workloads.push({ kind: 'Deployment', name: `${app}-${tier}`, namespace: ns, podLabels: labels, ports: [], hostNetwork: false, source });
      workloads.push({ kind: 'ReplicaSet', name: `${app}-${tier}-h`, namespace: ns, podLabels: labels, ports: [], hostNetwork: false, source, owner: { kind: 'Deployment', name: `${app}-${tier}` } });
    }
  }
}

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api
  namespace: team-007
spec:
  podSelector:
    matchLabels:
      app: api
      tier: backend
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector: {}
          podSelector:
            matchExpressions:
              - { key: app, operator: In, values: [web] }
              - { key: tier, operator: NotIn, values: [data] }
        - namespaceSelector:
            matchLabels:
              env: prod
              team: t7
`;

function main(): void {
  const buildStart = performance.now();
  const index = new PodIndex(pods);
  const indexBuildMs = performance.now() - buildStart;
  const live: LiveCluster = { context: 'bench', connection: 'connected', pods: 'synced', namespaces: 'synced', index, namespaceLabels: namespaces };
  const inventory = buildInventory([{ file: 'policy.yaml', objects: analyzeText(POLICY).objects }]);
  const ctx = { file: 'policy.yaml', text: POLICY, inventory, config: DEFAULT_CONFIG };
  const targets = {
    policyPodSelector: POLICY.indexOf('podSelector:'),
    peerPodSelectorEveryNamespace: POLICY.indexOf('podSelector:', POLICY.indexOf('from:')),
    namespaceSelector: POLICY.lastIndexOf('namespaceSelector:'),
    policyName: POLICY.indexOf('api\n'),
  };
  const hovers: Record<string, unknown> = {};
  let worstP99 = 0;
  for (const [name, offset] of Object.entries(targets)) {
    // cold: the first hover of a selector after a cache change (a fresh LiveCluster has no memo)
    const cold: number[] = [];
    // the same, in CPU time of this thread (the machine may be shared: wall time then includes waiting for a core)
    const coldCpu: number[] = [];
    // warm: the same hover again over the same cache
    const warm: number[] = [];
    let markdown = '';
    for (let i = 0; i < 100; i++) {
      const fresh: LiveCluster = { ...live };
      const cpu = process.cpuUsage();
      let started = performance.now();
      markdown = hoverAt(ctx, offset, fresh)?.markdown ?? '';
      cold.push(performance.now() - started);
      const used = process.cpuUsage(cpu);
      coldCpu.push((used.user + used.system) / 1000);
      started = performance.now();
      hoverAt(ctx, offset, fresh);
      warm.push(performance.now() - started);
    }
    const matched = /(\d+) pods? match/.exec(markdown)?.[1];
    const p99 = percentile(cold, 99);
    worstP99 = Math.max(worstP99, p99);
    hovers[name] = {
      podsMatched: matched === undefined ? 0 : Number(matched),
      cold: { samples: cold.length, median: round(percentile(cold, 50)), p99: round(p99), max: round(Math.max(...cold)), cpuMedian: round(percentile(coldCpu, 50)), cpuP99: round(percentile(coldCpu, 99)) },
      warm: { median: round(percentile(warm, 50)), p99: round(percentile(warm, 99)) },
    };
  }

  // the guardrails over the workspace's policy and the cluster's objects, merged (inventorySource both)
  const cluster: ClusterObjects = { context: 'bench', namespaces: clusterNamespaces, workloads, policies: [] };
  const files: InventoryContribution[] = [{ namespaces: [], workloads: [], policies: inventory.policies }];
  const mergeStart = performance.now();
  const merged = mergeContributions(withClusterObjects(files, cluster, 'both'));
  const mergeMs = performance.now() - mergeStart;
  // again, as after a keystroke in the workspace (the cluster's folding is memoised)
  const editMergeStart = performance.now();
  mergeContributions(withClusterObjects([{ ...files[0]! }], cluster, 'both'));
  const mergeAfterEditMs = performance.now() - editMergeStart;
  const rulesStart = performance.now();
  const { findings } = runGuardrails(merged, DEFAULT_CONFIG);
  const rulesMs = performance.now() - rulesStart;

  process.stdout.write(
    `${JSON.stringify(
      {
        benchmark: 'liveHover',
        pods: PODS,
        namespaces: NAMESPACES,
        indexBuildMs: round(indexBuildMs),
        hovers,
        goalMs: GOAL_MS,
        met: worstP99 <= GOAL_MS,
        loadAverage: loadavg()[0],
        merged: { clusterObjects: workloads.length, workloadsAfterFolding: merged.workloads.length, mergeMs: round(mergeMs), mergeAfterEditMs: round(mergeAfterEditMs), guardrailsMs: round(rulesMs), findings: findings.length },
      },
      null,
      2,
    )}\n`,
  );
}

main();
