/**
 * Runs the e2e suite (test/e2e/suite) in a real VS Code on a machine without a display and without
 * VS Code's download servers: VS Code's own server from the code-server npm package (installed once
 * into test/e2e/.cache/ by installVscodeServer.ts), its web workbench in headless Chromium, driven
 * by playwright-core. How and why: shared/E2E-VSCODE.md.
 *
 *   npm run test:e2e        (builds the extension, then `node --import tsx test/e2e/runE2e.ts`)
 *
 * Needs Debian's chromium (and, for the first install, g++, make, python3, libkrb5-dev):
 * .ci/e2e-deps.sh installs them. Environment: E2E_CHROMIUM (browser binary, default
 * /usr/bin/chromium), E2E_TIMEOUT_MS (deadline after the install, default 5 minutes).
 *
 * The exit code is the suite's: 0 when every scenario passed. The workbench's log, which carries the
 * extension host's console (the suite's report and its `E2E-METRICS {json}` line), goes to stdout
 * without the workbench's chatter about being offline (E2E_VERBOSE=1 shows everything). Whatever
 * happens, the browser and the server's whole process group are ended and the per-run folder is
 * removed (E2E_KEEP_RUN_DIR=1 keeps it); on failure test/e2e/.cache/failure-<time>.png (the
 * workbench), -workbench.log and -server.log are saved.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureVscodeServer, killGroup, tail } from './installVscodeServer';
import { E2E_CACHE, REPO_ROOT, assertExtensionBuilt, bundleSuite, copyWorkspace } from './prepareRun';

const RUN_TIMEOUT_MS = positiveNumber(process.env['E2E_TIMEOUT_MS']) ?? 5 * 60_000;
/** The server answers in about 1 s; a loaded 2-core machine may take much longer. */
const SERVER_READY_TIMEOUT_MS = 60_000;
const BROWSER_CLOSE_TIMEOUT_MS = 10_000;
/** SIGTERM first; what is still there this much later gets SIGKILL. */
const SERVER_TERM_GRACE_MS = 2_000;
const CHROMIUM = process.env['E2E_CHROMIUM'] ?? '/usr/bin/chromium';
/**
 * E2E_VSIX=<file.vsix>: test the packaged extension instead of the repository. The .vsix is
 * installed into the run's extensions folder with the server's own `--install-extension`, and the
 * suite runs against that installed copy (the shipped, minified files), so what users install is
 * what is tested.
 */
const VSIX = process.env['E2E_VSIX'];
/**
 * E2E_SCREENSHOTS=1: when a scenario logs `E2E-SCREENSHOT <name>`, save the workbench as
 * images/screenshots/<name>.png (the README's pictures) and drop a marker the scenario waits for
 * (E2E_SCREENSHOT_DIR in the extension host's environment) before it goes on.
 */
const SCREENSHOTS = Boolean(process.env['E2E_SCREENSHOTS']);
const SCREENSHOT_LINE = /^E2E-SCREENSHOT ([a-z0-9-]+)$/;
/**
 * Workbench log lines that say nothing about the extension: this machine is offline (no gallery,
 * no GitHub sign-in, no service worker over plain http) and chat/agent features log as they start.
 */
