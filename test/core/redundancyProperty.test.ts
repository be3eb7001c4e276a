import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../bench/generateManifests';
import { WorkspaceAnalysis, type Inventory, type NetworkPolicyInfo } from '../../server/src/core';
import { ipBlockCidrs } from '../../server/src/core/reachability/addresses';
import { ReachabilityIndex, computeConnectivity } from '../../server/src/core/reachability/engine';
import { formatPortSet, portSetKey } from '../../server/src/core/reachability/portSet';
import { redundancyOf } from '../../server/src/core/rules/redundancy';

/**
 * redundant-rule and redundant-policy never report something that matters: on random namespaces
 * of policies drawn from a small pool of selectors, peers and ports (so that rules often repeat or
 * contain one another), removing every reported rule and policy at once leaves the connectivity
 * map unchanged, pair by pair and port by port, for several random sets of workloads (the rules
 * claim redundancy for any pods, not only the workspace's). Seeded: a failure names its seed.
 */

const RUNS = 100;
const WORKLOAD_SETS = 3;

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

const NAMESPACES = ['a', 'b'];
const POD_SELECTORS: readonly Json[] = [
  {},
  { matchLabels: { app: 'web' } }, { matchLabels: { app: 'web', tier: 'fe' } }, { matchLabels: { tier: 'fe' } }, { matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe'] }] }, { matchExpressions: [{ key: 'app', operator: 'Exists' }] },
  { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['be'] }] },
  { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] },
];
const NAMESPACE_SELECTORS: readonly (Json | undefined)[] = [undefined, {}, { matchLabels: { team: 'x' } }, { matchLabels: { 'kubernetes.io/metadata.name': 'a' } }, { matchLabels: { 'kubernetes.io/metadata.name': 'b', team: 'x' } }];
const IP_BLOCKS: readonly Json[] = [{ cidr: '10.0.0.0/8' }, { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }, { cidr: '10.1.0.0/16' }, { cidr: '10.1.2.0/24' }, { cidr: '10.2.0.0/16' }, { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] }];
const PORTS: readonly Json[] = [
  { protocol: 'TCP', port: 80 },
  { protocol: 'TCP', port: 80, endPort: 90 },
  { protocol: 'TCP', port: 85, endPort: 100 },
  { protocol: 'UDP', port: 53 },
  { protocol: 'UDP' },
  { protocol: 'TCP', port: 'http' },
  { protocol: 'UDP', port: 'http' },
];

function peer(g: Gen): Json {
  if (g.chance(0.25)) return { ipBlock: g.pick(IP_BLOCKS) };
  const namespaceSelector = g.pick(NAMESPACE_SELECTORS);
  const out: Json = namespaceSelector === undefined ? {} : { namespaceSelector };
  if (namespaceSelector === undefined || g.chance(0.6)) out['podSelector'] = g.pick(POD_SELECTORS);
  return out;
}

function rules(g: Gen, peersKey: 'from' | 'to'): Json[] {
  return Array.from({ length: 1 + g.int(4) }, () => {
    const rule: Json = {};
    if (g.chance(0.85)) rule[peersKey] = Array.from({ length: 1 + g.int(2) }, () => peer(g));
    if (g.chance(0.75)) rule['ports'] = Array.from({ length: 1 + g.int(2) }, () => g.pick(PORTS));
    return rule;
  });
}

function policiesText(g: Gen): string {
  const docs: Json[] = [];
  const count = 2 + g.int(5);
  for (let i = 0; i < count; i++) {
    const types = g.pick([['Ingress'], ['Egress'], ['Ingress', 'Egress']]);
    const spec: Json = { podSelector: g.pick(POD_SELECTORS), policyTypes: types };
    if (types.includes('Ingress') && g.chance(0.8)) spec['ingress'] = rules(g, 'from');
    if (types.includes('Egress') && g.chance(0.8)) spec['egress'] = rules(g, 'to');
    docs.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `p${i}`, namespace: g.pick(NAMESPACES) }, spec });
  }
  return docs.map((d) => JSON.stringify(d)).join('\n---\n');
}

