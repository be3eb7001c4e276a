import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../bench/generateManifests';
import { DEFAULT_CONFIG, WorkspaceAnalysis } from '../../server/src/core';
import type { AggregatedFlow, FlowEndpoint } from '../../server/src/core/flows/model';
import { synthesizePolicies } from '../../server/src/core/flows/synthesize';
import { verifySynthesis } from '../../server/src/core/flows/verifySynthesis';
import type { Protocol } from '../../server/src/core/inventory/model';
import { parseAddress } from '../../server/src/core/reachability/addresses';
import { workloadEndpoints, type WorkloadEndpoint } from '../../server/src/core/reachability/endpoints';
import { referenceAllows, type ReferencePeer } from '../../server/src/core/reachability/reference';

/**
 * The guarantees on seeded random traffic: random namespaces and workloads (some defined only by
 * the flows, some with controller labels, some unlabeled, some on the host network), random flows
 * between them and external addresses, forwarded and dropped. For each run:
 * - verifySynthesis (the reachability engine) finds no blocked flow, no unjustified connection,
 *   no API error and no guardrail finding but public-cidr;
 * - independently, the reference evaluator on the workloads plus the generated text alone allows
 *   every admitted flow, and allows nothing else from or to a policed workload on any port the run
 *   uses (DNS aside): flows seen only dropped stay denied.
 * A failure names its seed.
 */

const RUNS = 60;
const NAMESPACES = ['shop', 'billing', 'data', 'edge'];
const PORTS: readonly [Protocol, number][] = [
  ['TCP', 80],
  ['TCP', 443],
  ['TCP', 5432],
  ['TCP', 8080],
  ['UDP', 514],
  ['UDP', 8125],
  ['SCTP', 9899],
];
const EXTERNALS = ['203.0.113.10', '203.0.113.11', '198.51.100.7', '10.20.0.5', '2001:db8::1', '2001:db8::2'];

interface GenWorkload {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  /** defined in the manifests given to synthesis (else only the flows show it) */
  readonly defined: boolean;
  readonly hostNetwork: boolean;
}

function podYaml(w: GenWorkload, kind: 'Deployment' | 'Pod'): string {
  const labels = Object.entries(w.labels);
  const labelBlock = (indent: string): string => (labels.length === 0 ? `${indent}labels: {}\n` : `${indent}labels:\n${labels.map(([k, v]) => `${indent}  ${k}: "${v}"\n`).join('')}`);
  const podSpec = (indent: string): string => `${indent}${w.hostNetwork ? 'hostNetwork: true\n' + indent : ''}containers:\n${indent}  - name: main\n${indent}    image: example/${w.name}:1\n`;
  if (kind === 'Pod') return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${w.name}\n  namespace: ${w.namespace}\n${labelBlock('  ')}spec:\n${podSpec('  ')}`;
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${w.name}\n  namespace: ${w.namespace}\nspec:\n  selector:\n    matchLabels:\n      app: ${w.labels['app'] ?? w.name}\n  template:\n    metadata:\n${labelBlock('      ')}    spec:\n${podSpec('      ')}`;
}

