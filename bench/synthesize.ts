/**
 * `node --import tsx bench/synthesize.ts`: policy synthesis from observed flows at scale. Prints one
 * JSON object on stdout; progress goes to stderr.
 *
 * A seeded inventory of NAMESPACES x WORKLOADS Deployments (each with its own `app` label and a
 * shared `tier`), and aggregated flows as a service mesh has them: every workload calls a few
 * others (most in its namespace, some across), on one or two of a handful of ports, scrapes from
 * a monitoring workload, DNS, some external services, and dropped flows. Measures
 * synthesizePolicies (the text of every namespace) and verifySynthesis (the reachability engine's
 * check of the result: every flow admitted, nothing beyond them, API validation and guardrails).
 * The issue sets no goal for synthesis; this shows what it costs next to the aggregation and
 * checks that have one.
 *
 * BENCH_SYNTH_NAMESPACES, BENCH_SYNTH_WORKLOADS (per namespace) and BENCH_SYNTH_PEERS (calls per
 * workload) change the size.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { DEFAULT_CONFIG, DEFAULT_SYNTHESIS_OPTIONS, WorkspaceAnalysis, synthesizePolicies, verifySynthesis, type AggregatedFlow, type FlowEndpoint } from '../server/src/core';
import { seededRandom } from './generateManifests';

const NAMESPACES = Number(process.env['BENCH_SYNTH_NAMESPACES'] ?? 40);
const WORKLOADS = Number(process.env['BENCH_SYNTH_WORKLOADS'] ?? 50);
const PEERS = Number(process.env['BENCH_SYNTH_PEERS'] ?? 12);
const PORTS: readonly number[] = [80, 443, 5432, 6379, 8080, 8443, 9000];

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}
const ms = (since: number): number => Math.round(performance.now() - since);

function main(): void {
  const random = seededRandom(23);
  const int = (n: number): number => Math.floor(random() * n);
  const docs: string[] = [];
  const workloads: { namespace: string; name: string }[] = [];
  for (let n = 0; n < NAMESPACES; n++) {
    const namespace = `team-${n}`;
    for (let w = 0; w < WORKLOADS; w++) {
      const name = `svc-${w}`;
      workloads.push({ namespace, name });
      docs.push(
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n  selector:\n    matchLabels: {app: ${name}}\n  template:\n    metadata:\n      labels: {app: ${name}, tier: t${w % 4}}\n    spec:\n      containers:\n        - name: main\n          image: example/${name}:1\n`,
      );
    }
  }
  docs.push('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: prometheus\n  namespace: monitoring\nspec:\n  selector:\n    matchLabels: {app: prometheus}\n  template:\n    metadata:\n      labels: {app: prometheus}\n    spec:\n      containers:\n        - name: main\n          image: prom/prometheus:1\n');
  docs.push('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: coredns\n  namespace: kube-system\nspec:\n  selector:\n    matchLabels: {k8s-app: kube-dns}\n  template:\n    metadata:\n      labels: {k8s-app: kube-dns}\n    spec:\n      containers:\n        - name: main\n          image: coredns/coredns:1\n');
  let started = performance.now();
  const workspace = new WorkspaceAnalysis();
  workspace.update('workloads.yaml', docs.join('---\n'));
  const inventory = workspace.inventory();
  const inventoryMs = ms(started);
  progress(`inventory: ${inventory.workloads.length} workloads in ${inventoryMs} ms`);

  const endpoint = (w: { namespace: string; name: string }): FlowEndpoint => ({ type: 'workload', namespace: w.namespace, name: w.name, kind: 'Deployment', labels: {}, endpointId: `${w.namespace}/${w.name}` });
  const flows: AggregatedFlow[] = [];
  const seen = new Set<string>();
  const add = (source: FlowEndpoint, destination: FlowEndpoint, protocol: 'TCP' | 'UDP', port: number, dropped: boolean): void => {
    const key = `${JSON.stringify(source)}>${JSON.stringify(destination)}/${protocol}/${port}`;
    if (seen.has(key)) return;
    seen.add(key);
    const first = Date.UTC(2026, 11, 1) + int(3_600_000);
    flows.push({ source, destination, protocol, port, forwarded: dropped ? 0 : 1 + int(5000), dropped: dropped ? 1 + int(10) : 0, unknown: 0, firstSeen: first, lastSeen: first + int(80_000_000), examples: [] });
  };
  const prometheus = { type: 'workload' as const, namespace: 'monitoring', name: 'prometheus', kind: 'Deployment', labels: {}, endpointId: 'monitoring/prometheus' };
  const dns = { type: 'workload' as const, namespace: 'kube-system', name: 'coredns', kind: 'Deployment', labels: {}, endpointId: 'kube-system/coredns' };
  for (const [i, w] of workloads.entries()) {
    const self = endpoint(w);
    for (let p = 0; p < PEERS; p++) {
      const other = random() < 0.8 ? workloads[Math.floor(i / WORKLOADS) * WORKLOADS + int(WORKLOADS)]! : workloads[int(workloads.length)]!;
      if (other === w) continue;
      const port = PORTS[int(PORTS.length)]!;
      add(self, endpoint(other), 'TCP', port, random() < 0.03);
      if (random() < 0.3) add(self, endpoint(other), 'TCP', PORTS[int(PORTS.length)]!, false);
    }
    add(prometheus, self, 'TCP', 9090, false);
    add(self, dns, 'UDP', 53, false);
    if (random() < 0.2) add(self, { type: 'external', cidr: `198.51.100.${int(250) + 1}/32` }, 'TCP', 443, false);
    if (random() < 0.05) add({ type: 'external', cidr: `203.0.113.${int(250) + 1}/32` }, self, 'TCP', 8080, false);
  }
  progress(`${flows.length} aggregated flows`);

  started = performance.now();
  const result = synthesizePolicies(flows, inventory, DEFAULT_CONFIG);
  const synthesizeMs = ms(started);
  const policies = result.namespaces.reduce((n, ns) => n + ns.policies.length, 0);
  const bytes = result.namespaces.reduce((n, ns) => n + ns.text.length, 0);
  progress(`synthesized ${policies} policies (${bytes} characters) in ${synthesizeMs} ms`);
  started = performance.now();
  const verified = verifySynthesis(flows, inventory, DEFAULT_CONFIG, result, DEFAULT_SYNTHESIS_OPTIONS);
  const verifyMs = ms(started);
  progress(`verified in ${verifyMs} ms`);
  const rss = process.memoryUsage().rss;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'synthesize',
      workloads: inventory.workloads.length,
      flows: flows.length,
      policies,
      characters: bytes,
      synthesizeMs,
      verifyMs,
      admitted: result.admitted,
      notForwarded: result.notForwarded,
      blocked: verified.blocked.length,
      unjustified: verified.unjustified.length,
      apiErrors: verified.apiErrors.length,
      guardrailFindings: Object.fromEntries([...new Set(verified.guardrails.map((g) => g.ruleId))].map((id) => [id, verified.guardrails.filter((g) => g.ruleId === id).length])),
      rssMB: Math.round(rss / 1e6),
      loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    })}\n`,
  );
}

main();