const WORKBENCH_CHATTER = [
  /^\[(AgentHost|ChatModelSelection|AccountPolicyGate|Service Worker|reconnection-grace-time)/,
  /^(Resolving|Resolved) connection token/,
  /^Creating a socket/,
  /^Updating additional builtin extensions cache/,
  /^Creation of workbench contribution/,
  /ENOTFOUND|ERR_NAME_NOT_RESOLVED/,
  /authentication provider 'github'/,
];
const VERBOSE = Boolean(process.env['E2E_VERBOSE']);
/** The suite's closing line, repeated as the runner's last line so a CI log ends with the count. */
const SUITE_SUMMARY = /^e2e: \d+ passed, \d+ failed$/;
let suiteSummary: string | undefined;
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

function say(line: string): void {
  process.stdout.write(`[e2e] ${line}\n`);
}

/** Cleanup steps, run last-in first-out, each to the end even when an earlier one fails. */
class Cleanup {
  private readonly steps: { name: string; run: () => Promise<void> }[] = [];
  add(name: string, run: () => Promise<void>): void {
    this.steps.push({ name, run });
  }
  async runAll(): Promise<void> {
    for (const step of this.steps.reverse()) {
      try {
        await step.run();
      } catch (error) {
        say(`cleanup "${step.name}" failed: ${String(error)}`);
      }
    }
    this.steps.length = 0;
  }
}

/**
 * Rejects when the run must stop early: the deadline, Ctrl-C, or the server, browser or page dying.
 * Every long step races against it, so the cleanup always gets its turn.
 */
class Abort {
  readonly promise: Promise<never>;
  private rejectWith: (error: Error) => void = () => undefined;
  constructor() {
    this.promise = new Promise<never>((_, reject) => {
      this.rejectWith = reject;
    });
    // nobody may be racing against it at the moment it fires
    this.promise.catch(() => undefined);
  }
  fail(error: Error): void {
    this.rejectWith(error);
  }
  race<T>(promise: Promise<T>): Promise<T> {
    return Promise.race([promise, this.promise]);
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  assertExtensionBuilt();
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: run .ci/e2e-deps.sh (apt-get install chromium) or set E2E_CHROMIUM`);
  const suite = await bundleSuite();
  const install = await ensureVscodeServer(E2E_CACHE, say);
  const installedMs = Date.now() - started;

  const abort = new Abort();
  const cleanup = new Cleanup();
  const deadline = setTimeout(() => abort.fail(new Error(`the run did not finish within ${RUN_TIMEOUT_MS / 1000} s`)), RUN_TIMEOUT_MS);
  const onSignal = (signal: NodeJS.Signals) => abort.fail(new Error(`interrupted by ${signal}`));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let page: Page | undefined;
  let serverLog: string | undefined;
  const workbenchLog: string[] = [];
  try {
    // A short path: VS Code puts IPC sockets into TMPDIR, and socket paths are limited to 107 bytes.
    const runDir = await mkdtemp(path.join(os.tmpdir(), 'netpol-e2e-'));
    if (process.env['E2E_KEEP_RUN_DIR']) cleanup.add('keep the run folder', () => Promise.resolve(say(`run folder kept: ${runDir}`)));
    else cleanup.add('remove the run folder', () => rm(runDir, { recursive: true, force: true, maxRetries: 3 }));
    const workspace = await copyWorkspace(runDir);
    serverLog = path.join(runDir, 'server.log');

    const extensionPath = VSIX ? await installVsix(install.node, install.serverMain, path.resolve(REPO_ROOT, VSIX), runDir) : REPO_ROOT;

    const port = await freePort();
    const serverStarted = Date.now();
    const server = await startServer(install.node, install.serverMain, port, runDir, serverLog, SCREENSHOTS ? { E2E_SCREENSHOT_DIR: path.join(runDir, 'screenshot-markers') } : {});
    cleanup.add('stop the VS Code server', () => stopServer(server));
    server.once('exit', (code, signal) => abort.fail(new Error(`the VS Code server exited early (${signal ?? `exit code ${String(code)}`})`)));
    await abort.race(waitForVersion(port, SERVER_READY_TIMEOUT_MS));
    const serverReadyMs = Date.now() - serverStarted;
    say(`VS Code server (${install.key}) ready on port ${port} in ${serverReadyMs} ms`);

    // signals are ours to handle: the cleanup closes the browser after the failure screenshot
    const browser: Browser = await abort.race(
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false }),
    );
    cleanup.add('close the browser', () => closeBrowser(browser));
    browser.once('disconnected', () => abort.fail(new Error('the browser went away')));
    page = await abort.race(browser.newPage({ viewport: { width: 1280, height: 800 } }));
    page.once('crash', () => abort.fail(new Error('the workbench page crashed')));
    page.on('pageerror', (error) => workbenchLog.push(`[pageerror] ${error.stack ?? error.message}`));

    let resolveExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => {
      resolveExit = resolve;
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
    const markers = path.join(runDir, 'screenshot-markers');
    const shown = page;
    await page.exposeFunction('codeAutomationLog', (level: string, args: unknown[]) => {
      const line = printWorkbenchLog(level, args);
      workbenchLog.push(line);
      const name = SCREENSHOTS ? SCREENSHOT_LINE.exec(line)?.[1] : undefined;
      if (name) void screenshot(shown, name, markers);
    });

    const workbenchStarted = Date.now();
    await abort.race(page.goto(workbenchUrl(port, workspace, suite, extensionPath), { waitUntil: 'domcontentloaded', timeout: 60_000 }));
    const code = await abort.race(exited);
    const suiteMs = Date.now() - workbenchStarted;
    say(
      `suite ${code === 0 ? 'passed' : `failed (exit code ${code})`}: install check ${installedMs} ms, server ready ${serverReadyMs} ms, ` +
        `workbench + suite ${suiteMs} ms, total ${Date.now() - started} ms`,
    );
    if (code !== 0) await reportFailure(page, workbenchLog, serverLog);
    return code;
  } catch (error) {
    say(`e2e run failed: ${error instanceof Error ? error.message : String(error)}`);
    await reportFailure(page, workbenchLog, serverLog);
    return 1;
  } finally {
    clearTimeout(deadline);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup.runAll();
  }
}

function workbenchUrl(port: number, workspace: string, suite: string, extensionPath: string): string {
  const remote = (fsPath: string) => `vscode-remote://127.0.0.1:${port}${fsPath}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extensionPath)],
    ['extensionTestsPath', remote(suite)],
    ['skipWelcome', 'true'],
  ];
  return `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Saves the workbench as images/screenshots/<name>.png, then tells the scenario (a marker file). */
async function screenshot(page: Page, name: string, markers: string): Promise<void> {
  const file = path.join(REPO_ROOT, 'images', 'screenshots', `${name}.png`);
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await page.screenshot({ path: file, timeout: 15_000 });
    say(`screenshot: ${path.relative(REPO_ROOT, file)}`);
  } catch (error) {
    say(`screenshot ${name} failed: ${String(error)}`);
  }
  await mkdir(markers, { recursive: true });
  await writeFile(path.join(markers, `${name}.done`), '');
}

/** Installs a .vsix into the run's extensions folder with the server's CLI; returns the installed folder. */
async function installVsix(node: string, serverMain: string, vsix: string, runDir: string): Promise<string> {
  if (!existsSync(vsix)) throw new Error(`E2E_VSIX: no file at ${vsix} (npm run package makes it)`);
  const extensions = path.join(runDir, 'extensions');
  const args = [serverMain, '--install-extension', vsix, '--extensions-dir', extensions, '--server-data-dir', path.join(runDir, 'server-data'), '--accept-server-license-terms'];
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(VSCODE_|ELECTRON_|npm_)/i.test(name)));
  const output: string[] = [];
  const home = path.join(runDir, 'home');
  await mkdir(home, { recursive: true });
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(node, args, { cwd: runDir, env: { ...env, HOME: home, TMPDIR: os.tmpdir() }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`installing ${vsix} failed (exit code ${String(code)}): ${output.join('').trim()}`);
  const { readdir } = await import('node:fs/promises');
  const installed = (await readdir(extensions)).find((name) => name.startsWith('netpol-guardrails.netpol-guardrails-'));
  if (!installed) throw new Error(`installing ${vsix} left no netpol-guardrails folder in ${extensions}: ${output.join('').trim()}`);
  say(`installed ${path.basename(vsix)} as ${installed}`);
  return path.join(extensions, installed);
}

/** VS Code's own server, in its own process group (it starts watcher and extension host children). */
async function startServer(node: string, serverMain: string, port: number, runDir: string, logFile: string, extraEnv: Record<string, string>): Promise<ChildProcess> {
  const home = path.join(runDir, 'home');
  const tmp = path.join(runDir, 'tmp');
  await Promise.all([mkdir(home, { recursive: true }), mkdir(tmp, { recursive: true })]);
  const args = [
    serverMain,
    ...['--host', '127.0.0.1', '--port', String(port)],
    '--without-connection-token',
    '--accept-server-license-terms',
    '--enable-smoke-test-driver',
    '--disable-telemetry',
    '--disable-workspace-trust',
    ...['--server-data-dir', path.join(runDir, 'server-data')],
    ...['--user-data-dir', path.join(runDir, 'user-data')],
    ...['--extensions-dir', path.join(runDir, 'extensions')],
  ];
  // a VS Code terminal or npm around us must not leak into the server and its extension host
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(VSCODE_|ELECTRON_|npm_)/i.test(name)));
  const log = openSync(logFile, 'a');
  try {
    const server = spawn(node, args, { cwd: runDir, env: { ...env, ...extraEnv, HOME: home, TMPDIR: tmp }, detached: true, stdio: ['ignore', log, log] });
    await new Promise<void>((resolve, reject) => {
      server.once('spawn', resolve);
      server.once('error', reject);
    });
    return server;
  } finally {
    closeSync(log);
  }
}

/** Ready when `GET /version` answers 200. Polls with a short pause: the server offers no event. */
async function waitForVersion(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/version`, { signal: AbortSignal.timeout(5_000) });
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = String(error instanceof Error && error.cause ? error.cause : error);
    }
    await delay(100);
  }
  throw new Error(`the VS Code server did not answer GET /version within ${timeoutMs / 1000} s (last: ${last})`);
}

