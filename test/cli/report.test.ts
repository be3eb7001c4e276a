import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';

/** check --report (HTML, Markdown) and --baseline, on the built dist/cli.js. */

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'netpol-report-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], cwd = root): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, GITHUB_SHA: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface JsonFinding {
  ruleId: string;
  severity: string;
  file: string;
  message: string;
  fingerprint: string;
  baseline?: 'new' | 'unchanged';
  range: { start: { line: number } };
}
interface JsonResult {
  version: number;
  baseline?: { file: string; new: number; fixed: number };
  findings: JsonFinding[];
  fixed?: JsonFinding[];
}

interface Connectivity {
  endpoints: { type: string }[];
  connections: unknown[];
}

// what the report must agree with: check's JSON and the connectivity command's
const examples = JSON.parse(run(['check', '--format', 'json', 'examples']).stdout) as JsonResult;
const connectivity = JSON.parse(run(['connectivity', '--format', 'json', 'examples']).stdout) as Connectivity;

describe('check --report', () => {
  it('writes a Markdown summary, leaving stdout and the exit code as they were', () => {
    const plain = run(['check', 'examples']);
    const md = join(dir, 'summary.md');
    const r = run(['check', '--report', md, 'examples']);
    assert.equal(r.code, plain.code);
    assert.equal(r.stdout, plain.stdout);
    const text = readFileSync(md, 'utf8');
    const count = (s: string): number => examples.findings.filter((f) => f.severity === s).length;
    const files = /in (\d+) file\(s\)/.exec(plain.stderr)?.[1];
    assert.ok(text.startsWith(`## Network Policy Guardrails\n\n**${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} info** in ${files} file(s)\n`), text.slice(0, 200));
    assert.match(text, /\n\| shop \| 3 \| ✅ \| ✅ \| 3\/3 \| 3\/3 \| 1\/3 \| 0 \| 0 \|\n/);
    assert.match(text, /\n\| \*\*total \(\d+\)\*\* \| \d+ \| \d+\/\d+ \|/);
    assert.match(text, /\n\| `api-invalid` \| error \| 2 \| A value the API server rejects as invalid\. \|\n/);
    assert.match(text, /\n- ❌ `examples\/shop\/api-policy\.yaml:26` \*\*api-invalid\*\* endPort 5432 is below port 5433/);
    const workloads = connectivity.endpoints.filter((e) => e.type === 'workload').length;
    assert.ok(
      text.includes(`\n${workloads} workload(s), ${connectivity.endpoints.length - workloads} external address range(s), ${connectivity.connections.length} allowed connection(s).\n`),
      'the connectivity command agrees',
    );
    assert.match(text, /\n\| monitoring \| platform \| \d+ \| \d+ \|\n/);
  });

  it('links the Markdown places to the commit in a GitHub Actions job', () => {
    const md = join(dir, 'linked.md');
    const env = { ...process.env, GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'o/r', GITHUB_SHA: 'abc123', GITHUB_WORKSPACE: root };
    spawnSync(process.execPath, [cli, 'check', '--report', md, 'examples'], { cwd: root, encoding: 'utf8', env });
    assert.match(readFileSync(md, 'utf8'), /\[`examples\/shop\/api-policy\.yaml:26`\]\(https:\/\/github\.com\/o\/r\/blob\/abc123\/examples\/shop\/api-policy\.yaml#L26\)/);
  });

  it('writes a standalone HTML page: everything inline, nonce-only CSP, links relative to the page', () => {
    const html = join(dir, 'sub', 'report.html');
    assert.equal(run(['check', '--report', html, 'examples']).code, 1);
    const text = readFileSync(html, 'utf8');
    const nonce = /script-src 'nonce-([^']+)'/.exec(text)?.[1];
    assert.ok(nonce);
    assert.match(text, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;|<meta http-equiv="Content-Security-Policy" content="default-src 'none'/);
    // no external resource of any kind: no src, no stylesheet link, no URL outside the page
    assert.doesNotMatch(text, /<script[^>]*\ssrc=|<link\s|<img\s/i);
    const scripts = [...text.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    assert.deepEqual(scripts, [' type="application/json" id="report-data"', ` nonce="${nonce}"`, ` nonce="${nonce}"`]);
    assert.ok(text.includes('cytoscape'), 'cytoscape is inlined');
    const data = JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(text)![1]!) as {
      findings: { file: string; href?: string; namespace?: string }[];
      connectivity: { endpoints: unknown[]; connections: number };
    };
    assert.equal(data.findings.length, examples.findings.length);
    const first = data.findings.find((f) => f.file === 'examples/shop/api-policy.yaml');
    assert.equal(first?.href, relative(join(dir, 'sub'), join(root, 'examples', 'shop', 'api-policy.yaml')));
    assert.equal(first?.namespace, 'shop');
    assert.equal(data.connectivity.connections, connectivity.connections.length);
    assert.equal(data.connectivity.endpoints.length, connectivity.endpoints.length);
    // a fresh nonce each time
    run(['check', '--report', html, 'examples']);
    assert.notEqual(/script-src 'nonce-([^']+)'/.exec(readFileSync(html, 'utf8'))?.[1], nonce);
  });

  it('rejects a report name it cannot tell the format of', () => {
    const r = run(['check', '--report', join(dir, 'report.txt'), 'examples']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--report .*report\.txt: the file name must end in \.html \(standalone page\) or \.md \(Markdown summary\)/);
  });
});

