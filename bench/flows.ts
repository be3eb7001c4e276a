/**
 * `node --import tsx bench/flows.ts`: observed flows' figures as one JSON object on stdout;
 * progress goes to stderr.
 *
 * 1. aggregation: Hubble `hubble observe -o json` files of 250,000, 500,000 and 1,000,000 flow
 *    records (test/flows/generateFlows.ts' application, with its replies and ICMP lines mixed in)
 *    read from disk by the streaming reader (server/src/flowFiles.ts) and aggregated on the CLI's
 *    default threads (a large file is parsed in pieces, one per thread), each in a fresh process,
 *    and the million once more on one thread (the baseline, whose result must be the same): the
 *    time and the peak RSS per size (goals: 1,000,000 records in 5 s; RSS flat in the input size:
 *    the 1,000,000-record peak within 1.25x the 250,000-record one); the same
 *    million observations in the generic JSON-lines format; and the aggregator alone on 1,000,000
 *    records already parsed (what aggregation costs without reading and JSON.parse);
 * 2. check: 100,000 distinct aggregated flows between the 2,000 workloads of bench/reachability.ts'
 *    input (2,000 policies in 100 namespaces) and external addresses, judged against the
 *    policies (index + every flow, goal 2 s), then the two observed-flow rules over them (findings
 *    with their explanations).
 * The temporary flow files are removed at the end.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdtempSync, openSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_CONFIG, FlowAggregator, GUARDRAIL_RULES, parseJsonFlowLine, ReachabilityIndex, WorkspaceAnalysis, checkFlows, judgeFlows, type AggregatedFlow, type FlowEndpoint, type Inventory, type WorkloadEndpoint } from '../server/src/core';
import { runGuardrails } from '../server/src/core/rules/runRules';
import { defaultJobs } from '../server/src/analysisThreads';
import { readFlowFilesSync } from '../server/src/flowFiles';
import { hubbleLines, observations, trafficPlan } from '../test/flows/generateFlows';
import { seededRandom } from './generateManifests';
import { workloadInputs } from './reachabilityInputs';

const SIZES = [250_000, 500_000, 1_000_000] as const;
const GOALS = { aggregateMillionMs: 5000, rssGrowth: 1.25, checkMs: 2000 } as const;
const CHECK_FLOWS = 100_000;
/** threads for reading (the CLI's default --jobs) */
const JOBS = defaultJobs();

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function maxRssMb(): number {
  return round(process.resourceUsage().maxRSS / 1024);
}

/** dist/cli.js runs the flow threads (flowFiles.ts), as in the CLI and the server */
const WORKER_SCRIPT = join(__dirname, '..', 'dist', 'cli.js');

interface ChildFigures {
  readonly digest: string;
  readonly ms: number;
  readonly cpuMs: number;
  readonly records: number;
  readonly maxRssMb: number;
  readonly flows: number;
  readonly lines: number;
}

/** Reads `file` in a fresh process on `jobs` threads. */
function aggregateInChild(file: string, jobs: number): ChildFigures {
  const child = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--aggregate', file, String(jobs)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`the aggregation of ${file} failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as ChildFigures;
}

/** The child: read one file on `jobs` threads (as the CLI does: its default --jobs) and print what it took. */
function aggregateChild(file: string, jobs: number): void {
  if (!existsSync(WORKER_SCRIPT)) throw new Error(`${WORKER_SCRIPT} is missing: npm run build`);
  const start = performance.now();
  const cpu = process.cpuUsage();
  const result = readFlowFilesSync([{ name: file, path: file }], {}, { script: WORKER_SCRIPT, jobs });
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const digest = createHash('sha256').update(JSON.stringify([result.flows, result.counts, result.problems])).digest('hex');
  process.stdout.write(`${JSON.stringify({ digest, jobs, ms: round(ms), cpuMs: round((used.user + used.system) / 1000), records: result.counts.records, lines: result.counts.lines, flows: result.counts.flows, skipped: result.counts.skipped, malformed: result.counts.malformed, maxRssMb: maxRssMb(), heapUsedMb: round(process.memoryUsage().heapUsed / 1048576) })}\n`);
}

/** Writes the Hubble file for the largest size, noting the byte offset where each smaller size ends. */
function writeHubble(path: string): Map<number, number> {
  const plan = trafficPlan(1);
  const fd = openSync(path, 'w');
  const ends = new Map<number, number>();
  let bytes = 0;
  let records = 0;
  let buffer: string[] = [];
  let buffered = 0;
  const flush = (): void => {
    const chunk = buffer.join('');
    bytes += writeSync(fd, chunk);
    buffer = [];
    buffered = 0;
  };
  const largest = SIZES[SIZES.length - 1]!;
  for (const line of hubbleLines(observations(plan, largest, 2))) {
    buffer.push(`${line.text}\n`);
    buffered += line.text.length + 1;
    if (line.kind === 'flow') {
      records++;
      if ((SIZES as readonly number[]).includes(records)) {
        flush();
        ends.set(records, bytes);
      }
    }
    if (buffered > 1 << 22) flush();
  }
  flush();
  closeSync(fd);
  ends.set(largest, bytes);
  return ends;
}

