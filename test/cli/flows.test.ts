import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

/** `check --flows` and `diff --flows` on the built dist/cli.js (build first: node esbuild.mjs). */

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const shop = 'test/fixtures/flows/shop';
const flows = ['--flows', `${shop}/flows.csv,${shop}/hubble.json`];

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('cli: check --flows', () => {
  it('reports the observed-flow findings, the malformed line, what was read and the observed flows allowed / blocked', () => {
    const r = run(['check', ...flows, shop]);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.split('\n').filter((l) => l.includes('observed-flow-'));
    assert.deepEqual(
      lines.map((l) => l.split(' ').slice(0, 3).join(' ')),
      [`${shop}/policies.yaml:4:9: error observed-flow-blocked`, `${shop}/policies.yaml:4:9: error observed-flow-blocked`, `${shop}/policies.yaml:4:9: error observed-flow-blocked`, `${shop}/policies.yaml:78:5: warning observed-flow-unexpected`],
    );
    // the flow files in the folder are not read as manifests
    assert.doesNotMatch(r.stdout, /hubble\.json:\d+:\d+: error yaml-syntax/);
    assert.match(r.stderr, new RegExp(`^${shop}/hubble.json:5: skipped: not JSON`, 'm'));
    assert.match(r.stderr, /^flows: 12 record\(s\) \(36 observation\(s\)\) in 2 file\(s\) -> 10 distinct flow\(s\), 1 malformed, 1 workload\(s\) not in the manifests$/m);
    assert.match(r.stderr, /^observed flows: 3 allowed \(16 observations\), 4 blocked \(9 observations\), 1 dropped by the cluster but allowed, 1 dropped and denied, 1 not evaluated \(an end the manifests do not define\), of 10$/m);
  });

  it('JSON carries the observed flows summary and the read counts; the same findings as the core', () => {
    const r = run(['check', '--format', 'json', '--fail-on', 'warning', ...flows, shop]);
    assert.equal(r.code, 1, r.stderr);
    const json = JSON.parse(r.stdout) as { observedFlows: Record<string, unknown>; findings: { ruleId: string; message: string }[] };
    assert.deepEqual({ ...json.observedFlows, counts: undefined, problems: undefined }, { flows: 10, allowed: 3, blocked: 4, allowedObservations: 16, blockedObservations: 9, unexpected: 1, droppedDenied: 1, notEvaluated: 1, counts: undefined, problems: undefined });
    assert.deepEqual(json.observedFlows['problems'], [{ file: `${shop}/hubble.json`, line: 5, message: 'not JSON: Unterminated string in JSON at position 58' }]);
    assert.equal(json.findings.filter((f) => f.ruleId === 'observed-flow-blocked').length, 3);
  });

  it('--report: the Markdown summary and the HTML report say how many observed flows are allowed and blocked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-flows-report-'));
    try {
      for (const name of ['report.md', 'report.html']) {
        const r = run(['check', '--report', join(dir, name), ...flows, shop]);
        assert.equal(r.code, 1, r.stderr);
        assert.match(readFileSync(join(dir, name), 'utf8'), /observed flows: 3 allowed \(16 observations\), 4 blocked \(9 observations\)/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without --flows the observed-flow rules say nothing', () => {
    const r = run(['check', '--format', 'json', `${shop}/workloads.yaml`, `${shop}/policies.yaml`]);
    const json = JSON.parse(r.stdout) as { observedFlows?: unknown; findings: { ruleId: string }[] };
    assert.equal(json.observedFlows, undefined);
    assert.deepEqual(json.findings.filter((f) => f.ruleId.startsWith('observed-flow-')), []);
  });

  it('an unreadable flow file is an I/O error', () => {
    const r = run(['check', '--flows', `${shop}/missing.json`, shop]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /missing\.json: cannot read flows: ENOENT/);
  });
});

describe('cli: diff --flows', () => {
  it('lists the observed flows the change cuts off and newly allows, and exits 1 because it cuts some off', () => {
    const r = run(['diff', ...flows, shop, 'test/fixtures/flows/shop-edit']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^observed flows: the change cuts off 1 \(5 observation\(s\)\) and newly allows 1 \(3 observation\(s\)\)$/m);
    assert.match(r.stdout, new RegExp(`^  cuts off shop/api -> data/db TCP 5432: 5 observation\\(s\\), e\\.g\\. ${shop}/flows\\.csv:3$`, 'm'));
    assert.match(r.stdout, new RegExp(`^  allows shop/web -> kube-system/coredns UDP 53: 3 observation\\(s\\), e\\.g\\. ${shop}/hubble\\.json:1$`, 'm'));
  });

  it('the reverse edit cuts off the DNS seen; an edit that cuts off no observed flow exits 0, though connectivity changes', () => {
    const reverse = run(['diff', '--format', 'json', ...flows, 'test/fixtures/flows/shop-edit', shop]);
    assert.equal(reverse.code, 1);
    const json = JSON.parse(reverse.stdout) as { removed: unknown[]; observedFlows: { cutOff: { flow: string }[]; newlyAllowed: { flow: string }[] } };
    assert.deepEqual(json.observedFlows.cutOff.map((c) => c.flow), ['shop/web -> kube-system/coredns UDP 53']);
    assert.deepEqual(json.observedFlows.newlyAllowed.map((c) => c.flow), ['shop/api -> data/db TCP 5432']);
    // only the Hubble flows (DNS): the edit removes api -> db, which no flow of that file shows
    const dnsOnly = run(['diff', '--flows', `${shop}/hubble.json`, shop, 'test/fixtures/flows/shop-edit']);
    assert.equal(dnsOnly.code, 0, dnsOnly.stdout + dnsOnly.stderr);
    assert.match(dnsOnly.stdout, /^- shop\/api -> data\/db: TCP 5432$/m);
    assert.match(dnsOnly.stdout, /cuts off 0 \(0 observation\(s\)\) and newly allows 1/);
  });
});
