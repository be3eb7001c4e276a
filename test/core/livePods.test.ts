import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildInventory } from '../../server/src/core/inventory/buildInventory';
import { analyzeText } from '../../server/src/core/analyzer';
import { PodIndex } from '../../server/src/core/live/podIndex';
import { judge, nearMissText, requirementsOf } from '../../server/src/core/live/nearMiss';
import { selectNamespaces, selectPods, type LiveNamespace } from '../../server/src/core/live/liveSelection';
import { liveHoverLines, type LiveCluster } from '../../server/src/core/live/liveHover';
import { parseLabelSelector, selectorMatches, type LabelSelector } from '../../server/src/core/selectors/labelSelector';
import { seededRandom as createRng } from '../../bench/generateManifests';

/** The live-cluster part of selector hovers: matching over the pod index, near misses and their wording. */

function selector(value: unknown): LabelSelector {
  const parsed = parseLabelSelector(value);
  assert.ok(parsed);
  return parsed;
}

const pods = [
  { namespace: 'shop', name: 'api-1', labels: { app: 'api', tier: 'backend' } },
  { namespace: 'shop', name: 'api-2', labels: { app: 'api', tier: 'backend', canary: 'true' } },
  { namespace: 'shop', name: 'api-old', labels: { app: 'api', tier: 'web' } },
  { namespace: 'shop', name: 'frontend-1', labels: { app: 'frontend', tier: 'web' } },
  { namespace: 'shop', name: 'frontend-v2', labels: { app: 'frontend-v2', tier: 'web' } },
  { namespace: 'shop', name: 'nolabels', labels: {} },
  { namespace: 'other', name: 'api-x', labels: { app: 'api', tier: 'backend' } },
];
const index = new PodIndex(pods);

function namespaces(...list: [string, Record<string, string>][]): Map<string, LiveNamespace> {
  return new Map(list.map(([name, labels]) => [name, { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } }]));
}

