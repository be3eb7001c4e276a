import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const fixtures = join(root, 'test', 'fixtures', 'cli');

function run(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, input, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface JsonOutput {
  version: number;
  findings: {
    ruleId: string;
    severity: string;
    message: string;
    file: string;
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    fieldPath?: string;
    related: unknown[];
    fingerprint?: string;
  }[];
}

describe('cli: check', () => {
  it('exits 0 on clean files and prints a summary on stderr', () => {
    const r = run(['check', join(fixtures, 'clean')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /0 error\(s\), 0 warning\(s\), 0 info in 2 file\(s\)/);
  });

  it('prints path:line:col: severity rule-id message and exits 1 on errors', () => {
    const r = run(['check', 'test/fixtures/cli/mixed']);
    assert.equal(r.code, 1);
    const lines = r.stdout.trim().split('\n');
    assert.deepEqual(lines, [
      'test/fixtures/cli/mixed/chart-template.yaml:4:9: info template-skipped This file contains Helm/Go template syntax ({{ ... }}), so it is not analysed: render it (helm template) and check the output instead.',
      'test/fixtures/cli/mixed/policies.yaml:20:17: error api-invalid Port 0 is out of range: a port number must be between 1 and 65535.',
    ]);
  });

  it('--fail-on sets the threshold', () => {
    assert.equal(run(['check', '--fail-on', 'info', 'test/fixtures/cli/mixed/chart-template.yaml']).code, 1);
    assert.equal(run(['check', '--fail-on', 'warning', 'test/fixtures/cli/mixed/chart-template.yaml']).code, 0);
    assert.equal(run(['check', '--fail-on', 'error', 'test/fixtures/cli/mixed/chart-template.yaml']).code, 0);
  });

  it('writes the JSON contract with 0-based ranges and field paths', () => {
    const r = run(['check', '--format', 'json', 'test/fixtures/cli/mixed/policies.yaml']);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as JsonOutput;
    assert.equal(out.version, 1);
    // fingerprints (for --baseline) are hashes: their stability is tested in report.test.ts
    assert.ok(out.findings.every((f) => /^[0-9a-f]{16}$/.test(f.fingerprint ?? '')));
    assert.deepEqual(
      out.findings.map(({ fingerprint: _fingerprint, ...rest }) => rest),
      [
        {
          ruleId: 'api-invalid',
          severity: 'error',
          message: 'Port 0 is out of range: a port number must be between 1 and 65535.',
          file: 'test/fixtures/cli/mixed/policies.yaml',
          range: { start: { line: 19, character: 16 }, end: { line: 19, character: 17 } },
          fieldPath: 'spec.ingress[0].ports[0].port',
          apiMessage: 'spec.ingress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
          related: [],
        },
      ],
    );
  });

  it('writes SARIF 2.1.0 that validates against the official schema', () => {
    const r = run(['check', '--format', 'sarif', 'examples']);
    assert.equal(r.code, 1);
    const sarif = JSON.parse(r.stdout) as { runs: { results: { ruleId: string; locations: unknown[] }[] }[] };
    const schema = JSON.parse(readFileSync(join(fixtures, '..', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8')) as object;
    // the official schema has a pattern that is invalid under the u flag: ajv must compile it without
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    assert.ok(validate(sarif), JSON.stringify(validate.errors, null, 2));
    const results = sarif.runs[0]!.results;
    assert.ok(results.length >= 5);
    assert.ok(results.every((result) => result.locations.length === 1));
  });

  it('reads stdin with -', () => {
    const text = readFileSync(join(fixtures, 'mixed', 'policies.yaml'), 'utf8');
    const r = run(['check', '-'], text);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^<stdin>:20:17: error api-invalid /);
  });

  it('exits 2 with a clear message for a missing path, a bad flag or an unknown command', () => {
    const missing = run(['check', 'no/such/dir']);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr.trim(), 'netpol-guardrails: no/such/dir: no such file or directory');
    assert.doesNotMatch(missing.stderr, /at .*\.js:\d+/);
    const format = run(['check', '--format', 'xml', 'examples']);
    assert.equal(format.code, 2);
    assert.match(format.stderr, /--format must be text, json or sarif/);
    const unknownFlag = run(['check', '--nope']);
    assert.equal(unknownFlag.code, 2);
    assert.match(unknownFlag.stderr, /Unknown option '--nope'/);
    const unknownCommand = run(['lint']);
    assert.equal(unknownCommand.code, 2);
    assert.match(unknownCommand.stderr, /unknown command "lint"/);
  });

  it('checks the bundled examples with their deliberate mistakes', () => {
    const r = run(['check', '--format', 'json', 'examples']);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as JsonOutput;
    const summary = out.findings.filter((f) => f.ruleId.startsWith('api-')).map((f) => `${f.file} ${f.ruleId} ${f.fieldPath ?? ''}`);
    assert.deepEqual(summary, [
      'examples/monitoring/prometheus-policy.yaml api-type spec.egress[0].to[0].namespaceSelector.matchLabels.monitored',
      'examples/monitoring/prometheus-policy.yaml api-unknown-field spec.egress[1].to[0].namespaceSelecter',
      'examples/monitoring/prometheus-policy.yaml api-required spec.egress[1].to[0]',
      'examples/payments/payments-policies.yaml api-forbidden spec.egress[0].to[0]',
      'examples/payments/payments-policies.yaml api-invalid spec.egress[0].to[0].ipBlock.except[0]',
      'examples/shop/api-policy.yaml api-invalid spec.egress[0].ports[0].endPort',
      'examples/shop/api-policy.yaml api-not-supported spec.egress[1].ports[0].protocol',
    ]);
  });

  it('skips files over --max-file-size with one info finding', () => {
    const r = run(['check', '--max-file-size', '10', '--format', 'json', 'test/fixtures/cli/clean/deny-all.yaml']);
    assert.equal(r.code, 0);
    const out = JSON.parse(r.stdout) as JsonOutput;
    assert.deepEqual(out.findings.map((f) => [f.ruleId, f.severity]), [['file-skipped', 'info']]);
  });
});

describe('cli: configuration and coverage', () => {
  it('prints the coverage table with --coverage', () => {
    const r = run(['check', '--coverage', 'examples']);
    assert.equal(r.code, 1);
    const table = r.stdout.slice(r.stdout.indexOf('Coverage by namespace:'));
    assert.match(table, /^namespace\s+workloads\s+deny-in\s+deny-out\s+isolated-in\s+isolated-out\s+dns-ok\s+allow-all\s+public$/m);
    assert.match(table, /^shop\s+3\s+yes\s+yes\s+3\/3\s+3\/3\s+/m);
  });

  it('reads --config, applies it, and reports its errors as findings in the config file', () => {
    const dir = join(fixtures, 'config');
    const r = run(['check', '--format', 'json', '--config', 'test/fixtures/cli/config/netpol-guardrails.yaml', 'test/fixtures/cli/config/app.yaml']);
    const out = JSON.parse(r.stdout) as JsonOutput;
    const ids = out.findings.map((f) => `${f.file} ${f.ruleId}`);
    assert.ok(dir.length > 0);
    assert.deepEqual(ids, [
      'test/fixtures/cli/config/netpol-guardrails.yaml config-invalid',
      'test/fixtures/cli/config/app.yaml workload-not-isolated',
    ]);
    assert.equal(r.code, 1, 'the config error is an error finding');
    assert.equal(run(['check', '--config', 'missing.yaml', 'examples']).code, 2);
  });
});
