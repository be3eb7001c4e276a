import assert from 'node:assert/strict';
import { join } from 'node:path';
import { WorkspaceAnalysis } from '../../server/src/core';
import { describe, it } from 'node:test';
import { externalRanges, formatAddress, parseAddress, rangeId, rangeIndexOf } from '../../server/src/core/reachability/addresses';
import { ReachabilityIndex } from '../../server/src/core/reachability/engine';
import { diffConnectivity } from '../../server/src/core/reachability/diff';
import { explainConnection, formatExplanation } from '../../server/src/core/reachability/explain';
import { policySummary } from '../../server/src/core/reachability/summary';
import {
  ALL_PORTS,
  NO_PORTS,
  PortSetTable,
  contains,
  formatPortSet,
  intersect,
  isAll,
  portRange,
  portSetToJson,
  subtract,
  union,
} from '../../server/src/core/reachability/portSet';
import { loadFolder } from './reachabilityUtil';

describe('reachability: port sets', () => {
  it('merges overlapping and adjacent ranges, per protocol', () => {
    const set = [portRange('TCP', 8080, 8090), portRange('TCP', 80), portRange('TCP', 81), portRange('TCP', 8085, 9000), portRange('UDP', 53)].reduce(union, NO_PORTS);
    assert.deepEqual(portSetToJson(set), { TCP: [[80, 81], [8080, 9000]], UDP: [[53, 53]] });
    assert.equal(formatPortSet(set), 'TCP 80-81, 8080-9000; UDP 53');
  });

  it('intersects, subtracts, and knows every port', () => {
    const a = union(portRange('TCP', 1, 100), portRange('TCP', 200, 300));
    assert.deepEqual(portSetToJson(intersect(a, portRange('TCP', 50, 250))), { TCP: [[50, 100], [200, 250]] });
    assert.deepEqual(portSetToJson(subtract(a, portRange('TCP', 50, 250))), { TCP: [[1, 49], [251, 300]] });
    assert.deepEqual(portSetToJson(subtract(ALL_PORTS, union(portRange('UDP', 1, 65535), portRange('SCTP', 1, 65535)))), { TCP: [[1, 65535]] });
    assert.ok(isAll(union(union(portRange('TCP', 1, 65535), portRange('UDP', 1, 65535)), portRange('SCTP', 1, 65535))));
    assert.ok(contains(a, 'TCP', 250) && !contains(a, 'TCP', 150) && !contains(a, 'UDP', 50));
    assert.deepEqual(portRange('TCP', 0, 70000), portRange('TCP', 1, 65535));
  });

  it('interns sets and memoises union and intersection', () => {
    const table = new PortSetTable();
    const tcp80 = table.intern(portRange('TCP', 80));
    assert.equal(table.intern(portRange('TCP', 80)), tcp80);
    const udp53 = table.intern(portRange('UDP', 53));
    const both = table.union(tcp80, udp53);
    assert.equal(formatPortSet(table.get(both)), 'TCP 80; UDP 53');
    assert.equal(table.intersect(both, tcp80), tcp80);
    assert.equal(table.intersect(tcp80, udp53), PortSetTable.NONE);
    assert.equal(table.union(PortSetTable.ALL, tcp80), PortSetTable.ALL);
  });
});