function generate(seed: number): { manifests: string; observedOnly: string; flows: AggregatedFlow[]; workloads: GenWorkload[] } {
  const random = seededRandom(seed);
  const int = (n: number): number => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const workloads: GenWorkload[] = [{ namespace: 'kube-system', name: 'coredns', labels: { 'k8s-app': 'kube-dns' }, defined: true, hostNetwork: false }];
  const namespaces = NAMESPACES.slice(0, 2 + int(3));
  for (const namespace of namespaces) {
    const count = 2 + int(3);
    for (let i = 0; i < count; i++) {
      const name = `w${i}`;
      const roll = random();
      const labels: Record<string, string> = roll < 0.08 ? {} : { app: name };
      if (random() < 0.4) labels['tier'] = pick(['web', 'api', 'db']);
      const defined = random() < 0.75;
      workloads.push({ namespace, name, labels, defined, hostNetwork: defined && random() < 0.05 });
    }
  }
  const manifests = workloads.filter((w) => w.defined).map((w) => podYaml(w, Object.keys(w.labels).length > 0 && w.labels['app'] ? 'Deployment' : 'Pod'));
  // an existing policy whose name the generated ones must not take
  manifests.push(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: ${namespaces[0]!}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n`);
  const observedOnly = workloads.filter((w) => !w.defined).map((w) => podYaml(w, 'Pod'));
  const endpointOf = (w: GenWorkload): FlowEndpoint => ({
    type: 'workload',
    namespace: w.namespace,
    name: w.name,
    kind: w.defined ? undefined : 'Pod',
    // what an observer reports: the pod's labels, controller ones included
    labels: w.defined ? {} : { ...w.labels, ...(random() < 0.5 ? { 'pod-template-hash': `h${int(1000)}` } : {}) },
    endpointId: w.defined ? `${w.namespace}/${w.name}` : undefined,
  });
  const flows: AggregatedFlow[] = [];
  const seen = new Set<string>();
  const count = 8 + int(30);
  const apps = workloads.slice(1);
  for (let i = 0; i < count; i++) {
    const kind = random();
    let source: FlowEndpoint;
    let destination: FlowEndpoint;
    let protocol: Protocol;
    let port: number;
    if (kind < 0.15) {
      source = endpointOf(pick(apps));
      destination = endpointOf(workloads[0]!);
      protocol = pick(['UDP', 'TCP'] as const);
      port = 53;
    } else {
      [protocol, port] = pick(PORTS);
      const external = { type: 'external' as const, cidr: ((a) => `${a}/${a.includes(':') ? 128 : 32}`)(pick(EXTERNALS)) };
      if (kind < 0.3) {
        source = endpointOf(pick(apps));
        destination = external;
      } else if (kind < 0.4) {
        source = external;
        destination = endpointOf(pick(apps));
      } else {
        source = endpointOf(pick(apps));
        destination = endpointOf(pick(apps));
      }
    }
    const key = `${JSON.stringify([source.type === 'workload' ? source.name + source.namespace : source.cidr, destination.type === 'workload' ? destination.name + destination.namespace : destination.cidr])}${protocol}${port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const dropped = random() < 0.2;
    const forwarded = dropped ? 0 : 1 + int(500);
    const start = Date.UTC(2026, 11, 1, 10) + int(3600) * 1000;
    flows.push({ source, destination, protocol, port, forwarded, dropped: dropped ? 1 + int(20) : int(2), unknown: 0, firstSeen: start, lastSeen: start + int(3600) * 1000, examples: [] });
  }
  return { manifests: manifests.join('---\n'), observedOnly: observedOnly.join('---\n'), flows, workloads };
}

function sameEndpoint(e: FlowEndpoint, peer: ReferencePeer): boolean {
  if (e.type === 'external') return 'address' in peer && parseAddress(e.cidr.split('/')[0]!)?.value === peer.address.value && parseAddress(e.cidr.split('/')[0]!)?.family === peer.address.family;
  return 'workload' in peer && peer.workload.namespace === e.namespace && peer.workload.name === e.name;
}

describe('synthesis guarantees on random traffic', () => {
  it(`${RUNS} seeded runs`, () => {
    let admittedTotal = 0;
    let policiesTotal = 0;
    for (let seed = 1; seed <= RUNS; seed++) {
      const { manifests, observedOnly, flows } = generate(seed);
      const workspace = new WorkspaceAnalysis();
      workspace.update('manifests.yaml', manifests);
      const inventory = workspace.inventory();
      const result = synthesizePolicies(flows, inventory, DEFAULT_CONFIG);
      const options = { widenIPv4: 32, widenIPv6: 128, namespaces: undefined };
      const verified = verifySynthesis(flows, inventory, DEFAULT_CONFIG, result, options);
      const where = `seed ${seed}`;
      assert.deepEqual(verified.blocked.map((b) => b.reason), [], `${where}: every admitted flow is allowed`);
      assert.deepEqual(verified.unjustified, [], `${where}: nothing else is allowed`);
      assert.deepEqual(verified.apiErrors, [], `${where}: no API error`);
      assert.deepEqual(verified.guardrails.filter((g) => g.ruleId !== 'public-cidr'), [], `${where}: guardrails`);
      for (const ns of result.namespaces) {
        const names = ns.policies.map((p) => p.name);
        assert.equal(new Set(names).size, names.length, `${where}: unique names`);
        for (const p of inventory.policiesByNamespace.get(ns.namespace) ?? []) assert.ok(!names.includes(p.name), `${where}: ${p.name} is taken`);
      }
      const forwarded = flows.filter((f) => f.forwarded > 0).length;
      assert.equal(result.admitted + result.outside + result.uncovered.length, forwarded, `${where}: every forwarded flow is accounted for`);
      admittedTotal += result.admitted;
      policiesTotal += result.namespaces.reduce((n, ns) => n + ns.policies.length, 0);

      // the reference evaluator on the workloads (all of them) and the generated policies alone
      const reference = new WorkspaceAnalysis();
      reference.update('workloads.yaml', manifests.split('---\n').filter((d) => !d.includes('kind: NetworkPolicy')).join('---\n'));
      if (observedOnly) reference.update('observed.yaml', observedOnly);
      for (const ns of result.namespaces) reference.update(ns.fileName, ns.text);
      const refInventory = reference.inventory();
      const endpoints = workloadEndpoints(refInventory);
      const peers: ReferencePeer[] = [...endpoints.map((workload) => ({ workload })), ...EXTERNALS.map((a) => ({ address: parseAddress(a)! }))];
      const uncovered = new Set(result.uncovered.map((u) => u.flow));
      const peerOf = (e: FlowEndpoint): ReferencePeer => peers.find((p) => sameEndpoint(e, p))!;
      for (const flow of flows) {
        if (flow.forwarded <= 0 || uncovered.has(flow)) continue;
        if (flow.source.type === 'external' && flow.destination.type === 'external') continue;
        assert.ok(referenceAllows(refInventory, peerOf(flow.source), peerOf(flow.destination), flow.protocol, flow.port), `${where}: the reference allows ${JSON.stringify(flow)}`);
      }
      const policed = new Set(result.policed);
      const isPoliced = (p: ReferencePeer): boolean => 'workload' in p && policed.has(p.workload.namespace) && !p.workload.workload.hostNetwork;
      const justified = (s: ReferencePeer, d: ReferencePeer, protocol: Protocol, port: number): boolean =>
        flows.some((f) => f.forwarded > 0 && !uncovered.has(f) && f.protocol === protocol && f.port === port && sameEndpoint(f.source, s) && sameEndpoint(f.destination, d)) ||
        (isPoliced(s) && 'workload' in d && (d as { workload: WorkloadEndpoint }).workload.namespace === 'kube-system' && port === 53 && protocol !== 'SCTP');
      const ports: [Protocol, number][] = [...PORTS, ['UDP', 53], ['TCP', 53], ['TCP', 22]];
      for (const s of peers) {
        for (const d of peers) {
          if (s === d || (!isPoliced(s) && !isPoliced(d)) || ('address' in s && 'address' in d)) continue;
          for (const [protocol, port] of ports) {
            if (referenceAllows(refInventory, s, d, protocol, port)) {
              assert.ok(justified(s, d, protocol, port), `${where}: ${JSON.stringify('workload' in s ? s.workload.id : String(s.address.value))} -> ${JSON.stringify('workload' in d ? d.workload.id : String(d.address.value))} ${protocol} ${port} is allowed without a flow`);
            }
          }
        }
      }
    }
    // the runs exercised something
    assert.ok(admittedTotal > RUNS * 3, `admitted ${admittedTotal}`);
    assert.ok(policiesTotal > RUNS * 4, `policies ${policiesTotal}`);
  });
});
