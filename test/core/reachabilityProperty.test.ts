import { seededRandom } from '../../bench/generateManifests';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkspaceAnalysis } from '../../server/src/core';
import { formatAddress, type Address } from '../../server/src/core/reachability/addresses';
import { ReachabilityIndex, computeConnectivity } from '../../server/src/core/reachability/engine';
import type { Endpoint } from '../../server/src/core/reachability/endpoints';
import { PROTOCOLS, contains, formatPortSet, portSetKey } from '../../server/src/core/reachability/portSet';
import { referenceAllowed, referenceAllows, type ReferencePeer } from '../../server/src/core/reachability/reference';
import { cidrRange } from '../../server/src/core/selectors/ipRanges';

/**
 * The engine (indexes, memoised selectors, address ranges, interned port sets) against the
 * straightforward evaluator, on random small inventories: every ordered pair, external addresses
 * sampled inside every range (its bounds and a random address), and single connections on sampled
 * ports. Seeded: a failure names its seed and is reproducible.
 */

const RUNS = 200;


type Json = Record<string, unknown>;

class Gen {
  constructor(readonly random: () => number) {}
  int(n: number): number {
    return Math.floor(this.random() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
}

const LABELS: Readonly<Record<string, readonly string[]>> = { app: ['w1', 'w2', 'w3'], tier: ['fe', 'be'], env: ['p', 'd'] };
const NS_LABELS: Readonly<Record<string, readonly string[]>> = { team: ['x', 'y'], env: ['p', 'd'] };
const NAMESPACES = ['a', 'b', 'c'];
const PORT_NAMES = ['http', 'dns', 'metrics'];
const PORT_NUMBERS = [53, 80, 443, 8080, 9000];
const CIDRS = ['0.0.0.0/0', '10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '10.1.2.128/25', '172.16.0.0/12', '192.168.0.0/16', '::/0', '2001:db8::/32', '2001:db8:1::/48', 'fd00::/8'];

function labels(g: Gen, pool: Readonly<Record<string, readonly string[]>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, values] of Object.entries(pool)) if (g.chance(0.5)) out[k] = g.pick(values);
  return out;
}

function selector(g: Gen, pool: Readonly<Record<string, readonly string[]>>): Json {
  const out: Json = {};
  if (g.chance(0.5)) {
    const key = g.pick(Object.keys(pool));
    out['matchLabels'] = { [key]: g.pick(pool[key]!) };
  }
  if (g.chance(0.4)) {
    const key = g.pick(Object.keys(pool));
    const operator = g.pick(['In', 'NotIn', 'Exists', 'DoesNotExist']);
    out['matchExpressions'] = [operator === 'In' || operator === 'NotIn' ? { key, operator, values: [g.pick(pool[key]!)] } : { key, operator }];
  }
  return out;
}

function peer(g: Gen): Json {
  const shape = g.int(4);
  if (shape === 0) {
    const cidr = g.pick(CIDRS);
    const outer = cidrRange(cidr)!;
    const inside = CIDRS.filter((c) => {
      const r = cidrRange(c)!;
      return r.family === outer.family && r.start >= outer.start && r.end <= outer.end && r.end - r.start < outer.end - outer.start;
    });
    return { ipBlock: { cidr, ...(inside.length > 0 && g.chance(0.5) ? { except: [g.pick(inside)] } : {}) } };
  }
  const out: Json = {};
  if (shape !== 2) out['podSelector'] = selector(g, LABELS);
  if (shape !== 1) out['namespaceSelector'] = selector(g, NS_LABELS);
  return out;
}

function port(g: Gen): Json {
  const out: Json = {};
  if (g.chance(0.6)) out['protocol'] = g.pick(PROTOCOLS);
  const shape = g.int(4);
  if (shape === 1) out['port'] = g.pick(PORT_NUMBERS);
  if (shape === 2) {
    const start = g.pick(PORT_NUMBERS);
    out['port'] = start;
    out['endPort'] = start + g.int(600);
  }
  if (shape === 3) out['port'] = g.pick(PORT_NAMES);
  return out;
}

function rules(g: Gen, peersKey: 'from' | 'to'): Json[] {
  return Array.from({ length: g.int(3) }, () => {
    const rule: Json = {};
    if (g.chance(0.7)) rule[peersKey] = Array.from({ length: 1 + g.int(2) }, () => peer(g));
    if (g.chance(0.6)) rule['ports'] = Array.from({ length: 1 + g.int(2) }, () => port(g));
    return rule;
  });
}

function inventoryText(g: Gen): string {
  const docs: Json[] = [];
  for (const name of NAMESPACES) docs.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: labels(g, NS_LABELS) } });
  const workloads = 2 + g.int(5);
  for (let i = 0; i < workloads; i++) {
    const names = [...PORT_NAMES].sort(() => g.random() - 0.5).slice(0, g.int(3));
    const podSpec: Json = {
      containers: [{ name: 'c', image: 'i', ports: names.map((n) => ({ name: n, containerPort: g.pick(PORT_NUMBERS), protocol: g.pick(PROTOCOLS) })) }],
      ...(g.chance(0.1) ? { hostNetwork: true } : {}),
    };
    const podLabels = labels(g, LABELS);
    const metadata = { name: `w${i}`, namespace: g.pick(NAMESPACES) };
    docs.push(
      g.chance(0.3)
        ? { apiVersion: 'v1', kind: 'Pod', metadata: { ...metadata, labels: podLabels }, spec: podSpec }
        : { apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec: { selector: { matchLabels: podLabels }, template: { metadata: { labels: podLabels }, spec: podSpec } } },
    );
  }
  const policies = g.int(6);
  for (let i = 0; i < policies; i++) {
    const spec: Json = { podSelector: selector(g, LABELS) };
    const types = g.int(4);
    if (types === 1) spec['policyTypes'] = ['Ingress'];
    if (types === 2) spec['policyTypes'] = ['Egress'];
    if (types === 3) spec['policyTypes'] = ['Ingress', 'Egress'];
    if (g.chance(0.7)) spec['ingress'] = rules(g, 'from');
    if (g.chance(0.6)) spec['egress'] = rules(g, 'to');
    docs.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `p${i}`, namespace: g.pick(NAMESPACES) }, spec });
  }
  return docs.map((d) => JSON.stringify(d)).join('\n---\n');
}

