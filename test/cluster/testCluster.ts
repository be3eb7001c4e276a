import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * The test API server for the cluster suites: a real kube-apiserver with an embedded etcd, built
 * from the Go program beside this file (see main.go) and started once per suite.
 *
 *   const cluster = await startTestCluster();
 *   ... cluster.adminKubeconfig, cluster.restrictedKubeconfig, cluster.url ...
 *   await cluster.stop();
 *
 * The binary is built once and cached in test/cluster/.cache/ (git-ignored), keyed by a hash of
 * go.mod, go.sum, the Go sources and the Go version; the first build of kube-apiserver takes
 * minutes. Without Go the suite fails with what to install: it is never skipped.
 */

const CLUSTER_DIR = __dirname;
const CACHE_DIR = join(CLUSTER_DIR, '.cache');
const BINARY_PREFIX = 'testapiserver-';
/** the first build compiles all of kube-apiserver and etcd: about 10 minutes on 2 cores */
const DEFAULT_BUILD_TIMEOUT_MS = 40 * 60_000;
const DEFAULT_READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 30_000;

/** The ready line the Go program prints on stdout (main.go readyLine). */
export interface TestClusterInfo {
  readonly url: string;
  /** the folder with the certificates, tokens, kubeconfigs and etcd data; removed on stop */
  readonly dir: string;
  readonly caFile: string;
  /** kubeconfig of a system:masters user */
  readonly adminKubeconfig: string;
  /** kubeconfig of a user who may get, list and watch namespaces and nothing else */
  readonly restrictedKubeconfig: string;
  /** both users as the contexts netpol-test-admin (current) and netpol-test-restricted */
  readonly kubeconfig: string;
  readonly adminToken: string;
  readonly restrictedToken: string;
  readonly adminUser: string;
  readonly restrictedUser: string;
  readonly etcdURL: string;
  readonly pid: number;
  /** milliseconds from the process start to the ready line, as the server measured it */
  readonly startupMillis: number;
}

export interface TestCluster extends TestClusterInfo {
  /** the CA certificate (PEM) that signed the server's certificate */
  readonly ca: string;
  /** stderr of the server so far (klog and etcd), the last lines only */
  logTail(): string;
  /** stops the server (it finishes in-flight requests, then etcd) and waits for its exit */
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly readyTimeoutMs?: number;
  readonly buildTimeoutMs?: number;
  /** extra kube-apiserver flags, e.g. ['--feature-gates=...'] */
  readonly apiserverFlags?: readonly string[];
  /** kube-apiserver log verbosity (klog -v) */
  readonly verbosity?: number;
}

/** Thrown when Go is missing or too old: the message says what to install. */
export class GoMissingError extends Error {}

function goCommand(): string {
  return process.env['GO'] ?? 'go';
}

function goVersion(): string {
  const result = spawnSync(goCommand(), ['version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new GoMissingError(
      `The cluster tests build a real kube-apiserver from test/cluster/ and need Go 1.24 or newer, but \`${goCommand()} version\` failed` +
        ` (${result.error?.message ?? result.stderr.trim()}). Install Go 1.24+ (an official Go release, or the golang.org/toolchain` +
        " module through the Go module proxy; Debian bookworm's golang-go is 1.19, too old), put it on PATH or set GO=/path/to/go, and run again.",
    );
  }
  const version = result.stdout.trim();
  const match = /go(\d+)\.(\d+)/.exec(version);
  if (match && (Number(match[1]) < 1 || (Number(match[1]) === 1 && Number(match[2]) < 24))) {
    throw new GoMissingError(`The cluster tests need Go 1.24 or newer to build kube-apiserver v1.34; found "${version}". Install a newer Go and run again.`);
  }
  return version;
}

/** The cache key: what the binary is built from. */
function sourceHash(version: string): string {
  const hash = createHash('sha256');
  hash.update(`${version}\n`);
  const files = readdirSync(CLUSTER_DIR)
    .filter((name) => name === 'go.mod' || name === 'go.sum' || name.endsWith('.go'))
    .sort();
  for (const name of files) {
    hash.update(`${name}\n`);
    hash.update(readFileSync(join(CLUSTER_DIR, name)));
    hash.update('\n');
  }
  return hash.digest('hex').slice(0, 16);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: no such process
    return false;
  }
}

/**
 * One build at a time across processes (node --test runs test files in parallel): an exclusive
 * lock file holding the builder's pid; a lock whose process is gone is taken over.
 */