describe('reachability: addresses', () => {
  it('formats IPv6 as RFC 5952 (longest zero run compressed, single zero groups kept)', () => {
    const v6 = (text: string): string => formatAddress(parseAddress(text)!);
    assert.equal(v6('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
    assert.equal(v6('2001:0db8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
    assert.equal(v6('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1');
    assert.equal(v6('::'), '::');
    assert.equal(v6('fe80::'), 'fe80::');
    assert.equal(formatAddress(parseAddress('010.001.002.003')!), '10.1.2.3');
    assert.equal(parseAddress('10.0.0.0/8'), undefined);
    assert.equal(parseAddress('not-an-ip'), undefined);
  });

  it('cuts each family at every cidr and except bound and covers it whole', () => {
    const ranges = externalRanges(['10.0.0.0/8', '10.1.0.0/16', '0.0.0.0/0', '2001:db8::/32', 'bogus']);
    assert.deepEqual(ranges.map(rangeId), [
      '0.0.0.0-9.255.255.255',
      '10.0.0.0-10.0.255.255',
      '10.1.0.0-10.1.255.255',
      '10.2.0.0-10.255.255.255',
      '11.0.0.0-255.255.255.255',
      '::-2001:db7:ffff:ffff:ffff:ffff:ffff:ffff',
      '2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff',
      '2001:db9::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    ]);
    assert.equal(rangeIndexOf(ranges, parseAddress('10.1.255.255')!), 2);
    assert.equal(rangeIndexOf(ranges, parseAddress('255.255.255.255')!), 4);
    assert.equal(rangeIndexOf(ranges, parseAddress('::1')!), 5);
    assert.equal(rangeIndexOf(ranges, parseAddress('2001:db8:ffff::')!), 6);
  });
});

describe('reachability: explain', () => {
  const { inventory } = loadFolder(join(__dirname, '..', 'fixtures', 'reachability', 'named-ports-protocol'));
  const index = new ReachabilityIndex(inventory);
  const at = (id: string): number => index.find(id)!;

  it('names the isolating policy and the rule that allows, with its source', () => {
    const e = explainConnection(index, at('default/client'), at('default/server'));
    assert.equal(e.verdict, 'partially-allowed');
    assert.equal(formatPortSet(e.allowed), 'TCP 8080');
    assert.equal(e.egress.isolated, false);
    assert.deepEqual(
      e.ingress.isolatingPolicies.map((p) => p.name),
      ['server-from-client'],
    );
    assert.equal(e.ingress.allowingRules.length, 1);
    const rule = e.ingress.allowingRules[0]!;
    assert.deepEqual([rule.ruleIndex, rule.matchedPeers, formatPortSet(rule.ports), rule.source.file], [0, [0], 'TCP 8080', 'manifests.yaml']);
  });

  it('with a port: denied when the named port exists only for another protocol', () => {
    const e = explainConnection(index, at('default/client'), at('default/server'), { protocol: 'TCP', port: 53 });
    assert.equal(e.verdict, 'denied');
    assert.deepEqual(e.ingress.allowingRules, []);
    const text = formatExplanation(e, (s) => `${s.file}:${s.range.start}`);
    assert.match(text, /^Deployment default\/client -> Deployment default\/server on TCP 53: DENIED\n/);
    assert.match(text, /no rule of these policies allows traffic from default\/client on TCP 53/);
  });

  it('an external source is not subject to policies; two externals are not analysed', () => {
    const e = explainConnection(index, at('203.0.113.9'), at('default/client'));
    assert.equal(e.egress.subject, 'external');
    assert.equal(e.verdict, 'allowed');
    const both = explainConnection(index, at('203.0.113.9'), at('2001:db8::1'));
    assert.equal(both.verdict, 'denied');
    assert.match(formatExplanation(both, () => ''), /not analysed/);
  });
});

const fixture = (name: string): string => join(__dirname, '..', 'fixtures', 'reachability', name);

describe('reachability: policy summaries', () => {
  const summaries = (name: string): Record<string, string> => {
    const { inventory } = loadFolder(fixture(name));
    const index = new ReachabilityIndex(inventory);
    return Object.fromEntries(inventory.policies.map((p) => [p.name, policySummary(index, p)]));
  };

  it('says what a policy selects and allows, in plain language', () => {
    const s = summaries('namespace-and-pod-selectors');
    assert.equal(s['and-peer'], 'Selects 1 workload in prod: target. Ingress: TCP 80 from pods app=client in namespaces env=dev (1 workload).');
    assert.equal(
      s['or-peers'],
      'Selects 1 workload in prod: target. Ingress: TCP 443 from every pod in namespaces env=dev (2 workloads) or pods app=client in prod (1 workload).',
    );
    const both = summaries('both-directions');
    assert.equal(both['default-deny'], 'Selects every workload in app (2): back, front. Ingress: denied. Egress: denied.');
  });

  it('ipBlocks, policies that select nothing, [{}] and defaulted policyTypes', () => {
    assert.equal(summaries('ipblock-except')['web-ipblocks'], 'Selects 1 workload in default: web. Ingress: TCP 443 from addresses 10.0.0.0/8 except 10.1.0.0/16. Egress: all ports to addresses 0.0.0.0/0 except 10.0.0.0/8.');
    assert.equal(summaries('policy-selects-nothing')['selects-nothing'], 'Selects no workload in default (nothing matches app=nonexistent). Ingress: denied. Egress: denied.');
    const empty = summaries('empty-ingress-list');
    assert.equal(empty['open'], 'Selects 1 workload in default: open. Ingress: all ports from anywhere.');
    // egress: [] without policyTypes: only Ingress applies (defaults.go)
    assert.equal(empty['client-egress-empty'], 'Selects 1 workload in default: client. Ingress: denied.');
  });
});

describe('reachability: diff', () => {
  it('compares over common external ranges', () => {
    const before = loadFolder(join(__dirname, '..', 'fixtures', 'reachability-diff', 'before')).inventory;
    const after = loadFolder(join(__dirname, '..', 'fixtures', 'reachability-diff', 'after')).inventory;
    const diff = diffConnectivity(before, after);
    assert.deepEqual(
      diff.added.map((c) => `${c.src} -> ${c.dst}: ${formatPortSet(c.opened)}`),
      ['10.0.0.0-10.255.255.255 -> shop/api: TCP 8443; UDP 5000'],
    );
    assert.deepEqual(diff.removed, []);
    assert.deepEqual(
      diff.changed.map((c) => [c.src, c.dst, formatPortSet(c.opened), formatPortSet(c.closed)]),
      [['shop/web', 'shop/api', 'TCP 8443', 'TCP 8080']],
    );
    const none = diffConnectivity(after, after);
    assert.equal(none.added.length + none.removed.length + none.changed.length, 0);
  });
});

describe('reachability: endpoints', () => {
  const inventoryOf = (text: string) => {
    const workspace = new WorkspaceAnalysis();
    workspace.update('inline.yaml', text);
    return workspace.inventory();
  };

  it('names endpoints ns/Kind/name when two kinds share a name', () => {
    const index = new ReachabilityIndex(
      inventoryOf(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: a}
spec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: i}]}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web, namespace: a}
spec: {serviceName: web, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: i}]}}}
---
apiVersion: v1
kind: Pod
metadata: {name: other, namespace: a}
spec: {containers: [{name: c, image: i}]}
`),
    );
    assert.deepEqual(
      index.endpoints.filter((e) => e.type === 'workload').map((e) => e.id),
      ['a/other', 'a/Deployment/web', 'a/StatefulSet/web'],
    );
  });

  it('hostNetwork workloads are neither isolated nor matched by selectors', () => {
    const inventory = inventoryOf(`apiVersion: v1
kind: Pod
metadata: {name: agent, namespace: a, labels: {app: agent}}
spec: {hostNetwork: true, containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Pod
metadata: {name: app, namespace: a, labels: {app: app}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: a}
spec: {podSelector: {}, policyTypes: [Ingress, Egress], ingress: [{from: [{podSelector: {}}]}]}
`);
    const index = new ReachabilityIndex(inventory);
    const agent = index.find('a/agent')!;
    const app = index.find('a/app')!;
    assert.deepEqual([index.ingressPolicies[agent], index.egressPolicies[agent]], [[], []]);
    assert.equal(index.pairAllows(agent, app), PortSetTable.NONE, 'podSelector {} does not match the hostNetwork pod');
    assert.equal(index.pairAllows(app, agent), PortSetTable.NONE, 'app egress is isolated with no egress rule');
    assert.equal(index.pairAllows(agent, index.find('192.0.2.1')!), PortSetTable.ALL);
  });
});
