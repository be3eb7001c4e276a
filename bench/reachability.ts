/**
 * `node --import tsx bench/reachability.ts`: the connectivity engine's figures as one JSON object on
 * stdout; progress goes to stderr.
 *
 * 1. map: 2,000 workloads and 2,000 policies in 100 namespaces: the full connectivity map (index +
 *    map, then the JSON contract), the process's peak RSS, and explain latency after the index is
 *    built (goals: map 3 s, RSS 1 GB, explain 5 ms);
 * 2. isolation: 10,000 Pods (1,000 workloads of 10 Pods, grouped by owner) and 10,000 policies:
 *    isolation (the index: which policies isolate each workload, per direction) and coverage (how
 *    many endpoints may reach each workload and it may reach: the full map) (goal 2 s);
 * 3. reference: the engine against the straightforward evaluator (every pair, every policy, every
 *    rule) on the same kind of input, growing until the evaluator takes a few seconds, with the
 *    results compared pair by pair.
 * Loading (parse, validation, inventory) is reported apart from the engine.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  PROTOCOLS,
  ReachabilityIndex,
  WorkspaceAnalysis,
  computeConnectivity,
  connectivityJson,
  explainConnection,
  referenceConnectivity,
  type Inventory,
  type PortSet,
} from '../server/src/core';
import { seededRandom } from './generateManifests';
import { podInputs, workloadInputs } from './reachabilityInputs';

const GOALS = { mapMs: 3000, peakRssMb: 1024, explainMs: 5, isolationMs: 2000 } as const;
const EXPLAINS = 1000;
const REFERENCE_BUDGET_MS = 4000;

function progress(message: string): void {
  process.stderr.write(`reachability: ${message}\n`);
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** Wall time, and the CPU time of this process (which the shared machine's load does not inflate). */
function timed<T>(run: () => T): { ms: number; cpuMs: number; value: T } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = run();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000, value };
}

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function load(inputs: readonly { file: string; text: string }[]): Inventory {
  const workspace = new WorkspaceAnalysis();
  for (const input of inputs) workspace.update(input.file, input.text);
  return workspace.inventory();
}

function key(set: PortSet): string {
  return PROTOCOLS.map((p) => set[p].join(',')).join('|');
}

function mapBench(): unknown {
  progress('map: generating and loading 2,000 workloads and 2,000 policies in 100 namespaces...');
  const loaded = timed(() => load(workloadInputs(100, 20, 20)));
  const inventory = loaded.value;
  progress('map: index and full map...');
  const index = timed(() => new ReachabilityIndex(inventory));
  const map = timed(() => computeConnectivity(index.value));
  const json = timed(() => connectivityJson(map.value));
  const serialized = timed(() => JSON.stringify(json.value));
  const rss = peakRssMb();
  progress('map: explain latency...');
  const random = seededRandom(11);
  const n = index.value.size;
  const workloads = index.value.workloadCount;
  const samples: number[] = [];
  for (let i = 0; i < EXPLAINS; i++) {
    // mostly workload pairs, some with an external end, some for one port
    const from = Math.floor(random() * (i % 5 === 0 ? n : workloads));
    const to = Math.floor(random() * workloads);
    const port = i % 2 === 0 ? { protocol: 'TCP' as const, port: 8080 } : undefined;
    const start = performance.now();
    explainConnection(index.value, from, to, port);
    samples.push(performance.now() - start);
  }
  const mapMs = index.ms + map.ms;
  return {
    workloads: inventory.workloads.length,
    policies: inventory.policies.length,
    namespaces: inventory.namespaces.size,
    endpoints: n,
    externalRanges: n - workloads,
    connections: json.value.connections.length,
    distinctPortSets: index.value.table.size,
    loadMs: round(loaded.ms),
    indexMs: round(index.ms),
    mapMs: round(map.ms),
    indexPlusMapMs: round(mapMs),
    indexPlusMapCpuMs: round(index.cpuMs + map.cpuMs),
    jsonContractMs: round(json.ms),
    jsonStringifyMs: round(serialized.ms),
    jsonBytes: serialized.value.length,
    peakRssMb: rss,
    machineLoadAverage1m: os.loadavg()[0],
    explainMs: { median: round(percentile(samples, 50)), p99: round(percentile(samples, 99)), max: round(Math.max(...samples)) },
    goals: {
      mapWithin3s: mapMs + json.ms <= GOALS.mapMs,
      rssWithin1GB: rss <= GOALS.peakRssMb,
      explainWithin5ms: percentile(samples, 99) <= GOALS.explainMs,
    },
  };
}

