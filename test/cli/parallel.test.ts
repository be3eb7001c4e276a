import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generateWorkspace } from '../../bench/workspace/generateWorkspace';
import { PARALLEL_MIN_FILES } from '../../server/src/cli/loadFiles';
import { runCli } from '../../server/src/cli/main';

/**
 * `check` analyses files on worker threads when there are many (cli/loadFiles.ts). Whatever the
 * number of threads, the output must be byte for byte the one thread's: same findings, ranges,
 * related places and order, including files skipped for size or encoding and broken YAML, and
 * findings whose position is computed on the main thread from a worker's objects.
 */

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'netpol-parallel-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function check(jobs: number, extra: string[] = []): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, 'check', '--format', 'json', '--jobs', String(jobs), ...extra, '.'], { cwd: dir, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('cli check on several threads', () => {
  const files = generateWorkspace({ files: 300, resources: 1500, seed: 21 });
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.text);
  }
  // the examples (every guardrail, API errors), broken YAML, a binary file and a large one
  cpSync(join(root, 'examples'), join(dir, 'zz-examples'), { recursive: true });
  writeFileSync(join(dir, 'zz-broken.yaml'), 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: [unclosed\n');
  writeFileSync(join(dir, 'zz-binary.yaml'), Buffer.from([0, 1, 2, 3, 0, 255]));
  writeFileSync(join(dir, 'zz-large.yaml'), `# ${'x'.repeat(20_000)}\n`);

  it('gives the same output with 1, 2 and 3 threads', () => {
    assert.ok(files.length >= PARALLEL_MIN_FILES);
    const one = check(1, ['--max-file-size', '10000']);
    const parsed = JSON.parse(one.stdout) as { findings: { ruleId: string; file: string }[] };
    const rules = new Set(parsed.findings.map((f) => f.ruleId));
    for (const id of ['yaml-syntax', 'file-skipped', 'missing-default-deny']) assert.ok(rules.has(id), `${id} among ${[...rules].join(', ')}`);
    // findings in files the other threads analysed (the generated files come first, the examples last)
    assert.ok(parsed.findings.some((f) => f.file.startsWith('zz-examples')));
    for (const jobs of [2, 3]) {
      const many = check(jobs, ['--max-file-size', '10000']);
      assert.equal(many.code, one.code);
      assert.equal(many.stderr, one.stderr);
      assert.equal(many.stdout, one.stdout, `--jobs ${jobs}`);
    }
  });

  it('reads the inputs of connectivity on threads too, with the same answer as one thread', () => {
    // dist/cli.js uses its threads (it is its own worker script); in this process runCli has none
    const threaded = spawnSync(process.execPath, [cli, 'connectivity', '--format', 'json', '--max-file-size', '10000', '.'], { cwd: dir, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    let single = '';
    const code = runCli(['connectivity', '--format', 'json', '--max-file-size', '10000', '.'], { cwd: dir, stdout: (text) => (single += text), stderr: () => undefined, readStdin: () => new Uint8Array() });
    assert.equal(threaded.status, code);
    assert.ok(single.length > 1000);
    assert.equal(threaded.stdout, single);
  });
});
