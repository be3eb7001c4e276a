/**
 * `node --import tsx bench/startup.ts`: the extension's startup cost in the real VS Code server and
 * the size of what ships, as one JSON object on stdout (progress on stderr).
 *
 * 1. packages the production .vsix (`npm run package`) and reports its size (goal: under 2 MB);
 * 2. runs the e2e suite against that installed .vsix (E2E_VSIX, test/e2e/runE2e.ts) three times
 *    and reads the suite's `E2E-METRICS` line: activate() to the server's ready notification
 *    (goal 150 ms), cut at the client's and the server's milestones (activationBreakdownMs: the
 *    client's start() call, the server process's start, the bundle loaded and listening, initialize,
 *    initialized, the ready notification received), and the server's own startup (process start,
 *    its bundle's load included, to `initialized` done, goal 500 ms). The machine's load is reported:
 *    on a shared 2-core machine it moves every figure.
 * 3. starts the packaged server alone over stdio 15 times (spawn to ready, and the server's CPU
 *    milliseconds to listening and to initialized: the part the server's code controls).
 * The medians of the runs are reported, with every run's figures.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { LspServerProcess } from './lspClient';

const ROOT = join(__dirname, '..');
const VSIX = 'netpol-guardrails.vsix';
const RUNS = 3;
const GOALS = { activationMs: 150, serverStartupMs: 500, vsixBytes: 2 * 1024 * 1024 } as const;

function progress(message: string): void {
  process.stderr.write(`startup: ${message}\n`);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

interface Metrics {
  readonly activationMs: number;
  readonly serverStartupMs: number;
  readonly firstDiagnosticsMs?: number;
  /** activationMs cut at the client's and the server's milestones (test/e2e/suite/index.ts) */
  readonly activationBreakdown?: Record<string, number>;
  /** CPU milliseconds the server process used up to listening and to initialized */
  readonly serverCpuMs?: { readonly toListening: number; readonly toInitialized: number };
}

async function main(): Promise<void> {
  progress('packaging the .vsix...');
  const packaged = spawnSync('npm', ['run', 'package', '--silent'], { cwd: ROOT, encoding: 'utf8' });
  if (packaged.status !== 0) throw new Error(`npm run package failed:\n${packaged.stdout}\n${packaged.stderr}`);
  const vsixBytes = statSync(join(ROOT, VSIX)).size;

  // the packaged server alone, as an editor starts it (`node dist/server.js --stdio`): spawn to the
  //    ready notification, many times; its CPU figures do not depend on the machine's load
  const STANDALONE_RUNS = 15;
  progress(`standalone server starts (${STANDALONE_RUNS}) of the packaged dist/server.js...`);
  const standalone: { spawnToReadyMs: number; processStartToListeningMs: number; cpuMsAtListening: number; cpuMsAtInitialized: number }[] = [];
  for (let i = 0; i < STANDALONE_RUNS; i++) {
    const spawned = Date.now();
    const server = await LspServerProcess.start(join(ROOT, 'dist', 'server.js'));
    const readyAt = Date.now();
    const timings = server.status?.timings;
    await server.stop();
    if (!timings) throw new Error('the server sent no startup timings');
    standalone.push({
      spawnToReadyMs: readyAt - spawned,
      processStartToListeningMs: timings.listeningAt - timings.processStartAt,
      cpuMsAtListening: timings.cpuMsAtListening,
      cpuMsAtInitialized: timings.cpuMsAtInitialized,
    });
  }
  const standaloneMedians = Object.fromEntries(
    (['spawnToReadyMs', 'processStartToListeningMs', 'cpuMsAtListening', 'cpuMsAtInitialized'] as const).map((key) => [key, median(standalone.map((r) => r[key]))]),
  );

  const runs: Metrics[] = [];
  for (let i = 0; i < RUNS; i++) {
    progress(`e2e run ${i + 1} of ${RUNS} against the installed .vsix...`);
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'e2e', 'runE2e.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, E2E_VSIX: VSIX },
      maxBuffer: 64 * 1024 * 1024,
    });
    const line = /E2E-METRICS (\{.*\})/.exec(run.stdout)?.[1];
    if (run.status !== 0 || !line) throw new Error(`the e2e run failed (exit code ${String(run.status)}):\n${run.stdout.slice(-4000)}\n${run.stderr.slice(-2000)}`);
    runs.push(JSON.parse(line) as Metrics);
  }

  const activationMs = median(runs.map((r) => r.activationMs));
  // the median of each step across the runs, in the order they happen
  const activationBreakdownMs = Object.fromEntries(Object.keys(runs[0]?.activationBreakdown ?? {}).map((step) => [step, median(runs.map((r) => r.activationBreakdown?.[step] ?? NaN))]));
  const load = loadavg().map((value) => Number(value.toFixed(2)));
  const serverStartupMs = median(runs.map((r) => r.serverStartupMs));
  process.stdout.write(
    `${JSON.stringify(
      {
        startup: {
          where: 'VS Code server 1.139.1 (code-server 4.139.1), web workbench in headless Chromium, the installed production .vsix',
          machine: { cpus: cpus().length, loadAverage1m5m15mAtEnd: load },
          activationMs: { median: activationMs, runs: runs.map((r) => r.activationMs), goal: GOALS.activationMs, met: activationMs <= GOALS.activationMs },
          activationBreakdownMs,
          serverCpuMs: {
            toListening: median(runs.map((r) => r.serverCpuMs?.toListening ?? NaN)),
            toInitialized: median(runs.map((r) => r.serverCpuMs?.toInitialized ?? NaN)),
          },
          serverStartupMs: { median: serverStartupMs, runs: runs.map((r) => r.serverStartupMs), goal: GOALS.serverStartupMs, met: serverStartupMs <= GOALS.serverStartupMs },
          firstDiagnosticsMs: median(runs.map((r) => r.firstDiagnosticsMs ?? NaN)),
          standaloneServer: { runs: STANDALONE_RUNS, node: process.version, serverJsBytes: statSync(join(ROOT, 'dist', 'server.js')).size, ...standaloneMedians },
          vsix: { bytes: vsixBytes, kb: Math.round(vsixBytes / 1024), goalBytes: GOALS.vsixBytes, met: vsixBytes <= GOALS.vsixBytes },
        },
      },
      null,
      2,
    )}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`startup: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
