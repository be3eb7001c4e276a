import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkspaceAnalysis } from '../../server/src/core';
import { FlowAggregator, FlowLineParser, describeFlow, parseJsonFlowLine, podOwner, splitCsvLine, type LineOutcome } from '../../server/src/core/flows';

function hubble(flow: Record<string, unknown>, wrapped = true): string {
  return JSON.stringify(wrapped ? { flow, node_name: 'kind-worker', time: flow['time'] } : flow);
}

const WEB_TO_API = {
  time: '2026-12-01T10:00:00.123456789Z',
  verdict: 'FORWARDED',
  IP: { source: '10.244.1.5', destination: '10.244.2.7', ipVersion: 'IPv4' },
  l4: { TCP: { source_port: 43512, destination_port: 8080, flags: { SYN: true } } },
  source: {
    ID: 1234,
    identity: 5678,
    namespace: 'shop',
    labels: ['k8s:app=web', 'k8s:io.kubernetes.pod.namespace=shop', 'k8s:io.cilium.k8s.policy.serviceaccount=web', 'k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=shop'],
    pod_name: 'web-7d4b9c8f6-x2x9z',
    workloads: [{ name: 'web', kind: 'Deployment' }],
  },
  destination: { ID: 99, identity: 4321, namespace: 'shop', labels: ['k8s:app=api', 'k8s:tier=backend'], pod_name: 'api-5f6d8b7c9d-q4w8z' },
  Type: 'L3_L4',
  node_name: 'kind-worker',
  traffic_direction: 'EGRESS',
  is_reply: false,
  Summary: 'TCP Flags: SYN',
};

function record(outcome: LineOutcome): Extract<LineOutcome, { kind: 'record' }>['record'] {
  if (outcome.kind !== 'record') assert.fail(JSON.stringify(outcome));
  return outcome.record;
}