/** SIGTERM to the whole group, then SIGKILL to whatever is left of it. */
async function stopServer(server: ChildProcess): Promise<void> {
  const exited = server.exitCode !== null || server.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => server.once('exit', () => resolve()));
  killGroup(server.pid, 'SIGTERM');
  await Promise.race([exited, delay(SERVER_TERM_GRACE_MS)]);
  killGroup(server.pid, 'SIGKILL');
  // the group is gone once signalling it fails; wait (bounded) so no process outlives the run
  for (let i = 0; i < 50 && groupAlive(server.pid); i++) await delay(100);
  if (groupAlive(server.pid)) say(`processes of group ${String(server.pid)} survived SIGKILL`);
}

function groupAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function closeBrowser(browser: Browser): Promise<void> {
  await Promise.race([
    browser.close(),
    delay(BROWSER_CLOSE_TIMEOUT_MS).then(() => say(`the browser did not close within ${BROWSER_CLOSE_TIMEOUT_MS / 1000} s`)),
  ]);
}

/**
 * codeAutomationLog receives the workbench's log, extension host console included, as a level and
 * the logged values. Prints it without the chatter and returns the full line for a failure report.
 */
function printWorkbenchLog(level: string, args: readonly unknown[]): string {
  const text = args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ');
  if (SUITE_SUMMARY.test(text)) suiteSummary = text;
  const line = level === 'error' || level === 'warn' ? `[${level}] ${text}` : text;
  if (VERBOSE || !WORKBENCH_CHATTER.some((pattern) => pattern.test(text))) process.stdout.write(`${line}\n`);
  return line;
}