function aggregation(dir: string): { sizes: unknown[]; millionMs: number; rssRatio: number; generic: unknown; oneThread: unknown } {
  const full = join(dir, `hubble-${SIZES[SIZES.length - 1]}.json`);
  progress(`writing ${SIZES[SIZES.length - 1]} Hubble flow records to ${full}`);
  const ends = writeHubble(full);
  const sizes: { records: number; bytes: number; ms: number; cpuMs: number; maxRssMb: number; flows: number; lines: number }[] = [];
  let millionDigest = '';
  for (const size of SIZES) {
    let file = full;
    if (size !== SIZES[SIZES.length - 1]) {
      file = join(dir, `hubble-${size}.json`);
      copyFileSync(full, file);
      truncateSync(file, ends.get(size));
    }
    progress(`aggregating ${size} records (${Math.round(statSync(file).size / 1048576)} MB) in a fresh process`);
    const figures = aggregateInChild(file, JOBS);
    if (figures.records !== size) throw new Error(`expected ${size} records, read ${figures.records}`);
    millionDigest = figures.digest;
    sizes.push({ records: size, bytes: statSync(file).size, ms: figures.ms, cpuMs: figures.cpuMs, maxRssMb: figures.maxRssMb, flows: figures.flows, lines: figures.lines });
    if (file !== full) rmSync(file);
  }
  const first = sizes[0]!;
  const last = sizes[sizes.length - 1]!;
  // the baseline: the same million on one thread, and whether the threads' result is the same
  progress(`aggregating ${last.records} records on one thread (the baseline)`);
  const oneThread = aggregateInChild(full, 1);
  if (millionDigest !== oneThread.digest) throw new Error(`the ${JOBS} threads' result differs from one thread's`);
  // the generic format: the same million observations as JSON lines of one record each
  const generic = join(dir, 'generic-1000000.jsonl');
  progress(`writing ${last.records} generic JSON-lines records to ${generic}`);
  writeGeneric(generic, last.records);
  progress(`aggregating ${last.records} generic records (${Math.round(statSync(generic).size / 1048576)} MB) in a fresh process`);
  const g = aggregateInChild(generic, JOBS);
  if (g.records !== last.records) throw new Error(`expected ${last.records} generic records, read ${g.records}`);
  rmSync(generic);
  const baseline = { ms: oneThread.ms, cpuMs: oneThread.cpuMs, maxRssMb: oneThread.maxRssMb, speedup: round(oneThread.ms / last.ms), sameResult: true };
  return { sizes, millionMs: last.ms, rssRatio: round(last.maxRssMb / first.maxRssMb), oneThread: baseline, generic: { records: g.records, ms: g.ms, cpuMs: g.cpuMs, maxRssMb: g.maxRssMb, flows: g.flows } };
}

/** One generic JSON-lines record (count 1) per observation, as a flow exporter that does not aggregate writes them. */
function writeGeneric(path: string, count: number): void {
  const fd = openSync(path, 'w');
  let buffer = '';
  const side = (s: string | { workload: { namespace: string; name: string } }): string => (typeof s === 'string' ? s : `${s.workload.namespace}/${s.workload.name}`);
  for (const o of observations(trafficPlan(1), count, 2)) {
    buffer += `${JSON.stringify({ source: side(o.source), destination: side(o.destination), protocol: o.protocol, port: o.port, count: 1, first_seen: new Date(o.time).toISOString(), last_seen: new Date(o.time).toISOString(), verdict: o.verdict })}\n`;
    if (buffer.length > 1 << 22) {
      writeSync(fd, buffer);
      buffer = '';
    }
  }
  writeSync(fd, buffer);
  closeSync(fd);
}

/**
 * The aggregator alone (FlowAggregator.addLine), without reading and JSON parsing: 50,000 distinct
 * Hubble lines parsed once, their records added 20 times over (1,000,000 records).
 */
function aggregatorOnly(): { records: number; ms: number; cpuMs: number; flows: number } {
  const outcomes = [...hubbleLines(observations(trafficPlan(1), 50_000, 2))].map((l) => parseJsonFlowLine(l.text)).filter((o) => o.kind === 'record');
  const aggregator = new FlowAggregator();
  const start = performance.now();
  const cpu = process.cpuUsage();
  let records = 0;
  for (let pass = 0; records < 1_000_000; pass++) {
    for (let i = 0; i < outcomes.length && records < 1_000_000; i++, records++) aggregator.addLine('flows.json', pass * outcomes.length + i + 1, outcomes[i]!);
  }
  const flows = aggregator.result().flows.length;
  const used = process.cpuUsage(cpu);
  return { records, ms: round(performance.now() - start), cpuMs: round((used.user + used.system) / 1000), flows };
}

