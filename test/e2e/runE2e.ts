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
 * /usr/bin/chromium), E2E_TIMEOUT_MS (deadline after the install and the test API server's start,
 * default 5 minutes). The test API server (test/cluster/testCluster.ts) is built on first use.
 *
 * The exit code is the suite's: 0 when every scenario passed. The workbench's log, which carries the
 * extension host's console (the suite's report and its `E2E-METRICS {json}` line), goes to stdout
 * without the workbench's chatter about being offline (E2E_VERBOSE=1 shows everything). Whatever
 * happens, the browser and the server's whole process group are ended and the per-run folder is
 * removed (E2E_KEEP_RUN_DIR=1 keeps it); on failure test/e2e/.cache/failure-<time>.png (the
 * workbench), -workbench.log and -server.log are saved.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, openSync, closeSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestCluster, type TestCluster } from '../cluster/testCluster';
import { ensureVscodeServer, killGroup, tail } from './installVscodeServer';
import { E2E_CACHE, REPO_ROOT, assertExtensionBuilt, bundleSuite, copyWorkspace, type E2eCluster } from './prepareRun';

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
/** a developer's quicker run: only the trusted session's scenarios whose name matches (scenarioRunner.ts) */
const ONLY_SCENARIOS = process.env['E2E_SCENARIOS'];
/**
 * A folder kept between runs (bench/startup.ts' warm starts): each session's extensions folder and
 * TMPDIR live there instead of in the run's fresh folder, as on a machine where VS Code starts again
 * with the extension already installed (what the temporary folder holds, such as the server's
 * compile cache, server/src/compileCache.ts, is then still there). Unset, every run starts clean.
 */