describe('live pods: near misses', () => {
  it('matchLabels: the one label a pod gets wrong, or lacks', () => {
    const s = selectPods(index, ['shop'], selector({ matchLabels: { app: 'api', tier: 'backend' } }));
    assert.deepEqual(
      s.pods.map((m) => [m.pod.name, m.matched]),
      [
        ['api-1', ['app=api', 'tier=backend']],
        ['api-2', ['app=api', 'tier=backend']],
      ],
    );
    // frontend-1 fails both; nolabels fails both; other/api-x is in another namespace
    assert.deepEqual(s.nearMisses.map((n) => ({ id: n.id, text: n.text })), [{ id: 'shop/api-old', text: 'app=api but tier=web, not tier=backend' }]);
  });

  it('a one-label selector: near misses carry the key with another value', () => {
    const s = selectPods(index, ['shop'], selector({ matchLabels: { app: 'frontend' } }));
    assert.deepEqual(s.pods.map((m) => m.pod.name), ['frontend-1']);
    assert.deepEqual(
      s.nearMisses.map((n) => `${n.id}: ${n.text}`),
      ['shop/api-1: app=api, not app=frontend', 'shop/api-2: app=api, not app=frontend', 'shop/api-old: app=api, not app=frontend', 'shop/frontend-v2: app=frontend-v2, not app=frontend'],
    );
  });

  it('In, NotIn, Exists and DoesNotExist', () => {
    const s = selectPods(
      index,
      ['shop'],
      selector({
        matchLabels: { app: 'api' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['backend', 'db'] },
          { key: 'canary', operator: 'DoesNotExist' },
        ],
      }),
    );
    assert.deepEqual(s.pods.map((m) => m.pod.name), ['api-1']);
    assert.deepEqual(
      s.nearMisses.map((n) => `${n.id}: ${n.text}`),
      ['shop/api-2: app=api, tier=backend but canary=true, excluded by !canary (DoesNotExist)', 'shop/api-old: app=api but tier=web, not tier in (backend,db)'],
    );
    const notIn = selectPods(index, ['shop'], selector({ matchLabels: { tier: 'web' }, matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['frontend-v2', 'api'] }] }));
    assert.deepEqual(notIn.pods.map((m) => m.pod.name), ['frontend-1']);
    assert.deepEqual(
      notIn.nearMisses.map((n) => `${n.id}: ${n.text}`),
      ['shop/api-old: tier=web but app=api, excluded by app notin (frontend-v2,api)', 'shop/frontend-v2: tier=web but app=frontend-v2, excluded by app notin (frontend-v2,api)'],
    );
    const exists = selectPods(index, ['shop'], selector({ matchLabels: { app: 'api' }, matchExpressions: [{ key: 'canary', operator: 'Exists' }] }));
    assert.deepEqual(exists.pods.map((m) => m.pod.name), ['api-2']);
    assert.deepEqual(
      exists.nearMisses.map((n) => `${n.id}: ${n.text}`),
      ['shop/api-1: app=api but no canary label, required by canary (Exists)', 'shop/api-old: app=api but no canary label, required by canary (Exists)'],
    );
  });

  it('an empty selector matches every pod of the namespaces; an invalid one matches none', () => {
    assert.equal(selectPods(index, ['shop', 'other'], selector({})).pods.length, 7);
    assert.equal(selectPods(index, ['shop'], undefined).pods.length, 6);
    const invalid = selectPods(index, ['shop'], selector({ matchExpressions: [{ key: 'app', operator: 'In', values: [] }] }));
    assert.deepEqual([invalid.pods.length, invalid.nearMisses.length], [0, 0]);
  });

  it('namespace selectors: matched namespaces and the near misses among them', () => {
    const ns = namespaces(['shop', { team: 'shop', env: 'prod' }], ['shop-staging', { team: 'shop', env: 'staging' }], ['other', {}]);
    const s = selectNamespaces(ns, index, selector({ matchLabels: { team: 'shop', env: 'prod' } }));
    assert.deepEqual(s.namespaces, ['shop']);
    assert.deepEqual(s.nearMisses.map((n) => ({ id: n.id, text: n.text })), [{ id: 'shop-staging', text: 'team=shop but env=staging, not env=prod' }]);
    const byName = selectNamespaces(ns, index, selector({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['other', 'gone'] }] }));
    assert.deepEqual(byName.namespaces, ['other']);
    // every namespace carries its name label, so each of the others is a near miss of a name selector
    assert.deepEqual(byName.nearMisses.map((n) => n.id), ['shop', 'shop-staging']);
  });

  it('agrees with selectorMatches and with a scan of every pod, on random pods and selectors', () => {
    const rng = createRng(7);
    const keys = ['app', 'tier', 'team', 'canary'];
    const values = ['a', 'b', 'c'];
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
    const random: { namespace: string; name: string; labels: Record<string, string> }[] = [];
    for (let i = 0; i < 400; i++) {
      const labels: Record<string, string> = {};
      for (const k of keys) if (rng() < 0.6) labels[k] = pick(values);
      random.push({ namespace: pick(['n1', 'n2', 'n3']), name: `p${i}`, labels });
    }
    const randomIndex = new PodIndex(random);
    const operators = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
    for (let round = 0; round < 300; round++) {
      const matchLabels: Record<string, string> = {};
      const matchExpressions: { key: string; operator: string; values?: string[] }[] = [];
      const n = 1 + Math.floor(rng() * 3);
      for (let j = 0; j < n; j++) {
        if (rng() < 0.4) matchLabels[pick(keys)] = pick(values);
        else {
          const operator = pick(operators);
          matchExpressions.push({ key: pick(keys), operator, ...(operator === 'In' || operator === 'NotIn' ? { values: [pick(values), pick(values)] } : {}) });
        }
      }
      const sel = selector({ matchLabels, matchExpressions });
      const requirements = requirementsOf(sel);
      const got = selectPods(randomIndex, ['n1', 'n3'], sel);
      const inScope = random.filter((p) => p.namespace === 'n1' || p.namespace === 'n3').sort((a, b) => a.namespace.localeCompare(b.namespace) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      assert.deepEqual(
        got.pods.map((m) => m.pod.name),
        inScope.filter((p) => selectorMatches(sel, p.labels)).map((p) => p.name),
        JSON.stringify(sel),
      );
      const scanNear = inScope.flatMap((p) => {
        const v = judge(requirements, p.labels);
        return v.kind === 'near' ? [`${p.namespace}/${p.name}: ${nearMissText(requirements, p.labels, v.failed)}`] : [];
      });
      assert.deepEqual(got.nearMisses.map((m) => `${m.id}: ${m.text}`), scanNear, JSON.stringify(sel));
    }
  });
});