describe('flows: Hubble lines', () => {
  it('reads the wrapped and the bare flow, with pod labels only (Cilium and reserved labels dropped)', () => {
    for (const line of [hubble(WEB_TO_API), hubble(WEB_TO_API, false)]) {
      const r = record(parseJsonFlowLine(line));
      assert.deepEqual(r.source, { type: 'pod', namespace: 'shop', podName: 'web-7d4b9c8f6-x2x9z', workload: { kind: 'Deployment', name: 'web' }, labels: { app: 'web' }, ip: '10.244.1.5' });
      assert.deepEqual(r.destination, { type: 'pod', namespace: 'shop', podName: 'api-5f6d8b7c9d-q4w8z', workload: undefined, labels: { app: 'api', tier: 'backend' }, ip: '10.244.2.7' });
      assert.equal(r.protocol, 'TCP');
      assert.equal(r.port, 8080);
      assert.equal(r.verdict, 'forwarded');
      assert.equal(r.direction, 'egress');
      assert.equal(r.firstSeen, Date.UTC(2026, 11, 1, 10, 0, 0, 123));
    }
  });

  it('reads lowerCamelCase JSON names as well as proto names', () => {
    const camel = { ...WEB_TO_API, l4: { UDP: { sourcePort: 5353, destinationPort: 53 } }, trafficDirection: 'INGRESS', traffic_direction: undefined, isReply: false };
    const r = record(parseJsonFlowLine(JSON.stringify(camel)));
    assert.equal(r.protocol, 'UDP');
    assert.equal(r.port, 53);
    assert.equal(r.direction, 'ingress');
  });

  it('skips replies, ICMP and responses that are not flows; maps the world and the host to addresses', () => {
    assert.deepEqual(parseJsonFlowLine(hubble({ ...WEB_TO_API, is_reply: true })), { kind: 'skipped', reason: 'reply' });
    assert.deepEqual(parseJsonFlowLine(hubble({ ...WEB_TO_API, l4: { ICMPv4: { type: 8 } } })), { kind: 'skipped', reason: 'not-l4' });
    assert.deepEqual(parseJsonFlowLine(JSON.stringify({ node_status: { state: 'NODE_CONNECTED' }, node_name: 'n1' })), { kind: 'skipped', reason: 'not-a-flow' });
    const world = record(parseJsonFlowLine(hubble({ ...WEB_TO_API, source: { identity: 2, labels: ['reserved:world'] }, IP: { source: '203.0.113.50', destination: '10.244.2.7' } })));
    assert.deepEqual(world.source, { type: 'external', ip: '203.0.113.50' });
    const host = record(parseJsonFlowLine(hubble({ ...WEB_TO_API, source: { identity: 1, labels: ['reserved:host'] }, IP: { source: '172.18.0.2', destination: '10.244.2.7' } })));
    assert.deepEqual(host.source, { type: 'external', ip: '172.18.0.2' });
  });

  it('counts only policy drops as dropped', () => {
    assert.equal(record(parseJsonFlowLine(hubble({ ...WEB_TO_API, verdict: 'DROPPED', drop_reason_desc: 'POLICY_DENIED' }))).verdict, 'dropped');
    assert.equal(record(parseJsonFlowLine(hubble({ ...WEB_TO_API, verdict: 'DROPPED', drop_reason_desc: 'STALE_OR_UNROUTABLE_IP' }))).verdict, 'unknown');
    assert.equal(record(parseJsonFlowLine(hubble({ ...WEB_TO_API, verdict: 'AUDIT' }))).verdict, 'forwarded');
  });

  it('reports broken lines with a message, never throws', () => {
    const cases: [string, RegExp][] = [
      ['{"flow": {"source": ', /^not JSON/],
      ['[1,2]', /JSON object/],
      [hubble({ ...WEB_TO_API, l4: { TCP: { destination_port: 0 } } }), /destination_port/],
      [hubble({ ...WEB_TO_API, l4: { TCP: { destination_port: '80' } } }), /destination_port/],
      [hubble({ ...WEB_TO_API, source: { identity: 2, labels: ['reserved:world'] }, IP: {} }), /^source: .*without an IP address/],
      [hubble({ ...WEB_TO_API, time: 'yesterday' }), /time/],
    ];
    for (const [line, message] of cases) {
      const outcome = parseJsonFlowLine(line);
      assert.equal(outcome.kind, 'malformed', line);
      assert.match((outcome as { message: string }).message, message);
    }
  });
});

describe('flows: the generic format', () => {
  it('reads JSON lines with text and object endpoints', () => {
    const r = record(parseJsonFlowLine(JSON.stringify({ source: 'shop/web', destination: { namespace: 'data', workload: 'db', kind: 'StatefulSet', labels: { app: 'db' } }, protocol: 'TCP', port: 5432, count: 12, first_seen: '2026-12-01T10:00:00Z', last_seen: 1796126400 })));
    assert.deepEqual(r.source, { type: 'pod', namespace: 'shop', podName: undefined, workload: { kind: undefined, name: 'web' }, labels: {}, ip: undefined });
    assert.deepEqual(r.destination, { type: 'pod', namespace: 'data', podName: undefined, workload: { kind: 'StatefulSet', name: 'db' }, labels: { app: 'db' }, ip: undefined });
    assert.equal(r.count, 12);
    assert.equal(r.firstSeen, Date.UTC(2026, 11, 1, 10));
    assert.equal(r.lastSeen, 1796126400 * 1000);
    assert.equal(r.verdict, 'forwarded');
  });

  it('reads CSV with a header in any column order, quotes, labels and CRLF', () => {
    const parser = new FlowLineParser('flows.csv');
    assert.deepEqual(parser.line('\ufeffport,source,destination,protocol,count,verdict,source_labels,extra\r'), { kind: 'header' });
    const r = record(parser.line('443,"shop/Deployment/web",2001:DB8::10,tcp,3,dropped,"app=web;tier=front",x\r'));
    assert.deepEqual(r.source, { type: 'pod', namespace: 'shop', podName: undefined, workload: { kind: 'Deployment', name: 'web' }, labels: { app: 'web', tier: 'front' }, ip: undefined });
    assert.deepEqual(r.destination, { type: 'external', ip: '2001:DB8::10' });
    assert.equal(r.verdict, 'dropped');
    assert.deepEqual(parser.line('80,shop/web,shop/api,ICMP,1,,,'), { kind: 'skipped', reason: 'not-l4' });
    assert.match((parser.line('99999,shop/web,shop/api,TCP,1,,,') as { message: string }).message, /port/);
    assert.match((parser.line('80,shop/web,shop/api,TCP,-2,,,') as { message: string }).message, /count/);
    assert.match((parser.line('80,shop/web,"shop/api,TCP') as { message: string }).message, /quotes/);
    assert.deepEqual(splitCsvLine('a,"b ""c"", d",e'), ['a', 'b "c", d', 'e']);
  });

  it('reports a header without the required columns on every line', () => {
    const parser = new FlowLineParser('flows.csv');
    assert.match((parser.line('from,to,port') as { message: string }).message, /lacks source, destination/);
    assert.match((parser.line('shop/a,shop/b,80') as { message: string }).message, /no usable header/);
  });
});

