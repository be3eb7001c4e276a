import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { LspServerProcess, withDeadline } from '../../bench/lspClient';
import { generateWorkspace } from '../../bench/workspace/generateWorkspace';
import { PARALLEL_MIN_FILES } from '../../server/src/analysisThreads';
import { CancellationTokenSource, WorkDoneProgress } from 'vscode-languageserver-protocol/node';
import { CheckWorkspaceRequest, CoverageRequest, ReportRequest, type CheckWorkspaceResult } from '../../server/src/protocol';

/**
 * The built server (dist/server.js) reads large folders on worker threads (analysisThreads.ts):
 * the initial scan and the workspace check. Whatever the number of threads, what the server knows
 * must be the one thread's: the same report (every finding, coverage, connectivity), the same
 * check result and the same diagnostics, including files skipped for size or encoding and broken
 * YAML. NETPOL_GUARDRAILS_JOBS forces the thread count (1: the sequential path).
 */

const root = join(__dirname, '..', '..');
const serverPath = join(root, 'dist', 'server.js');
const STEP_MS = 60_000;

interface Observed {
  readonly logs: string[];
  readonly report: string;
  readonly coverage: unknown;
  readonly check: CheckWorkspaceResult;
  readonly diagnostics: unknown[];
  /** a second check, cancelled after its first files, then a third one */
  readonly cancelled?: { readonly outcome: CheckWorkspaceResult | 'cancelled on the wire'; readonly progress: number; readonly after: CheckWorkspaceResult };
}

describe('language server: full reads on analysis threads', () => {
  let dir: string;
  let folderUri: string;
  const sample: string[] = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'netpol-threads-'));
    folderUri = pathToFileURL(dir).toString();
    const files = generateWorkspace({ files: 260, resources: 1100, seed: 5 });
    for (const f of files) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.text);
    }
    // the examples (every guardrail, API errors), broken YAML, a binary file and a large one
    cpSync(join(root, 'examples'), join(dir, 'zz-examples'), { recursive: true });
    writeFileSync(join(dir, 'zz-broken.yaml'), 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: [unclosed\n');
    writeFileSync(join(dir, 'zz-binary.yaml'), Buffer.from([0, 1, 2, 3, 0, 255]));
    writeFileSync(join(dir, 'zz-large.yaml'), `# ${'x'.repeat(6 * 1024 * 1024)}\n`);
    assert.ok(files.length >= 200 && files.length >= PARALLEL_MIN_FILES);
    for (const f of files.filter((_, i) => i % 40 === 0)) sample.push(pathToFileURL(join(dir, f.path)).toString());
    for (const name of ['zz-broken.yaml', 'zz-binary.yaml', 'zz-large.yaml']) sample.push(pathToFileURL(join(dir, name)).toString());
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function observe(jobs: number): Promise<Observed> {
    const logs: string[] = [];
    const server = await LspServerProcess.start(serverPath, [], { workspaceFolders: [folderUri], env: { ...process.env, NETPOL_GUARDRAILS_JOBS: String(jobs) }, onLog: (m) => logs.push(m) });
    try {
      // requests wait for the initial scan: the report and coverage show what it indexed
      const coverage = await withDeadline(server.connection.sendRequest(CoverageRequest.type, { folderUri }), STEP_MS, 'coverage');
      const html = (await withDeadline(server.connection.sendRequest(ReportRequest.type, { folderUri }), STEP_MS, 'report')).html;
      // the page's CSP nonce is random per render
      const report = html.replace(/nonce(-|=")[A-Za-z0-9+/=]+/g, 'nonce$1N');
      const diagnostics: unknown[] = [];
      for (const uri of sample) diagnostics.push(await server.diagnostics(uri));
      const check = await withDeadline(server.connection.sendRequest(CheckWorkspaceRequest.type, {}), STEP_MS, 'checkWorkspace');
      if (jobs === 1) return { logs, report, coverage, check, diagnostics };
      const source = new CancellationTokenSource();
      let progress = 0;
      const listening = server.connection.onProgress(WorkDoneProgress.type, 'cancel-me', (value) => {
        if (value.kind === 'report' && /^[1-9]\d* \//.test(value.message ?? '') && progress++ === 0) source.cancel();
      });
      const outcome = await withDeadline(
        server.connection.sendRequest(CheckWorkspaceRequest.type, { workDoneToken: 'cancel-me' }, source.token).then(
          (result) => result,
          () => 'cancelled on the wire' as const,
        ),
        STEP_MS,
        'the cancelled check',
      );
      listening.dispose();
      const after = await withDeadline(server.connection.sendRequest(CheckWorkspaceRequest.type, {}), STEP_MS, 'the check after the cancelled one');
      return { logs, report, coverage, check, diagnostics, cancelled: { outcome, progress, after } };
    } finally {
      await server.stop();
    }
  }

  it('indexes and checks the same as one thread', async () => {
    const one = await observe(1);
    const three = await observe(3);
    // the threads did run, for the scan and for the check, and not when told one
    assert.equal(three.logs.filter((m) => m.includes('analysis threads')).length, 3, three.logs.join('\n'));
    assert.equal(one.logs.filter((m) => m.includes('analysis threads')).length, 0, one.logs.join('\n'));
    assert.ok(one.check.completed && one.check.files > 260);
    const rules = new Set(Object.keys(one.check.byRule));
    for (const id of ['yaml-syntax', 'file-skipped', 'missing-default-deny']) assert.ok(rules.has(id), `${id} among ${[...rules].join(', ')}`);
    assert.deepEqual(three.coverage, one.coverage);
    assert.equal(three.report, one.report);
    assert.deepEqual(three.diagnostics, one.diagnostics);
    assert.deepEqual(three.check, one.check);
    // cancelled while the threads read (progress had begun): no answer or an incomplete one, and the
    // next check is whole again
    assert.ok(three.cancelled && three.cancelled.progress > 0);
    if (three.cancelled.outcome !== 'cancelled on the wire') assert.equal(three.cancelled.outcome.completed, false);
    assert.deepEqual(three.cancelled.after, one.check);
  });
});