async function withBuildLock<T>(deadline: number, work: () => Promise<T>): Promise<T> {
  const lockPath = join(CACHE_DIR, 'build.lock');
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSafe(lockPath));
      if (Number.isInteger(holder) && holder > 0 && !processAlive(holder)) {
        rmSync(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for another build of the test API server (lock ${lockPath}, pid ${holder})`);
      await sleep(500);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lockPath, { force: true });
  }
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // the holder removed it in between: an empty pid means "try again"
    return '';
  }
}

export interface BuildResult {
  readonly binary: string;
  /** false when the cached binary was reused */
  readonly built: boolean;
  readonly buildMillis: number;
}

/** Builds the test API server unless the binary for the current sources is cached. */
export async function buildTestApiServer(timeoutMs = DEFAULT_BUILD_TIMEOUT_MS): Promise<BuildResult> {
  const version = goVersion();
  const binary = join(CACHE_DIR, `${BINARY_PREFIX}${sourceHash(version)}`);
  if (existsSync(binary)) return { binary, built: false, buildMillis: 0 };
  mkdirSync(CACHE_DIR, { recursive: true });
  const deadline = Date.now() + timeoutMs;
  return withBuildLock(deadline, async () => {
    // another process may have built it while we waited for the lock
    if (existsSync(binary)) return { binary, built: false, buildMillis: 0 };
    const started = Date.now();
    const partial = `${binary}.partial-${process.pid}`;
    process.stderr.write(`test cluster: building the test API server (kube-apiserver + etcd) with ${version}; the first build takes several minutes\n`);
    await runGoBuild(partial, deadline);
    renameSync(partial, binary);
    for (const name of readdirSync(CACHE_DIR)) {
      if (name.startsWith(BINARY_PREFIX) && join(CACHE_DIR, name) !== binary && !name.includes('.partial-')) rmSync(join(CACHE_DIR, name), { force: true });
    }
    const buildMillis = Date.now() - started;
    process.stderr.write(`test cluster: built ${binary} (${(statSync(binary).size / 1e6).toFixed(1)} MB) in ${(buildMillis / 1000).toFixed(0)} s\n`);
    return { binary, built: true, buildMillis };
  });
}

function runGoBuild(output: string, deadline: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(goCommand(), ['build', '-trimpath', '-ldflags=-s -w', '-o', output, '.'], {
      cwd: CLUSTER_DIR,
      // -mod=mod: go.sum is committed, so this only fills the module cache through the proxy
      env: { ...process.env, GOFLAGS: '-mod=mod -buildvcs=false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output_ = '';
    const collect = (chunk: Buffer): void => {
      output_ = (output_ + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), Math.max(0, deadline - Date.now()));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else {
        rmSync(output, { force: true });
        reject(new Error(`go build of the test API server failed (${signal ?? `exit ${code}`}${signal === 'SIGKILL' ? ', build timeout' : ''}):\n${output_}`));
      }
    });
  });
}

/** Builds (if needed) and starts a test API server, resolving once it is ready. */
export async function startTestCluster(options: StartOptions = {}): Promise<TestCluster> {
  const { binary } = await buildTestApiServer(options.buildTimeoutMs);
  const args = ['-v', String(options.verbosity ?? 0)];
  if (options.apiserverFlags && options.apiserverFlags.length > 0) args.push('--', ...options.apiserverFlags);
  // stdin stays a pipe we never write: when this process dies, it closes and the server stops
  const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderrLines: string[] = [];
  const stderr = createInterface({ input: child.stderr });
  stderr.on('line', (line) => {
    stderrLines.push(line);
    if (stderrLines.length > 300) stderrLines.shift();
    if (process.env['NETPOL_TEST_CLUSTER_LOG']) process.stderr.write(`[apiserver] ${line}\n`);
  });
  const logTail = (): string => stderrLines.slice(-60).join('\n');
  const exited = new Promise<string>((resolve) => {
    child.on('exit', (code, signal) => resolve(signal ?? `exit code ${code}`));
    child.on('error', (error) => resolve(error.message));
  });

  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  let info: TestClusterInfo;
  try {
    info = await new Promise<TestClusterInfo>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the test API server was not ready within ${readyTimeoutMs} ms`)), readyTimeoutMs);
      const stdout = createInterface({ input: child.stdout });
      stdout.on('line', (line) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          // only the ready line is JSON; anything else on stdout is not ours to read
          return;
        }
        if (parsed !== null && typeof parsed === 'object' && (parsed as { ready?: unknown }).ready === true) {
          clearTimeout(timer);
          resolve(parsed as TestClusterInfo);
        }
      });
      void exited.then((how) => {
        clearTimeout(timer);
        reject(new Error(`the test API server exited before it was ready (${how})`));
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`${(error as Error).message}\n--- its last log lines ---\n${logTail()}`);
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      child.stdin.end();
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const how = await Promise.race([exited, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), STOP_TIMEOUT_MS)))]);
      clearTimeout(timer);
      if (how === undefined) {
        child.kill('SIGKILL');
        await exited;
        throw new Error(`the test API server did not stop within ${STOP_TIMEOUT_MS} ms after SIGTERM\n${logTail()}`);
      }
    })();
    return stopping;
  };
  return { ...info, ca: readFileSync(info.caFile, 'utf8'), logTail, stop };
}