const SHARED_DIR = process.env['E2E_SHARED_DIR'] ? path.resolve(process.env['E2E_SHARED_DIR']) : undefined;
/** A suite's closing line; the runner's last line adds up the sessions' so a CI log ends with the count. */
const SUITE_SUMMARY = /^e2e: (\d+) passed, (\d+) failed$/;
let totals: { passed: number; failed: number } | undefined;
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

  const abort = new Abort();
  const cleanup = new Cleanup();
  // the deadline starts once the install and the test API server are ready: a first install or a
  // first build of the API server takes minutes and has its own bounds
  let deadline: NodeJS.Timeout | undefined;
  const onSignal = (signal: NodeJS.Signals) => abort.fail(new Error(`interrupted by ${signal}`));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const failures: Failure[] = [];
  try {
    // the test API server starts (about 5 s) while the suite bundles and the install is checked
    const clusterStarted = Date.now();
    const clusterStarting = startTestCluster();
    // stopped last, whatever happens to the sessions; it also dies with this process (its stdin)
    cleanup.add('stop the test API server', async () => (await clusterStarting).stop());
    const [suites, install] = await abort.race(Promise.all([bundleSuite(), ensureVscodeServer(E2E_CACHE, say)]));
    const installedMs = Date.now() - started;
    const cluster = await abort.race(clusterStarting);
    say(`test API server (kube-apiserver) ready at ${cluster.url} in ${Date.now() - clusterStarted} ms`);
    deadline = setTimeout(() => abort.fail(new Error(`the run did not finish within ${RUN_TIMEOUT_MS / 1000} s`)), RUN_TIMEOUT_MS);

    // A short path: VS Code puts IPC sockets into TMPDIR, and socket paths are limited to 107 bytes.
    const runDir = await mkdtemp(path.join(os.tmpdir(), 'netpol-e2e-'));
    if (process.env['E2E_KEEP_RUN_DIR']) cleanup.add('keep the run folder', () => Promise.resolve(say(`run folder kept: ${runDir}`)));
    else cleanup.add('remove the run folder', () => rm(runDir, { recursive: true, force: true, maxRetries: 3 }));

    const browser: Browser = await abort.race(
      // signals are ours to handle: the cleanup closes the browser after the failure screenshot
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false }),
    );
    cleanup.add('close the browser', () => closeBrowser(browser));
    browser.once('disconnected', () => abort.fail(new Error('the browser went away')));

    // 1. the main suite: a trusted workspace, the kubeconfig of the test API server in the machine settings
    const clusterFile = path.join(runDir, 'cluster.json');
    await writeFile(clusterFile, JSON.stringify(e2eClusterInfo(cluster)));
    const trusted = await runSession({
      name: 'trusted',
      dir: path.join(runDir, 'trusted'),
      suite: suites.trusted,
      workspaceTrust: false,
      machineSettings: { 'netpolGuardrails.cluster.kubeconfig': cluster.kubeconfig },
      env: { E2E_CLUSTER: clusterFile, ...(SCREENSHOTS ? { E2E_SCREENSHOT_DIR: path.join(runDir, 'trusted', 'screenshot-markers') } : {}) },
      install,
      browser,
      abort,
      cleanup,
    });
    if (trusted.code !== 0) failures.push(trusted);

    // 2. an untrusted workspace: workspace trust on, the folder not trusted, and a kubeconfig whose
    //    server is a loopback listener that only counts connections
    const untrustedSession = async (): Promise<SessionResult> => {
      const counter = await abort.race(startConnectionCounter(path.join(runDir, 'untrusted-connections.log')));
      cleanup.add('close the connection counter', () => counter.close());
      const kubeconfig = path.join(runDir, 'counted.kubeconfig');
      await writeFile(kubeconfig, countedKubeconfig(counter.port));
      const untrusted = await runSession({
        name: 'untrusted',
        dir: path.join(runDir, 'untrusted'),
        suite: suites.untrusted,
        workspaceTrust: true,
        // the context in the machine settings (not a restricted workspace setting): were the trust
        // check missing, the client would connect to it at start
        machineSettings: { 'netpolGuardrails.cluster.kubeconfig': kubeconfig, 'netpolGuardrails.cluster.context': COUNTED_CONTEXT },
        env: { E2E_CONNECTION_COUNTER: JSON.stringify({ port: counter.port, log: counter.log }) },
        install,
        browser,
        abort,
        cleanup,
      });
      // the suite's own probe is the one connection expected: anything else came from the extension
      const connections = counter.count();
      say(`connections to the untrusted workspace's cluster: ${connections} (1 expected: the suite's own probe of the counter)`);
      if (untrusted.code === 0 && connections !== 1) {
        untrusted.code = 1;
        untrusted.summary = { passed: untrusted.summary.passed, failed: untrusted.summary.failed + 1 };
        say(`FAILED: ${connections - 1} connection(s) to the cluster of an untrusted workspace, besides the probe`);
      }
      if (untrusted.code !== 0) failures.push(untrusted);
      return untrusted;
    };
    const all = [trusted];
    if (ONLY_SCENARIOS) say(`E2E_SCENARIOS=${ONLY_SCENARIOS}: the untrusted session is left out`);
    else all.push(await untrustedSession());
    totals = { passed: all.reduce((n, r) => n + r.summary.passed, 0), failed: all.reduce((n, r) => n + r.summary.failed, 0) };
    say(`${failures.length === 0 ? 'passed' : 'failed'}: install check ${installedMs} ms, ${all.map((r) => `${r.name} ${r.ms} ms`).join(', ')}, total ${Date.now() - started} ms`);
    return failures.length === 0 ? 0 : 1;
  } catch (error) {
    say(`e2e run failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    clearTimeout(deadline);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup.runAll();
  }
}

interface SessionOptions {
  /** `trusted` or `untrusted`: names the session in the log and its failure files */
  readonly name: string;
  /** the session's own folder (server data, user data, extensions, workspace copy, HOME, TMPDIR) */
  readonly dir: string;
  /** the bundled suite module (exports run()) */
  readonly suite: string;
  /** false: --disable-workspace-trust; true: trust is on and the fresh folder is not trusted */
  readonly workspaceTrust: boolean;
  /** written to the server's machine settings (`<user-data-dir>/Machine/settings.json`) */
  readonly machineSettings: Record<string, unknown>;
  /** added to the server's environment, which its extension host inherits */
  readonly env: Record<string, string>;
  readonly install: { readonly node: string; readonly serverMain: string; readonly key: string };
  readonly browser: Browser;
  readonly abort: Abort;
  readonly cleanup: Cleanup;
}

interface Failure {
  readonly name: string;
  code: number;
}

interface SessionResult extends Failure {
  summary: { passed: number; failed: number };
  readonly ms: number;
}

/**
 * One VS Code server with one workbench page running one suite: returns the suite's exit code
 * (0 when every scenario passed) and its counts. The server is stopped and the page closed before
 * it returns; on failure the screenshot and logs are saved first.
 */
async function runSession(options: SessionOptions): Promise<SessionResult> {
  const { abort, install } = options;
  const started = Date.now();
  let page: Page | undefined;
  const serverLog = path.join(options.dir, 'server.log');
  const workbenchLog: string[] = [];
  let summary: { passed: number; failed: number } | undefined;
  const local = new Cleanup();
  say(`session "${options.name}": workspace trust ${options.workspaceTrust ? 'on, folder not trusted' : 'off (--disable-workspace-trust)'}`);
  try {
    await mkdir(options.dir, { recursive: true });
    const workspace = await copyWorkspace(options.dir);
    const machineSettings = path.join(options.dir, 'user-data', 'Machine', 'settings.json');
    await mkdir(path.dirname(machineSettings), { recursive: true });
    await writeFile(machineSettings, `${JSON.stringify(options.machineSettings, null, 2)}\n`);

    const kept = SHARED_DIR ? path.join(SHARED_DIR, options.name) : options.dir;
    const extensionPath = VSIX ? await installVsix(install.node, install.serverMain, path.resolve(REPO_ROOT, VSIX), options.dir, path.join(kept, 'extensions')) : REPO_ROOT;

    const port = await freePort();
    const serverStarted = Date.now();
    const server = await startServer(install.node, install.serverMain, port, options.dir, kept, serverLog, options.env, options.workspaceTrust);
    const exitedEarly = new Promise<never>((_, reject) => {
      server.once('exit', (code, signal) => reject(new Error(`the VS Code server exited early (${signal ?? `exit code ${String(code)}`})`)));
    });
    exitedEarly.catch(() => undefined);
    local.add('stop the VS Code server', () => stopServer(server));
    // both the cleanup of the whole run and the session's own stop it; stopping twice is harmless
    options.cleanup.add(`stop the ${options.name} VS Code server`, () => stopServer(server));
    const race = <T>(promise: Promise<T>): Promise<T> => abort.race(Promise.race([promise, exitedEarly]));
    await race(waitForVersion(port, SERVER_READY_TIMEOUT_MS));
    const serverReadyMs = Date.now() - serverStarted;
    say(`VS Code server (${install.key}) ready on port ${port} in ${serverReadyMs} ms`);

    // a fresh browser context: no storage, so no remembered trust decision
    const browserContext = await race(options.browser.newContext({ viewport: { width: 1280, height: 800 } }));
    local.add('close the page', () => closeContext(browserContext));
    page = await race(browserContext.newPage());
    const crashed = new Promise<never>((_, reject) => page?.once('crash', () => reject(new Error('the workbench page crashed'))));
    crashed.catch(() => undefined);
    page.on('pageerror', (error) => workbenchLog.push(`[pageerror] ${error.stack ?? error.message}`));

    let resolveExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => {
      resolveExit = resolve;
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
    const markers = options.env['E2E_SCREENSHOT_DIR'];
    const shown = page;
    await page.exposeFunction('codeAutomationLog', (level: string, args: unknown[]) => {
      const line = printWorkbenchLog(level, args);
      workbenchLog.push(line);
      const counts = SUITE_SUMMARY.exec(line);
      if (counts) summary = { passed: Number(counts[1]), failed: Number(counts[2]) };
      const name = markers ? SCREENSHOT_LINE.exec(line)?.[1] : undefined;
      if (name && markers) void screenshot(shown, name, markers);
    });

    const workbenchStarted = Date.now();
    await race(page.goto(workbenchUrl(port, workspace, options.suite, extensionPath), { waitUntil: 'domcontentloaded', timeout: 60_000 }));
    const code = await race(Promise.race([exited, crashed]));
    say(
      `session "${options.name}" ${code === 0 ? 'passed' : `failed (exit code ${code})`}: server ready ${serverReadyMs} ms, ` +
        `workbench + suite ${Date.now() - workbenchStarted} ms`,
    );
    if (code !== 0) await reportFailure(options.name, page, workbenchLog, serverLog);
    return { name: options.name, code, summary: summary ?? { passed: 0, failed: code === 0 ? 0 : 1 }, ms: Date.now() - started };
  } catch (error) {
    say(`session "${options.name}" failed: ${error instanceof Error ? error.message : String(error)}`);
    await reportFailure(options.name, page, workbenchLog, serverLog);
    return { name: options.name, code: 1, summary: { passed: summary?.passed ?? 0, failed: (summary?.failed ?? 0) + 1 }, ms: Date.now() - started };
  } finally {
    await local.runAll();
  }
}

/** What the suite may use of the test API server (E2E_CLUSTER names a file with this JSON). */
function e2eClusterInfo(cluster: TestCluster): E2eCluster {
  return {
    url: cluster.url,
    ca: cluster.ca,
    kubeconfig: cluster.kubeconfig,
    adminContext: 'netpol-test-admin',
    restrictedContext: 'netpol-test-restricted',
    adminToken: cluster.adminToken,
  };
}

const COUNTED_CONTEXT = 'untrusted-repo-cluster';

/** A kubeconfig whose only cluster is the connection counter (the token is never sent: TLS fails first). */
function countedKubeconfig(port: number): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    `current-context: ${COUNTED_CONTEXT}`,
    'clusters:',
    `  - name: counted`,
    '    cluster:',
    `      server: https://127.0.0.1:${port}`,
    '      insecure-skip-tls-verify: true',
    'users:',
    '  - name: counted',
    '    user:',
    '      token: not-a-real-token',
    'contexts:',
    `  - name: ${COUNTED_CONTEXT}`,
    '    context:',
    '      cluster: counted',
    '      user: counted',
    '',
  ].join('\n');
}