function randomBigInt(g: Gen, span: bigint): bigint {
  let v = 0n;
  for (let i = 0; i < 5; i++) v = (v << 32n) | BigInt(Math.floor(g.random() * 2 ** 32));
  return v % span;
}

describe('reachability: engine agrees with the straightforward evaluator', () => {
  it(`on ${RUNS} random inventories`, () => {
    let pairs = 0;
    let policiesSeen = 0;
    let allowedSome = 0;
    for (let seed = 1; seed <= RUNS; seed++) {
      const g = new Gen(seededRandom(seed));
      const workspace = new WorkspaceAnalysis();
      workspace.update('random.yaml', inventoryText(g));
      const inventory = workspace.inventory();
      policiesSeen += inventory.policies.length;
      const index = new ReachabilityIndex(inventory);
      const map = computeConnectivity(index);
      const peers: { endpoint: number; peer: ReferencePeer }[] = [];
      index.endpoints.forEach((e: Endpoint, i) => {
        if (e.type === 'workload') {
          peers.push({ endpoint: i, peer: { workload: e } });
          return;
        }
        const span = e.range.end - e.range.start + 1n;
        for (const value of [e.range.start, e.range.end, e.range.start + randomBigInt(g, span)]) {
          const address: Address = { family: e.range.family, value };
          assert.equal(index.find(formatAddress(address)), i, `seed ${seed}: ${formatAddress(address)} in ${e.id}`);
          peers.push({ endpoint: i, peer: { address } });
        }
      });
      for (const s of peers) {
        for (const d of peers) {
          if (s.endpoint === d.endpoint) continue;
          const engine = index.portSet(map.get(s.endpoint, d.endpoint));
          const reference = referenceAllowed(inventory, s.peer, d.peer);
          const what = `seed ${seed}: ${index.endpoint(s.endpoint).id} -> ${index.endpoint(d.endpoint).id}`;
          assert.equal(portSetKey(engine), portSetKey(reference), `${what}: engine ${formatPortSet(engine)}, reference ${formatPortSet(reference)}`);
          assert.equal(portSetKey(index.portSet(index.pairAllows(s.endpoint, d.endpoint))), portSetKey(engine), `${what}: single pair`);
          for (let k = 0; k < 3; k++) {
            const protocol = g.pick(PROTOCOLS);
            const number = g.chance(0.7) ? g.pick(PORT_NUMBERS) + g.int(2) : 1 + g.int(65535);
            assert.equal(contains(engine, protocol, number), referenceAllows(inventory, s.peer, d.peer, protocol, number), `${what}: ${protocol} ${number}`);
          }
          pairs++;
          if (engine.TCP.length + engine.UDP.length + engine.SCTP.length > 0) allowedSome++;
        }
      }
    }
    // the generator must exercise the engine: policies applied, pairs both allowed and denied
    assert.ok(policiesSeen > RUNS, `policies: ${policiesSeen}`);
    assert.ok(allowedSome > pairs / 10 && allowedSome < pairs, `allowed ${allowedSome} of ${pairs}`);
  });
});