/** Saves a screenshot of the workbench, the whole workbench log and the server log next to each other. */
async function reportFailure(page: Page | undefined, workbenchLog: readonly string[], serverLog: string | undefined): Promise<void> {
  const stem = path.join(E2E_CACHE, `failure-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  await mkdir(E2E_CACHE, { recursive: true });
  if (page && !page.isClosed()) {
    try {
      await page.screenshot({ path: `${stem}.png`, timeout: 10_000 });
      say(`screenshot of the workbench: ${stem}.png`);
    } catch (error) {
      say(`no screenshot: ${String(error)}`);
    }
  }
  if (workbenchLog.length > 0) {
    await writeFile(`${stem}-workbench.log`, `${workbenchLog.join('\n')}\n`);
    say(`workbench log: ${stem}-workbench.log`);
  }
  if (serverLog && existsSync(serverLog)) {
    await copyFile(serverLog, `${stem}-server.log`);
    say(`server log: ${stem}-server.log; its end:\n${await tail(serverLog, 20)}`);
  }
}

function positiveNumber(text: string | undefined): number | undefined {
  const value = Number(text);
  return text !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

// Every step above is bounded; the explicit exit covers handles a library may leave open.
main().then(
  (code) => {
    process.stdout.write(`${suiteSummary ?? `e2e: 0 passed, ${code === 0 ? 0 : 1} failed`}\n`);
    process.exitCode = code;
    setTimeout(() => process.exit(code), 5_000).unref();
  },
  (error: unknown) => {
    say(`e2e run failed before VS Code started: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.stdout.write('e2e: 0 passed, 1 failed\n');
    process.exit(1);
  },
);