describe('check --baseline', () => {
  const ws = join(dir, 'ws');
  cpSync(join(root, 'examples'), ws, { recursive: true });
  const baseline = join(dir, 'baseline.json');

  it('prints fingerprints that survive line shifts', () => {
    const r = run(['check', '--format', 'json', '.'], ws);
    writeFileSync(baseline, r.stdout);
    const before = JSON.parse(r.stdout) as JsonResult;
    assert.ok(before.findings.every((f) => /^[0-9a-f]{16}$/.test(f.fingerprint)));
    assert.equal(before.baseline, undefined);
    const sarif = JSON.parse(run(['check', '--format', 'sarif', '.'], ws).stdout) as { runs: { results: { partialFingerprints: Record<string, string> }[] }[] };
    assert.deepEqual(
      sarif.runs[0]!.results.map((x) => x.partialFingerprints['netpolGuardrails/v1']),
      before.findings.map((f) => f.fingerprint),
    );

    // two comment lines on top shift the two findings of this file
    const frontend = join(ws, 'shop', 'frontend-policy.yaml');
    writeFileSync(frontend, `# owned by the shop team\n# reviewed\n${readFileSync(frontend, 'utf8')}`);
    const after = JSON.parse(run(['check', '--format', 'json', '.'], ws).stdout) as JsonResult;
    const shifted = after.findings.filter((f) => f.file === 'shop/frontend-policy.yaml');
    assert.equal(shifted.length, 2);
    for (const f of shifted) {
      const old = before.findings.find((b) => b.fingerprint === f.fingerprint);
      assert.equal(old?.range.start.line, f.range.start.line - 2);
    }
  });

  it('reports new and fixed findings, and fails on new ones only', () => {
    // fix one finding
    const postgres = join(ws, 'shop', 'postgres-policy.yaml');
    writeFileSync(postgres, readFileSync(postgres, 'utf8').replace('        - port: pg\n', '        - port: pg\n          protocol: TCP\n'));
    const fixedOnly = run(['check', '--baseline', baseline, '--format', 'json', '.'], ws);
    assert.equal(fixedOnly.code, 0, 'the old errors are not new: exit 0');
    const json = JSON.parse(fixedOnly.stdout) as JsonResult;
    assert.deepEqual(json.baseline, { file: baseline, new: 0, fixed: 1 });
    assert.ok(json.findings.every((f) => f.baseline === 'unchanged'));
    assert.deepEqual(
      json.fixed!.map((f) => [f.ruleId, f.file]),
      [['protocol-omitted', 'shop/postgres-policy.yaml']],
    );

    // add an error
    writeFileSync(
      join(ws, 'shop', 'extra.yaml'),
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: extra\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n  ingress:\n    - ports:\n        - port: 0\n          protocol: TCP\n',
    );
    const text = run(['check', '--baseline', baseline, '.'], ws);
    assert.equal(text.code, 1);
    assert.match(text.stderr, /compared with .*baseline\.json: 1 new, 1 fixed\n/);
    assert.equal(run(['check', '--baseline', baseline, '--fail-on', 'error', '.'], ws).code, 1);
    const sarif = JSON.parse(run(['check', '--baseline', baseline, '--format', 'sarif', '.'], ws).stdout) as { runs: { results: { ruleId: string; baselineState: string }[] }[] };
    assert.deepEqual(
      sarif.runs[0]!.results.filter((x) => x.baselineState === 'new').map((x) => x.ruleId),
      ['api-invalid'],
    );
    const md = join(dir, 'trend.md');
    run(['check', '--baseline', baseline, '--report', md, '.'], ws);
    const summary = readFileSync(md, 'utf8');
    assert.ok(summary.includes(`: **1 new**, 1 fixed, ${json.findings.length} unchanged.`));
    assert.match(summary, /### New findings\n\n- ❌ `shop\/extra\.yaml:11` \*\*api-invalid\*\* Port 0 is out of range/);
    assert.match(summary, /### Fixed findings\n\n- ℹ️ `shop\/postgres-policy\.yaml:17` \*\*protocol-omitted\*\*/);
  });

  it('matches a baseline written before fingerprints by rule, file and message', () => {
    const old = JSON.parse(readFileSync(baseline, 'utf8')) as JsonResult;
    const legacy = join(dir, 'legacy.json');
    writeFileSync(legacy, JSON.stringify({ version: 1, findings: old.findings.map(({ fingerprint: _f, ...rest }) => rest) }));
    const json = JSON.parse(run(['check', '--baseline', legacy, '--format', 'json', '.'], ws).stdout) as JsonResult;
    assert.deepEqual(json.baseline, { file: legacy, new: 1, fixed: 1 });
  });

  it('says what is wrong with a baseline that is not a JSON result', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"findings": []}');
    const r = run(['check', '--baseline', bad, '.'], ws);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--baseline .*bad\.json: not a check --format json result/);
    assert.match(run(['check', '--baseline', join(dir, 'none.json'), '.'], ws).stderr, /--baseline .*none\.json: no such file/);
  });
});