function load(): Inventory {
  const workspace = new WorkspaceAnalysis();
  for (const input of workloadInputs(100, 20, 20)) workspace.update(input.file, input.text);
  return workspace.inventory();
}

/** 100,000 distinct flows: workload to workload on their ports and others, and to external addresses. */
function generatedFlows(index: ReachabilityIndex): AggregatedFlow[] {
  const rnd = seededRandom(11);
  const workloads = index.endpoints.filter((e): e is WorkloadEndpoint => e.type === 'workload');
  const endpoint = (w: WorkloadEndpoint): FlowEndpoint => ({ type: 'workload', namespace: w.namespace, name: w.name, kind: w.kind, labels: w.workload.podLabels, endpointId: w.id });
  const ports = [53, 80, 443, 5432, 6379, 8080, 9090, 9092, 9200];
  const seen = new Set<string>();
  const out: AggregatedFlow[] = [];
  while (out.length < CHECK_FLOWS) {
    const source = workloads[Math.floor(rnd() * workloads.length)]!;
    const external = rnd() < 0.1;
    const destination = external ? undefined : workloads[Math.floor(rnd() * workloads.length)]!;
    const ip = `203.0.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}`;
    const port = rnd() < 0.7 ? ports[Math.floor(rnd() * ports.length)]! : 1024 + Math.floor(rnd() * 30000);
    const protocol = port === 53 && rnd() < 0.7 ? 'UDP' : 'TCP';
    const key = `${source.id} ${destination?.id ?? ip} ${protocol} ${port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const dropped = rnd() < 0.05;
    out.push({
      source: endpoint(source),
      destination: destination ? endpoint(destination) : { type: 'external', cidr: `${ip}/32` },
      protocol,
      port,
      forwarded: dropped ? 0 : 1 + Math.floor(rnd() * 500),
      dropped: dropped ? 1 + Math.floor(rnd() * 20) : 0,
      unknown: 0,
      firstSeen: undefined,
      lastSeen: undefined,
      examples: [{ file: 'flows.json', line: out.length + 1 }],
    });
  }
  return out;
}

function check(): Record<string, unknown> {
  progress('check: loading 2,000 workloads and 2,000 policies');
  const loadStart = performance.now();
  const inventory = load();
  const loadMs = performance.now() - loadStart;
  const flows = generatedFlows(new ReachabilityIndex(inventory));
  progress(`check: ${flows.length} flows`);
  const samples: number[] = [];
  const cpuSamples: number[] = [];
  let summary: unknown;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    const result = checkFlows(inventory, flows);
    samples.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpuSamples.push((used.user + used.system) / 1000);
    summary = result.summary;
  }
  const indexStart = performance.now();
  const index = new ReachabilityIndex(inventory);
  const indexMs = performance.now() - indexStart;
  const judgeStart = performance.now();
  judgeFlows(index, flows);
  const judgeMs = performance.now() - judgeStart;
  const rulesStart = performance.now();
  const { findings } = runGuardrails(inventory, DEFAULT_CONFIG, undefined, GUARDRAIL_RULES.filter((r) => r.requiresFlows), undefined, { flows });
  const rulesMs = performance.now() - rulesStart;
  const best = Math.min(...samples);
  return {
    flows: flows.length,
    policies: inventory.policies.length,
    workloads: inventory.workloads.length,
    loadMs: round(loadMs),
    checkMs: { first: round(samples[0]!), best: round(best), cpuFirst: round(cpuSamples[0]!), runs: samples.length, goal: GOALS.checkMs, met: samples[0]! <= GOALS.checkMs },
    // of which: the reachability index over the 2,000 policies, and judging the flows with it
    indexMs: round(indexMs),
    judgeMs: round(judgeMs),
    summary,
    rulesWithExplanationsMs: round(rulesMs),
    findings: findings.length,
  };
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-flows-bench-'));
  try {
    const aggregate = aggregation(dir);
    progress('the aggregator alone: 1,000,000 parsed records');
    const alone = aggregatorOnly();
    const checked = check();
    const result = {
      aggregation: {
        sizes: aggregate.sizes,
        millionRecordsMs: { value: aggregate.millionMs, goal: GOALS.aggregateMillionMs, met: aggregate.millionMs <= GOALS.aggregateMillionMs },
        rssGrowth250kTo1M: { value: aggregate.rssRatio, goal: GOALS.rssGrowth, met: aggregate.rssRatio <= GOALS.rssGrowth },
        // the same million on one thread; the threads' result is checked to be the same
        threads: JOBS,
        oneThread1M: aggregate.oneThread,
        genericJsonLines1M: aggregate.generic,
        // reading and JSON.parse excluded: what the aggregation itself costs
        aggregatorOnly1M: alone,
      },
      check: checked,
      node: process.version,
      loadAverage: loadavg().map(round),
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const aggregateAt = process.argv.indexOf('--aggregate');
if (aggregateAt >= 0) aggregateChild(process.argv[aggregateAt + 1]!, Number(process.argv[aggregateAt + 2]));
else main();