interface ConnectionCounter {
  readonly port: number;
  /** one line per accepted connection, for the suite to read */
  readonly log: string;
  count(): number;
  close(): Promise<void>;
}

/**
 * A loopback TCP listener that counts the connections it accepts (each is logged and closed at
 * once). Not a Kubernetes API: it only proves whether anything tried to reach the cluster.
 */
async function startConnectionCounter(log: string): Promise<ConnectionCounter> {
  await writeFile(log, '');
  let count = 0;
  const server = createServer((socket) => {
    count++;
    appendFileSync(log, `${new Date().toISOString()} connection ${count} from ${socket.remoteAddress ?? '?'}:${String(socket.remotePort)}\n`);
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('the connection counter has no port');
  return {
    port: address.port,
    log,
    count: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
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

/** Installs a .vsix into `extensions` with the server's CLI (again over the same version: --force); returns the installed folder. */
async function installVsix(node: string, serverMain: string, vsix: string, runDir: string, extensions: string): Promise<string> {
  if (!existsSync(vsix)) throw new Error(`E2E_VSIX: no file at ${vsix} (npm run package makes it)`);
  const args = [serverMain, '--install-extension', vsix, '--force', '--extensions-dir', extensions, '--server-data-dir', path.join(runDir, 'server-data'), '--accept-server-license-terms'];
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

/**
 * VS Code's own server, in its own process group (it starts watcher and extension host children).
 * `keptDir` holds its extensions folder and TMPDIR: the run's folder, or the session's in E2E_SHARED_DIR.
 */
async function startServer(node: string, serverMain: string, port: number, runDir: string, keptDir: string, logFile: string, extraEnv: Record<string, string>, workspaceTrust: boolean): Promise<ChildProcess> {
  const home = path.join(runDir, 'home');
  const tmp = path.join(keptDir, 'tmp');
  await Promise.all([mkdir(home, { recursive: true }), mkdir(tmp, { recursive: true })]);
  const args = [
    serverMain,
    ...['--host', '127.0.0.1', '--port', String(port)],
    '--without-connection-token',
    '--accept-server-license-terms',
    '--enable-smoke-test-driver',
    '--disable-telemetry',
    // without it the workbench decides trust itself: a folder nobody trusted yet is not trusted
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    ...['--server-data-dir', path.join(runDir, 'server-data')],
    ...['--user-data-dir', path.join(runDir, 'user-data')],
    ...['--extensions-dir', path.join(keptDir, 'extensions')],
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

async function closeContext(context: BrowserContext): Promise<void> {
  await boundedClose(context.close(), 'the workbench page');
}

async function closeBrowser(browser: Browser): Promise<void> {
  await boundedClose(browser.close(), 'the browser');
}

/** Waits for `closing` at most BROWSER_CLOSE_TIMEOUT_MS, and says so when it took longer. */
async function boundedClose(closing: Promise<void>, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      say(`${what} did not close within ${BROWSER_CLOSE_TIMEOUT_MS / 1000} s`);
      resolve();
    }, BROWSER_CLOSE_TIMEOUT_MS);
  });
  try {
    await Promise.race([closing, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * codeAutomationLog receives the workbench's log, extension host console included, as a level and
 * the logged values. Prints it without the chatter and returns the full line for a failure report.
 */
function printWorkbenchLog(level: string, args: readonly unknown[]): string {
  const text = args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ');
  const line = level === 'error' || level === 'warn' ? `[${level}] ${text}` : text;
  if (VERBOSE || !WORKBENCH_CHATTER.some((pattern) => pattern.test(text))) process.stdout.write(`${line}\n`);
  return line;
}

/** Saves a screenshot of the workbench, the whole workbench log and the server log next to each other. */
async function reportFailure(session: string, page: Page | undefined, workbenchLog: readonly string[], serverLog: string | undefined): Promise<void> {
  const stem = path.join(E2E_CACHE, `failure-${new Date().toISOString().replace(/[:.]/g, '-')}-${session}`);
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

// A parent that died (a killed benchmark) closes our stdout: the cleanup must still run.
process.stdout.on('error', () => undefined);
// Every step above is bounded; the explicit exit covers handles a library may leave open.
main().then(
  (code) => {
    process.stdout.write(`e2e: ${totals?.passed ?? 0} passed, ${totals?.failed ?? (code === 0 ? 0 : 1)} failed\n`);
    process.exitCode = code;
    setTimeout(() => process.exit(code), 5_000).unref();
  },
  (error: unknown) => {
    say(`e2e run failed before VS Code started: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.stdout.write('e2e: 0 passed, 1 failed\n');
    process.exit(1);
  },
);
