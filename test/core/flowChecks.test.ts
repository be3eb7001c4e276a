import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GUARDRAIL_RULES, LineIndex, WorkspaceAnalysis, parseConfig } from '../../server/src/core';
import { FlowAggregator, checkFlows, type ObservedEndpoint } from '../../server/src/core/flows';
import { readFlowFilesSync } from '../../server/src/flowFiles';
import { expectedFlows, observations, trafficPlan, type AppPod } from '../flows/generateFlows';

/**
 * The observed-flow rules on a fixture (test/fixtures/flows/<case>: manifests, flow files and
 * expected.json with every observed-flow finding, its line and related places). The expectations
 * were worked out from the policies by hand: see the fixture's README.md.
 */

const FIXTURES = join(__dirname, '..', 'fixtures', 'flows');

interface Expected {
  readonly summary: unknown;
  readonly findings: readonly { file: string; line: number; rule: string; message: string; related: string[] }[];
}

function load(name: string, config = ''): { workspace: WorkspaceAnalysis; dir: string } {
  const dir = join(FIXTURES, name);
  const workspace = new WorkspaceAnalysis(parseConfig(config, GUARDRAIL_RULES.map((r) => r.id)).config);
  for (const file of ['workloads.yaml', 'policies.yaml']) workspace.update(file, readFileSync(join(dir, file), 'utf8'));
  const read = readFlowFilesSync(['flows.csv', 'hubble.json'].map((n) => ({ name: n, path: join(dir, n) })), { inventory: workspace.inventory() });
  workspace.setFlows({ flows: read.flows });
  return { workspace, dir };
}

function observedFindings(workspace: WorkspaceAnalysis, dir: string): Expected['findings'] {
  const out: Expected['findings'][number][] = [];
  const lines = new Map<string, LineIndex>();
  const lineOf = (file: string, offset: number): number => {
    let index = lines.get(file);
    if (!index) lines.set(file, (index = new LineIndex(readFileSync(join(dir, file), 'utf8'))));
    return index.position(offset).line + 1;
  };
  for (const [file, list] of [...workspace.findings()].sort(([a], [b]) => a.localeCompare(b))) {
    for (const f of list) {
      if (!f.ruleId.startsWith('observed-flow-')) continue;
      out.push({ file, line: lineOf(file, f.range.start), rule: f.ruleId, message: f.message, related: f.related.map((r) => `${r.file ?? file}:${lineOf(r.file ?? file, r.range.start)}: ${r.message}`) });
    }
  }
  return out;
}

describe('flows: observed-flow-blocked and observed-flow-unexpected', () => {
  it('shop: flows the policies would block, on the policies isolating the side that denies; dropped flows a rule allows, on that rule', () => {
    const { workspace, dir } = load('shop');
    const actual: Expected = { summary: workspace.coverage().observedFlows, findings: observedFindings(workspace, dir) };
    const file = join(dir, 'expected.json');
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
    assert.deepEqual(actual, JSON.parse(readFileSync(file, 'utf8')));
  });

  it('says nothing without flows, follows the configured severity, and is off when configured off', () => {
    const { workspace, dir } = load('shop', 'rules:\n  observed-flow-blocked: warning\n  observed-flow-unexpected: off\n');
    const findings = observedFindings(workspace, dir);
    assert.deepEqual([...new Set(findings.map((f) => f.rule))], ['observed-flow-blocked']);
    assert.ok([...workspace.findings().values()].flat().filter((f) => f.ruleId === 'observed-flow-blocked').every((f) => f.severity === 'warning'));
    workspace.setFlows(undefined);
    assert.deepEqual(observedFindings(workspace, dir), []);
    assert.equal(workspace.coverage().observedFlows, undefined);
  });

  it('an edit that allows the blocked flow clears its finding (the flow rules follow every edit)', () => {
    const { workspace, dir } = load('shop');
    const policies = readFileSync(join(dir, 'policies.yaml'), 'utf8');
    const before = observedFindings(workspace, dir).filter((f) => f.message.includes('from shop/web'));
    assert.equal(before.length, 1);
    // web's egress now allows DNS too
    workspace.update('policies.yaml', policies.replace('  egress:\n  - to:\n    - podSelector:\n        matchLabels: { app: api }\n', '  egress:\n  - to:\n    - podSelector:\n        matchLabels: { app: api }\n  - to:\n    - namespaceSelector: {}\n      podSelector:\n        matchLabels: { k8s-app: kube-dns }\n    ports:\n    - { protocol: UDP, port: 53 }\n'));
    assert.deepEqual(observedFindings(workspace, dir).filter((f) => f.message.includes('from shop/web')), []);
  });

  it('the generated application without policies: every flow allowed; with a default deny in every namespace: every forwarded flow blocked', () => {
    const plan = trafficPlan(1);
    const truth = expectedFlows(observations(plan, 3000, 2));
    const workspace = new WorkspaceAnalysis();
    workspace.update('app.yaml', plan.manifests);
    const side = (s: AppPod | string): ObservedEndpoint => (typeof s === 'string' ? { type: 'external', ip: s } : { type: 'pod', namespace: s.workload.namespace, podName: s.name, workload: undefined, labels: s.workload.labels, ip: s.ip });
    const aggregator = new FlowAggregator({ inventory: workspace.inventory() });
    let line = 0;
    for (const o of observations(plan, 3000, 2)) {
      aggregator.add({ source: side(o.source), destination: side(o.destination), protocol: o.protocol, port: o.port, verdict: o.verdict, direction: 'unknown', count: 1, firstSeen: o.time, lastSeen: o.time }, 'generated', ++line);
    }
    const aggregated = aggregator.result().flows;
    assert.equal(aggregated.length, truth.length);
    const open = checkFlows(workspace.inventory(), aggregated).summary;
    const forwarded = truth.filter((f) => f.forwarded > 0).length;
    const droppedOnly = truth.filter((f) => f.forwarded === 0).length;
    assert.deepEqual(open, { flows: truth.length, allowed: forwarded, blocked: 0, allowedObservations: truth.reduce((n, f) => n + f.forwarded, 0), blockedObservations: 0, unexpected: droppedOnly, droppedDenied: 0, notEvaluated: 0 });
    const namespaces = [...new Set(plan.workloads.map((w) => w.namespace))];
    workspace.update('deny.yaml', namespaces.map((ns) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: default-deny, namespace: ${ns} }\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n`).join('---\n'));
    const denied = checkFlows(workspace.inventory(), aggregated).summary;
    assert.equal(denied.allowed, 0);
    assert.equal(denied.blocked, forwarded);
    assert.equal(denied.unexpected, 0);
    assert.equal(denied.droppedDenied, droppedOnly);
  });
});