describe('flows: pod owners', () => {
  it('finds the controller by naming and labels', () => {
    assert.deepEqual(podOwner('web-7d4b9c8f6-x2x9z', {}), { kind: 'Deployment', name: 'web' });
    assert.deepEqual(podOwner('checkout-api-5c9f7d6b48-7xkq2', { 'pod-template-hash': '5c9f7d6b48' }), { kind: 'Deployment', name: 'checkout-api' });
    assert.deepEqual(podOwner('orders-db-0', {}), { kind: 'StatefulSet', name: 'orders-db' });
    assert.deepEqual(podOwner('node-exporter-8xq7z', { 'controller-revision-hash': '6d5f', 'pod-template-generation': '1' }), { kind: 'DaemonSet', name: 'node-exporter' });
    assert.deepEqual(podOwner('node-exporter-8xq7z', {}), { kind: undefined, name: 'node-exporter' });
    assert.deepEqual(podOwner('report-29384715-5wz2k', {}), { kind: 'CronJob', name: 'report' });
    assert.deepEqual(podOwner('migrate-x7z2k', { 'batch.kubernetes.io/job-name': 'migrate' }), { kind: 'Job', name: 'migrate' });
    // vowels and 0, 1, 3 never appear in generated suffixes: a plain name stays a Pod
    assert.equal(podOwner('debug-shell', {}), undefined);
    assert.equal(podOwner('toolbox', {}), undefined);
  });
});

const MANIFESTS = `apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: web }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api, tier: backend } }
    spec: { containers: [{ name: api, image: api }] }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: shop }
spec:
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec: { containers: [{ name: db, image: db }] }
`;

function inventory(): WorkspaceAnalysis {
  const workspace = new WorkspaceAnalysis();
  workspace.update('app.yaml', MANIFESTS);
  return workspace;
}