function workloadsText(g: Gen): string {
  const docs: Json[] = NAMESPACES.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: g.chance(0.5) ? { team: 'x' } : {} } }));
  const count = 2 + g.int(6);
  for (let i = 0; i < count; i++) {
    const labels: Record<string, string> = {};
    if (g.chance(0.7)) labels['app'] = g.pick(['web', 'db']);
    if (g.chance(0.5)) labels['tier'] = g.pick(['fe', 'be']);
    const ports = g.chance(0.5) ? [{ name: 'http', containerPort: g.pick([80, 8080, 53]), protocol: g.pick(['TCP', 'UDP']) }] : [];
    docs.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `w${i}`, namespace: g.pick(NAMESPACES), labels }, spec: { containers: [{ name: 'c', image: 'i', ports }] } });
  }
  return docs.map((d) => JSON.stringify(d)).join('\n---\n');
}

/** The inventory without the reported policies and rules. */
function withoutRedundant(inventory: Inventory): { inventory: Inventory; rules: number; policies: number } {
  const removedPolicies = new Set<NetworkPolicyInfo>();
  const removedRules = new Map<NetworkPolicyInfo, Set<string>>();
  let rules = 0;
  for (const list of inventory.policiesByNamespace.values()) {
    const redundancy = redundancyOf(list);
    for (const p of redundancy.policies) removedPolicies.add(p.policy);
    for (const r of redundancy.rules) {
      const set = removedRules.get(r.policy) ?? new Set<string>();
      set.add(`${r.direction}/${r.index}`);
      removedRules.set(r.policy, set);
      rules++;
    }
  }
  const policies = inventory.policies
    .filter((p) => !removedPolicies.has(p))
    .map((p) => {
      const removed = removedRules.get(p);
      if (!removed) return p;
      return { ...p, ingress: p.ingress.filter((_, i) => !removed.has(`ingress/${i}`)), egress: p.egress.filter((_, i) => !removed.has(`egress/${i}`)) };
    });
  return { inventory: { ...inventory, policies }, rules, policies: removedPolicies.size };
}

describe('redundancy: removing what is reported changes no connection', () => {
  it(`on ${RUNS} random namespaces of policies, each with ${WORKLOAD_SETS} sets of workloads`, () => {
    let rulesReported = 0;
    let policiesReported = 0;
    let pairs = 0;
    for (let seed = 1; seed <= RUNS; seed++) {
      const g = new Gen(seededRandom(seed));
      const policies = policiesText(g);
      for (let set = 0; set < WORKLOAD_SETS; set++) {
        const workspace = new WorkspaceAnalysis();
        workspace.update('policies.yaml', policies);
        workspace.update('workloads.yaml', workloadsText(g));
        const apiErrors = [...workspace.findings().values()].flat().filter((f) => f.ruleId.startsWith('api-'));
        assert.deepEqual(apiErrors, [], `seed ${seed}: the generated policies are valid`);
        const inventory = workspace.inventory();
        const reduced = withoutRedundant(inventory);
        if (set === 0) {
          rulesReported += reduced.rules;
          policiesReported += reduced.policies;
        }
        const cidrs = ipBlockCidrs(inventory.policies);
        const before = new ReachabilityIndex(inventory, undefined, cidrs);
        const after = new ReachabilityIndex(reduced.inventory, undefined, cidrs);
        assert.deepEqual(after.endpoints.map((e) => e.id), before.endpoints.map((e) => e.id));
        const a = computeConnectivity(before);
        const b = computeConnectivity(after);
        for (let s = 0; s < before.size; s++) {
          for (let d = 0; d < before.size; d++) {
            const x = before.portSet(a.get(s, d));
            const y = after.portSet(b.get(s, d));
            assert.equal(portSetKey(y), portSetKey(x), `seed ${seed}, workloads ${set}: ${before.endpoint(s).id} -> ${before.endpoint(d).id}: ${formatPortSet(x)} before, ${formatPortSet(y)} after`);
            pairs++;
          }
        }
      }
    }
    // the generator must make the rules fire often enough to mean something
    assert.ok(rulesReported > RUNS / 2, `${rulesReported} redundant rules`);
    assert.ok(policiesReported > RUNS / 10, `${policiesReported} redundant policies`);
    assert.ok(pairs > RUNS * 20, `${pairs} pairs`);
  });
});
