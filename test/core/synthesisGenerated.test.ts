import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_CONFIG, WorkspaceAnalysis, checkFlows, describeFlow, synthesizePolicies, verifySynthesis, type AggregatedFlow, type Inventory, type SynthesisOptions } from '../../server/src/core';
import { readFlowFilesSync } from '../../server/src/flowFiles';
import { PAYMENT_PROVIDER, genericCsvLines, genericRows, hubbleLines, observations, trafficPlan } from '../flows/generateFlows';

/**
 * The guarantees end to end on the generated application's traffic (test/flows/generateFlows.ts):
 * Hubble JSON with replies, ICMP, status and broken lines, read from disk through the streaming
 * reader and the aggregator, then synthesized. The engine's check, and part A's independent flow
 * check (observed-flow-blocked / -unexpected) on the workloads plus the generated policies, must
 * find every forwarded flow allowed, every dropped one denied, and nothing beyond the flows.
 */

const dir = mkdtempSync(join(tmpdir(), 'netpol-synth-gen-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const plan = trafficPlan(1);
const observed = [...observations(plan, 20_000, 2)];

function workspaceOf(files: Record<string, string>): WorkspaceAnalysis {
  const workspace = new WorkspaceAnalysis();
  for (const [name, text] of Object.entries(files)) workspace.update(name, text);
  return workspace;
}

const inventory: Inventory = workspaceOf({ 'app.yaml': plan.manifests }).inventory();

function read(name: string, lines: readonly string[]): AggregatedFlow[] {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  const result = readFlowFilesSync([{ name, path }], { inventory });
  assert.equal(result.counts.workloadsUnmapped, 0, 'every pod maps to a workload of the manifests');
  return [...result.flows];
}

function synthesizeAndCheck(flows: readonly AggregatedFlow[], options: SynthesisOptions): { texts: string[]; guardrails: string[] } {
  const result = synthesizePolicies(flows, inventory, DEFAULT_CONFIG, options);
  assert.deepEqual(result.policed, ['data', 'default', 'ingress-nginx', 'monitoring', 'payments', 'shop', 'web']);
  assert.deepEqual(result.uncovered, []);
  assert.deepEqual(result.notes, []);
  const forwarded = flows.filter((f) => f.forwarded > 0);
  assert.equal(result.admitted + result.outside, forwarded.length);
  assert.equal(result.notForwarded, flows.length - forwarded.length);
  assert.ok(result.dns >= 10, `DNS flows: ${result.dns}`);

  const verified = verifySynthesis(flows, inventory, DEFAULT_CONFIG, result, options);
  assert.equal(verified.checked, forwarded.length);
  assert.deepEqual(verified.blocked.map((b) => describeFlow(b.flow)), []);
  assert.deepEqual(verified.unjustified, []);
  assert.deepEqual(verified.apiErrors, []);
  const guardrails = verified.guardrails.map((g) => `${g.ruleId}: ${g.message}`);
  assert.deepEqual(
    verified.guardrails.filter((g) => g.ruleId !== 'public-cidr'),
    [],
    'no allow-all, no missing default-deny, no blocked DNS',
  );

  // part A's flow check on the workloads and the generated policies only
  const generated: Record<string, string> = { 'app.yaml': plan.manifests };
  for (const ns of result.namespaces) generated[ns.fileName] = ns.text;
  const workspace = workspaceOf(generated);
  const check = checkFlows(workspace.inventory(), flows);
  assert.deepEqual(check.blocked.map((b) => describeFlow(b.flow)), [], 'no forwarded flow is blocked');
  assert.deepEqual(check.unexpected.map((u) => describeFlow(u.flow)), [], 'no dropped flow is allowed');
  assert.equal(check.summary.allowed, forwarded.length);
  return { texts: result.namespaces.map((ns) => ns.text), guardrails };
}

describe('synthesis on generated traffic', () => {
  const hubble = read('hubble.json', [...hubbleLines(observed, { malformedEvery: 997 })].map((l) => l.text));

  it('admits every forwarded flow and nothing else, exact addresses', () => {
    const { texts, guardrails } = synthesizeAndCheck(hubble, { widenIPv4: 32, widenIPv6: 128, namespaces: undefined });
    const all = texts.join('---\n');
    // the payment provider and the internet clients, one address at a time
    for (const address of PAYMENT_PROVIDER) assert.match(all, new RegExp(`cidr: ${address.replace(/\./g, '\\.')}/32\\n`));
    assert.equal((all.match(/cidr: 203\.0\.113\.\d+\/32\n/g) ?? []).length, 40);
    // scanners were only dropped: no trace of them
    assert.doesNotMatch(all, /192\.0\.2\.|2001:db8:bad/);
    // no pod name, no controller label
    for (const pod of plan.pods) if (pod.workload.kind !== 'Pod') assert.ok(!all.includes(pod.name), pod.name);
    assert.doesNotMatch(all, /pod-template-hash|controller-revision-hash|statefulset\.kubernetes\.io/);
    assert.ok(guardrails.length > 0 && guardrails.every((g) => g.startsWith('public-cidr: ')), guardrails.join('\n'));
  });

  it('widens external addresses into their smallest covering prefixes, still exact on ports', () => {
    const { texts } = synthesizeAndCheck(hubble, { widenIPv4: 24, widenIPv6: 64, namespaces: undefined });
    const all = texts.join('---\n');
    // 203.0.113.10-49 on 443 and on 80: each port's addresses merge into 203.0.113.0/26
    assert.equal((all.match(/cidr: 203\.0\.113\.0\/26\n/g) ?? []).length, 1, 'one peer on both ports');
    assert.match(all, /cidr: 198\.51\.100\.10\/31\n/);
    assert.doesNotMatch(all, /cidr: 203\.0\.113\.\d+\/32/);
  });

  it('gives the same policies from the generic CSV summary of the same traffic', () => {
    const csv = read('flows.csv', genericCsvLines(genericRows(observed)));
    const strip = (text: string): string => text.replace(/^ *#.*\n/gm, '');
    const fromCsv = synthesizeAndCheck(csv, { widenIPv4: 32, widenIPv6: 128, namespaces: undefined }).texts.map(strip);
    const fromHubble = synthesizePolicies(hubble, inventory, DEFAULT_CONFIG).namespaces.map((ns) => strip(ns.text));
    assert.deepEqual(fromCsv, fromHubble);
  });
});