function live(overrides: Partial<LiveCluster> = {}): LiveCluster {
  return {
    context: 'prod',
    connection: 'connected',
    pods: 'synced',
    namespaces: 'synced',
    index,
    namespaceLabels: namespaces(['shop', { team: 'shop' }], ['other', { team: 'other' }]),
    ...overrides,
  };
}

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: api
      tier: backend
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              team: shop
          podSelector:
            matchLabels:
              app: frontend
`;

function policy() {
  const inventory = buildInventory([{ file: 'p.yaml', objects: analyzeText(POLICY).objects }]);
  const p = inventory.policies[0];
  assert.ok(p);
  return p;
}

describe('live pods: the hover text', () => {
  it('counts, lists and gives near misses for a policy', () => {
    assert.deepEqual(liveHoverLines(live(), { kind: 'policy', policy: policy() }), [
      '**In the cluster (context prod)**',
      '',
      '2 pods match in namespace shop:',
      '',
      '- shop/api-1 (app=api, tier=backend)',
      '- shop/api-2 (app=api, tier=backend)',
      '',
      'Near misses (pods that meet every requirement but one):',
      '',
      '- shop/api-old: app=api but tier=web, not tier=backend',
    ]);
  });

  it("a peer: its namespaces, then its pods in them; 'and N more' past the cap", () => {
    const p = policy();
    const peer = p.ingress[0]!.peers[0]!;
    assert.deepEqual(liveHoverLines(live(), { kind: 'peer', policy: p, peer, which: 'namespaceSelector' }), [
      '**In the cluster (context prod)**',
      '',
      '1 namespace matches team=shop: shop.',
      '',
      'Near misses (namespaces that meet every requirement but one):',
      '',
      '- other: team=other, not team=shop',
      '',
      '1 pod matches in namespace shop:',
      '',
      '- shop/frontend-1 (app=frontend)',
      '',
      'Near misses (pods that meet every requirement but one):',
      '',
      '- shop/api-1: app=api, not app=frontend',
      '- shop/api-2: app=api, not app=frontend',
      '- shop/api-old: app=api, not app=frontend',
      '- shop/frontend-v2: app=frontend-v2, not app=frontend',
    ]);
    const many = new PodIndex(Array.from({ length: 13 }, (_, i) => ({ namespace: 'shop', name: `fe-${String(i).padStart(2, '0')}`, labels: { app: 'frontend' } })));
    const lines = liveHoverLines(live({ index: many }), { kind: 'peer', policy: p, peer, which: 'podSelector' });
    assert.deepEqual(lines.slice(2), ['13 pods match in namespace shop:', '', ...Array.from({ length: 10 }, (_, i) => `- shop/fe-${String(i).padStart(2, '0')} (app=frontend)`), '- and 3 more']);
  });

  it('says when pods are loading, denied or stale', () => {
    const p = policy();
    assert.deepEqual(liveHoverLines(live({ pods: 'loading', connection: 'connecting' }), { kind: 'policy', policy: p }), [
      '**In the cluster (context prod)**',
      '',
      '_Still loading pods from the API server; hover again in a moment._',
    ]);
    assert.deepEqual(liveHoverLines(live({ pods: 'denied', podsDenial: 'No access to Pod objects: missing permission "list" on pods' }), { kind: 'policy', policy: p }), [
      '**In the cluster (context prod)**',
      '',
      '_Pods are not shown: No access to Pod objects: missing permission "list" on pods._',
    ]);
    const stale = liveHoverLines(live({ pods: 'stale', connection: 'unreachable', staleReason: 'connect ECONNREFUSED 127.0.0.1:6443', lastSyncAt: Date.UTC(2026, 0, 2, 10, 20, 30) }), { kind: 'policy', policy: p });
    assert.equal(stale[2], '_Stale: the API server is unreachable (reconnecting): connect ECONNREFUSED 127.0.0.1:6443; pods as last seen at 10:20:30 UTC._');
    assert.equal(stale[4], '2 pods match in namespace shop:');
    assert.deepEqual(liveHoverLines(undefined, { kind: 'policy', policy: p }), []);
  });
});
