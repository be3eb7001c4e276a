import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CoverageRequest, type CoverageReport } from '../../server/src/protocol';
import { LspHarness } from './harness';

const root = join(__dirname, '..', '..');
const examples = join(root, 'examples');

function manifests(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) return manifests(full);
      return /\.(ya?ml|json)$/.test(name) ? [full] : [];
    });
}

interface Row {
  file: string;
  ruleId: string;
  severity: string;
  line: number;
  character: number;
  endLine: number;
  endCharacter: number;
  message: string;
}

const SEVERITY = ['', 'error', 'warning', 'info', 'hint'];

describe('CLI and language server agree', () => {
  let lsp: LspHarness;
  before(async () => {
    lsp = await LspHarness.start({ workspaceFolders: [pathToFileURL(examples).toString()] });
  });
  after(async () => {
    await lsp.stop();
  });

  it('gives identical findings on the examples folder', async () => {
    const cli = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'check', '--format', 'json', '.'], { cwd: examples, encoding: 'utf8' });
    const fromCli = (JSON.parse(cli.stdout) as { findings: { file: string; ruleId: string; severity: string; message: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }[] }).findings.map(
      (f): Row => ({
        file: f.file,
        ruleId: f.ruleId,
        severity: f.severity,
        line: f.range.start.line,
        character: f.range.start.character,
        endLine: f.range.end.line,
        endCharacter: f.range.end.character,
        message: f.message,
      }),
    );
    const fromServer: Row[] = [];
    for (const file of manifests(examples)) {
      const uri = pathToFileURL(file).toString();
      await lsp.open(uri, readFileSync(file, 'utf8'));
      for (const d of await lsp.diagnostics(uri)) {
        fromServer.push({
          file: relative(examples, file),
          ruleId: String(d.code),
          severity: SEVERITY[d.severity ?? 0] ?? '',
          line: d.range.start.line,
          character: d.range.start.character,
          endLine: d.range.end.line,
          endCharacter: d.range.end.character,
          message: typeof d.message === 'string' ? d.message : d.message.value,
        });
      }
    }
    const key = (r: Row): string => `${r.file}:${String(r.line).padStart(5)}:${String(r.character).padStart(5)}:${r.ruleId}:${r.message}`;
    assert.ok(fromCli.length >= 10, `the examples should have findings, got ${fromCli.length}`);
    assert.deepEqual([...fromServer].sort((a, b) => key(a).localeCompare(key(b))), [...fromCli].sort((a, b) => key(a).localeCompare(key(b))));
  });

  it('serves the coverage summary the CLI prints', async () => {
    const report = await lsp.client.sendRequest(CoverageRequest.type, {});
    const cli = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'check', '--coverage', '--format', 'json', '.'], { cwd: examples, encoding: 'utf8' });
    const fromCli = (JSON.parse(cli.stdout) as { coverage: CoverageReport }).coverage;
    assert.deepEqual(report, fromCli);
    assert.ok(report.namespaces.some((n) => n.namespace === 'shop' && n.defaultDenyIngress && n.defaultDenyEgress));
  });
});
