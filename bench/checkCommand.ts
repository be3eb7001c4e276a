/**
 * `node --import tsx bench/checkCommand.ts`: the workspace check command (issue 8, performance)
 * through the built language server, as the editor drives it. Prints one JSON object on stdout;
 * progress goes to stderr.
 *
 * A 35,000-file / 50,000-resource tree (the CLI scale bench's, generateWorkspace seed 11) is written
 * to a temporary folder, `node dist/server.js --stdio` starts with it as its workspace folder, and:
 * 1. initial scan: from the spawn until a coverage request (answered after the scan) returns
 * 2. check: netpolGuardrails/checkWorkspace with a work-done token, end to end
 * 3. report: netpolGuardrails/report (the webview's HTML), end to end
 * Goal: check + report within 10 s. Also the server's peak RSS (VmHWM, threads included).
 *
 * BENCH_SERVER_JOBS sets NETPOL_GUARDRAILS_JOBS for the server (1 = the sequential path);
 * BENCH_SERVER_PATH runs another build of the server.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { WorkDoneProgress } from 'vscode-languageserver-protocol/node';
import { CheckWorkspaceRequest, CoverageRequest, ReportRequest } from '../server/src/protocol';
import { LspServerProcess, withDeadline } from './lspClient';
import { generateWorkspace } from './workspace/generateWorkspace';

const SERVER_PATH = process.env.BENCH_SERVER_PATH ?? join(__dirname, '..', 'dist', 'server.js');
const GOAL_SECONDS = 10;
const STEP_TIMEOUT_MS = 600_000;

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}
const seconds = (since: number): number => Math.round((performance.now() - since) / 10) / 100;

async function main(): Promise<void> {
  const files = generateWorkspace({ files: 35000, resources: 50000, seed: 11 });
  const dir = mkdtempSync(join(tmpdir(), 'netpol-check-bench-'));
  let server: LspServerProcess | undefined;
  try {
    progress(`writing ${files.length} files to ${dir}`);
    for (const f of files) {
      const path = join(dir, f.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.text);
    }
    const folderUri = pathToFileURL(dir).toString();
    const jobs = process.env.BENCH_SERVER_JOBS;
    const env = jobs !== undefined ? { ...process.env, NETPOL_GUARDRAILS_JOBS: jobs } : process.env;

    progress('starting the server and waiting for the initial scan');
    const scanStart = performance.now();
    server = await LspServerProcess.start(SERVER_PATH, [], { workspaceFolders: [folderUri], env });
    const coverage = await withDeadline(server.connection.sendRequest(CoverageRequest.type, { folderUri }), STEP_TIMEOUT_MS, 'coverage after the initial scan');
    const initialScanSeconds = seconds(scanStart);
    const rssAfterScanMb = Math.round(server.rssMb());

    progress('checking the workspace');
    const token = 'bench-check';
    let reports = 0;
    let lastMessage = '';
    const listener = server.connection.onProgress(WorkDoneProgress.type, token, (value) => {
      if (value.kind === 'report') {
        reports++;
        lastMessage = value.message ?? lastMessage;
      }
    });
    const checkStart = performance.now();
    const check = await withDeadline(server.connection.sendRequest(CheckWorkspaceRequest.type, { workDoneToken: token }), STEP_TIMEOUT_MS, 'checkWorkspace');
    const checkSeconds = seconds(checkStart);
    listener.dispose();

    progress('building the report');
    const reportStart = performance.now();
    const report = await withDeadline(server.connection.sendRequest(ReportRequest.type, { folderUri }), STEP_TIMEOUT_MS, 'report');
    const reportSeconds = seconds(reportStart);
    const peakRssMb = Math.round(server.peakRssMb());

    const total = Math.round((checkSeconds + reportSeconds) * 100) / 100;
    const result = {
      input: { files: files.length, resources: files.reduce((n, f) => n + f.resources, 0), bytes: files.reduce((n, f) => n + f.text.length, 0) },
      serverJobs: jobs ?? 'default',
      initialScanSeconds,
      checkSeconds,
      reportSeconds,
      checkPlusReportSeconds: total,
      peakRssMb,
      rssAfterScanMb,
      check: { completed: check.completed, files: check.files, counts: check.counts, filesWithProblems: check.problems.length, progressReports: reports, lastProgress: lastMessage },
      report: { htmlBytes: report.html.length },
      coverageNamespaces: coverage.namespaces.length,
      goalSeconds: GOAL_SECONDS,
      met: total <= GOAL_SECONDS,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