describe('flows: aggregation', () => {
  it('folds pods into the inventory workloads, sums counts by verdict, keeps the time range and examples', () => {
    const aggregator = new FlowAggregator({ inventory: inventory().inventory(), maxExamples: 2 });
    const lines = [
      hubble(WEB_TO_API),
      hubble({ ...WEB_TO_API, time: '2026-12-01T09:00:00Z', source: { ...WEB_TO_API.source, pod_name: 'web-7d4b9c8f6-bbbbb', workloads: undefined }, IP: { source: '10.244.1.6', destination: '10.244.2.7' } }),
      hubble({ ...WEB_TO_API, time: '2026-12-01T11:00:00Z', verdict: 'DROPPED' }),
      hubble({ ...WEB_TO_API, is_reply: true }),
      'garbage',
      // the api pods by labels only (a name that follows no pattern)
      hubble({ ...WEB_TO_API, destination: { namespace: 'shop', labels: ['k8s:app=api', 'k8s:tier=backend', 'k8s:version=v2'], pod_name: 'api-canary' } }),
      hubble({ ...WEB_TO_API, destination: { namespace: 'shop', labels: ['k8s:app=db'], pod_name: 'db-1' }, l4: { TCP: { destination_port: 5432 } } }),
    ];
    lines.forEach((line, i) => aggregator.addLine('flows.json', i + 1, parseJsonFlowLine(line)));
    const { flows, problems, counts } = aggregator.result();
    assert.deepEqual(flows.map(describeFlow), ['shop/web -> shop/api TCP 8080', 'shop/web -> shop/db TCP 5432']);
    const api = flows[0]!;
    assert.deepEqual([api.forwarded, api.dropped, api.unknown], [3, 1, 0]);
    assert.equal(api.firstSeen, Date.UTC(2026, 11, 1, 9));
    assert.equal(api.lastSeen, Date.UTC(2026, 11, 1, 11));
    assert.deepEqual(api.examples, [
      { file: 'flows.json', line: 1 },
      { file: 'flows.json', line: 2 },
    ]);
    assert.deepEqual(api.source, { type: 'workload', namespace: 'shop', name: 'web', kind: 'Deployment', labels: { app: 'web' }, endpointId: 'shop/web' });
    // the labels every pod showed: the canary's version label is not the workload's
    assert.deepEqual(api.destination.type === 'workload' && api.destination.labels, { app: 'api', tier: 'backend' });
    assert.deepEqual(problems, [{ file: 'flows.json', line: 5, message: problems[0]!.message }]);
    assert.match(problems[0]!.message, /^not JSON/);
    assert.deepEqual(counts, { lines: 7, records: 5, observations: 5, skipped: { reply: 1, 'not-l4': 0, 'not-a-flow': 0 }, malformed: 1, flows: 2, workloadsMapped: 3, workloadsUnmapped: 0 });
  });

  it('names workloads the inventory lacks after their owner, and maps addresses seen on pods to them', () => {
    const aggregator = new FlowAggregator();
    const parser = new FlowLineParser('flows.csv');
    const lines = ['source,destination,protocol,port,count', '10.244.2.7,203.0.113.9,TCP,443,4', '10.244.2.7,not-an-ip:zz,TCP,443,1', '999.1.1.1,shop/web,TCP,80,1'];
    lines.forEach((line, i) => aggregator.addLine('flows.csv', i + 1, parser.line(line)));
    aggregator.addLine('flows.json', 1, parseJsonFlowLine(hubble(WEB_TO_API)));
    const { flows, problems } = aggregator.result();
    assert.deepEqual(flows.map(describeFlow), ['shop/api -> 203.0.113.9 TCP 443', 'shop/web -> shop/api TCP 8080']);
    assert.deepEqual(flows[0]!.source, { type: 'workload', namespace: 'shop', name: 'api', kind: 'Deployment', labels: { app: 'api', tier: 'backend' }, endpointId: undefined });
    assert.deepEqual(flows[0]!.destination, { type: 'external', cidr: '203.0.113.9/32' });
    assert.deepEqual(
      problems.map((p) => `${p.line}: ${p.message}`),
      ['3: destination "not-an-ip:zz" is neither namespace/workload, namespace/Kind/workload nor an IP address', '4: source: "999.1.1.1" is not an IP address'],
    );
  });

  it('keeps a bounded list of problems and counts them all', () => {
    const aggregator = new FlowAggregator({ maxProblems: 3 });
    for (let i = 1; i <= 1000; i++) aggregator.addLine('f.json', i, parseJsonFlowLine('{'));
    const { problems, counts } = aggregator.result();
    assert.equal(problems.length, 3);
    assert.equal(counts.malformed, 1000);
  });
});
