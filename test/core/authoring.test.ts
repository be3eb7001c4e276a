import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkspaceAnalysis, type Finding } from '../../server/src/core';
import { applyEdits, fixAllEdits, overlayInventory, quickFixes, templateActions, type AuthoringContext } from '../../server/src/core/authoring';
import { dnsName, uniqueName } from '../../server/src/core/authoring/policyText';

function workspace(files: Record<string, string>): WorkspaceAnalysis {
  const ws = new WorkspaceAnalysis();
  for (const [file, text] of Object.entries(files)) ws.update(file, text);
  return ws;
}

function context(ws: WorkspaceAnalysis, file: string): AuthoringContext {
  return { file, text: ws.textOf(file) ?? '', inventory: ws.inventory(), config: ws.configuration() };
}

function findingsOf(ws: WorkspaceAnalysis, file: string, ruleId: string): Finding[] {
  return (ws.findings().get(file) ?? []).filter((f) => f.ruleId === ruleId);
}

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
    - ports:
        - port: 80
          protocol: TCP`;

const DEPLOYMENT = (name: string, ns: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: ${name}
          image: busybox:1.36
`;

describe('authoring core', () => {
  it('names policies by DNS-1123 rules, without collisions', () => {
    assert.equal(dnsName('Allow_From Ingress--Controller!'), 'allow-from-ingress-controller');
    assert.equal(dnsName(`${'x'.repeat(80)}-tail`).length, 63);
    assert.equal(uniqueName('default-deny', new Set(['default-deny', 'default-deny-2'])), 'default-deny-3');
    assert.equal(uniqueName('a'.repeat(63), new Set(['a'.repeat(63)])), `${'a'.repeat(61)}-2`);
  });

  it('adds a key to a flow map in flow style, and keeps a file without final newline intact', () => {
    const ws = workspace({ 'p.yaml': POLICY });
    const [finding] = findingsOf(ws, 'p.yaml', 'namespace-missing');
    assert.ok(finding);
    const fix = quickFixes(context(ws, 'p.yaml'), finding).find((a) => a.id === 'addNamespace');
    assert.ok(fix);
    assert.equal(applyEdits(POLICY, fix.edits), POLICY.replace('metadata: {name: web}', 'metadata: {name: web, namespace: default}'));
  });

  it('appends a template to a file without final newline on a new line', () => {
    const text = DEPLOYMENT('api', 'shop').trimEnd();
    const ws = workspace({ 'd.yaml': text });
    const action = templateActions(context(ws, 'd.yaml'), 0).find((a) => a.id === 'defaultDenyIngress');
    assert.ok(action);
    const out = applyEdits(text, action.edits);
    assert.ok(out.startsWith(`${text}\n---\n# Deny all ingress`), out);
    assert.deepEqual(
      (workspace({ 'd.yaml': out }).findings().get('d.yaml') ?? []).filter((f) => f.severity === 'error'),
      [],
    );
  });

  it('adds a rule id to an existing suppression comment instead of a second comment', () => {
    const text = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
    - from:
        # netpol-guardrails-disable-next-line broad-namespace-selector -- shared
        - namespaceSelector: {}
`;
    const ws = workspace({ 'p.yaml': text });
    const [finding] = findingsOf(ws, 'p.yaml', 'allow-all-ingress');
    assert.ok(finding, 'allow-all-ingress fires');
    const line = quickFixes(context(ws, 'p.yaml'), finding).find((a) => a.id === 'suppressLine');
    assert.ok(line);
    const out = applyEdits(text, line.edits);
    assert.match(out, /# netpol-guardrails-disable-next-line broad-namespace-selector, allow-all-ingress -- shared\n {8}- namespaceSelector/);
    assert.deepEqual(findingsOf(workspace({ 'p.yaml': out }), 'p.yaml', 'allow-all-ingress'), []);
  });

  it('fixes DNS for all workloads of a namespace with one policy', () => {
    const files = {
      'w.yaml': `${DEPLOYMENT('a', 'jobs')}---\n${DEPLOYMENT('b', 'jobs')}`,
      'deny.yaml': `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny
  namespace: jobs
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`,
    };
    const ws = workspace(files);
    const findings = ws.findings().get('w.yaml') ?? [];
    assert.equal(findings.filter((f) => f.ruleId === 'egress-blocks-dns').length, 2);
    const out = applyEdits(files['w.yaml'], fixAllEdits(context(ws, 'w.yaml'), findings, 'egress-blocks-dns'));
    assert.equal(out.match(/kind: NetworkPolicy/g)?.length, 1);
    ws.update('w.yaml', out);
    assert.deepEqual(findingsOf(ws, 'w.yaml', 'egress-blocks-dns'), []);
  });

  it('gives two default-deny fixes applied together different names', () => {
    const files = { 'w.yaml': DEPLOYMENT('a', 'jobs'), 'old.yaml': POLICY.replace('metadata: {name: web}', 'metadata: {name: default-deny-ingress, namespace: jobs}').replace('podSelector: {}', 'podSelector: {matchLabels: {app: x}}') };
    const ws = workspace(files);
    const findings = ws.findings().get('w.yaml') ?? [];
    const out = applyEdits(files['w.yaml'], fixAllEdits(context(ws, 'w.yaml'), findings, 'missing-default-deny'));
    assert.match(out, /name: default-deny-ingress-2\n/);
    assert.match(out, /name: default-deny-egress\n/);
  });

  it("overlays a file's current text on a stale inventory", () => {
    const ws = workspace({ 'w.yaml': DEPLOYMENT('a', 'jobs'), 'other.yaml': DEPLOYMENT('b', 'jobs') });
    const stale = ws.inventory();
    const text = `${DEPLOYMENT('c', 'jobs')}---\n${POLICY.replace('metadata: {name: web}', 'metadata: {name: deny, namespace: jobs}')}`;
    const fresh = overlayInventory(stale, 'w.yaml', text);
    assert.deepEqual(fresh.workloadsByNamespace.get('jobs')?.map((w) => w.name).sort(), ['b', 'c']);
    assert.deepEqual(fresh.policiesByNamespace.get('jobs')?.map((p) => p.name), ['deny']);
    assert.equal(fresh.workloads.length, 2);
    assert.equal(stale.workloadsByNamespace.get('jobs')?.length, 2, 'the stale inventory is left as it was');
    const offered = templateActions({ file: 'w.yaml', text, inventory: fresh, config: ws.configuration() }, 0).map((a) => a.id);
    assert.ok(offered.includes('createWorkloadPolicy'), offered.join());
  });

  it('offers no templates in JSON manifests', () => {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { app: 'p' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    const ws = workspace({ 'p.json': text });
    assert.deepEqual(templateActions(context(ws, 'p.json'), 1), []);
  });
});