function isolationBench(): unknown {
  progress('isolation: generating and loading 10,000 pods (1,000 workloads) and 10,000 policies...');
  const loaded = timed(() => load(podInputs(50, 20, 10, 200)));
  const inventory = loaded.value;
  progress('isolation: isolation and coverage of every workload...');
  let indexMs = 0;
  const result = timed(() => {
    const start = performance.now();
    const index = new ReachabilityIndex(inventory);
    indexMs = performance.now() - start;
    const map = computeConnectivity(index);
    const w = index.workloadCount;
    // per workload: isolated per direction, how many endpoints may reach it and it may reach
    const reachableFrom = new Int32Array(index.size);
    for (let s = 0; s < index.size; s++) for (const d of map.row(s).targets) reachableFrom[d]!++;
    const coverage = [];
    for (let i = 0; i < w; i++) {
      coverage.push({
        ingressIsolated: index.ingressPolicies[i]!.length > 0,
        egressIsolated: index.egressPolicies[i]!.length > 0,
        reachableFrom: reachableFrom[i]!,
        reaches: map.row(i).targets.length,
      });
    }
    return { index, coverage };
  });
  const { index, coverage } = result.value;
  return {
    pods: inventory.workloads.length,
    workloads: index.workloadCount,
    policies: inventory.policies.length,
    endpoints: index.size,
    loadMs: round(loaded.ms),
    isolationAndCoverageMs: round(result.ms),
    indexMs: round(indexMs),
    isolationAndCoverageCpuMs: round(result.cpuMs),
    isolatedIngress: coverage.filter((c) => c.ingressIsolated).length,
    isolatedEgress: coverage.filter((c) => c.egressIsolated).length,
    peakRssMb: peakRssMb(),
    goals: { within2s: result.ms <= GOALS.isolationMs },
  };
}

function referenceBench(): unknown {
  const sizes = [];
  let agreed = true;
  for (let namespaces = 2; namespaces <= 100; namespaces *= 2) {
    progress(`reference: ${namespaces * 20} workloads, ${namespaces * 20} policies...`);
    const inventory = load(workloadInputs(namespaces, 20, 20));
    const engine = timed(() => {
      const index = new ReachabilityIndex(inventory);
      return { index, map: computeConnectivity(index) };
    });
    const reference = timed(() => referenceConnectivity(inventory));
    const { index, map } = engine.value;
    const fromEngine = new Map<string, string>();
    for (const c of map.connections()) fromEngine.set(`${index.endpoint(c.source).id} ${index.endpoint(c.destination).id}`, key(index.portSet(c.ports)));
    const same = reference.value.connections.length === fromEngine.size && reference.value.connections.every((c) => fromEngine.get(`${c.source} ${c.destination}`) === key(c.ports));
    agreed &&= same;
    sizes.push({ workloads: index.workloadCount, policies: inventory.policies.length, endpoints: index.size, engineMs: round(engine.ms), referenceMs: round(reference.ms), engineCpuMs: round(engine.cpuMs), referenceCpuMs: round(reference.cpuMs), ratio: round(reference.ms / engine.ms), agree: same });
    if (reference.ms > REFERENCE_BUDGET_MS) break;
  }
  return { note: 'the reference evaluator runs on growing inputs until it takes over 4 s; ratio = reference / engine', sizes, agreed };
}

const map = mapBench();
const isolation = isolationBench();
const reference = referenceBench();
process.stdout.write(`${JSON.stringify({ reachability: { map, isolation, reference } }, null, 2)}\n`);
