import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineIndex, WorkspaceAnalysis } from '../../server/src/core';

/** Findings of one file as `line ruleId` (1-based lines), sorted. */
function findings(text: string, file = 'policy.yaml'): string[] {
  const workspace = new WorkspaceAnalysis();
  workspace.update(file, text);
  const lines = new LineIndex(text);
  // POLICY's second rule adds nothing to its `- {}` (redundant-rule, tested on its own fixtures)
  return (workspace.findings().get(file) ?? [])
    .filter((f) => f.ruleId !== 'redundant-rule')
    .map((f) => `${lines.position(f.range.start).line + 1} ${f.ruleId}`)
    .sort();
}

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: web
  policyTypes: [Ingress]
  ingress:
    - {}
    - from:
        - podSelector: {}
      ports:
        - port: 8080
`;

/** POLICY with `comment` inserted as a line before line `beforeLine` (1-based). */
function withComment(comment: string, beforeLine: number, text = POLICY): string {
  const lines = text.split('\n');
  lines.splice(beforeLine - 1, 0, comment);
  return lines.join('\n');
}

describe('inline suppressions', () => {
  it('reports the findings when nothing is suppressed', () => {
    assert.deepEqual(findings(POLICY), ['12 allow-all-ingress', '16 protocol-omitted']);
  });

  it('disable-next-line silences the named rule on the next line only', () => {
    const text = withComment('    # netpol-guardrails-disable-next-line allow-all-ingress -- the public web front end', 12);
    assert.deepEqual(findings(text), ['17 protocol-omitted']);
  });

  it('disable-next-line leaves other rules on that line alone', () => {
    const text = withComment('    # netpol-guardrails-disable-next-line protocol-omitted', 12);
    assert.deepEqual(findings(text), ['13 allow-all-ingress', '17 protocol-omitted']);
  });

  it('disable-next-line takes several ids, comma or space separated', () => {
    const text = withComment('        # netpol-guardrails-disable-next-line allow-all-ingress, protocol-omitted -- both', 16);
    assert.deepEqual(findings(text), ['12 allow-all-ingress']);
  });

  it('disable-file silences a rule everywhere in the file', () => {
    const text = `# netpol-guardrails-disable-file protocol-omitted -- TCP everywhere here\n${POLICY}`;
    assert.deepEqual(findings(text), ['13 allow-all-ingress']);
  });

  it('all stands for every rule', () => {
    assert.deepEqual(findings(`# netpol-guardrails-disable-file all\n${POLICY}`), []);
    assert.deepEqual(findings(withComment('    # netpol-guardrails-disable-next-line all', 12)), ['17 protocol-omitted']);
  });

  it('also silences API validation findings', () => {
    const invalid = POLICY.replace('port: 8080', 'port: 0');
    assert.deepEqual(findings(invalid), ['16 api-invalid']);
    assert.deepEqual(findings(withComment('        # netpol-guardrails-disable-next-line api-invalid -- a test of rejection', 16, invalid)), []);
  });

  it('reports an unknown rule id at its place, and still applies the known ones', () => {
    const text = withComment('    # netpol-guardrails-disable-next-line allow-all-ingres, allow-all-ingress', 12);
    const workspace = new WorkspaceAnalysis();
    workspace.update('policy.yaml', text);
    const list = workspace.findings().get('policy.yaml') ?? [];
    const unknown = list.filter((f) => f.ruleId === 'suppression-unknown-rule');
    assert.equal(unknown.length, 1);
    assert.equal(text.slice(unknown[0]!.range.start, unknown[0]!.range.end), 'allow-all-ingres');
    assert.equal(unknown[0]!.severity, 'warning');
    assert.match(unknown[0]!.message, /"allow-all-ingres" is not a netpol-guardrails rule/);
    assert.deepEqual(list.map((f) => f.ruleId).filter((id) => id !== 'redundant-rule').sort(), ['protocol-omitted', 'suppression-unknown-rule']);
  });

  it('a reason after -- is not read as a rule id', () => {
    const text = withComment('    # netpol-guardrails-disable-next-line allow-all-ingress -- see ticket NET-42, all good', 12);
    assert.deepEqual(findings(text), ['17 protocol-omitted']);
  });

  it('a suppression in one file does not reach findings placed in another', () => {
    const workspace = new WorkspaceAnalysis();
    workspace.update('policy.yaml', `# netpol-guardrails-disable-file all\n${POLICY}`);
    workspace.update(
      'workload.yaml',
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
`,
    );
    const result = workspace.findings();
    assert.deepEqual(result.get('policy.yaml'), []);
    assert.deepEqual(
      (result.get('workload.yaml') ?? []).map((f) => f.ruleId),
      ['missing-default-deny', 'missing-default-deny', 'workload-not-isolated'],
    );
  });
});
