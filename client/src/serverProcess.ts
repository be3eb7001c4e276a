import * as cp from 'node:child_process';
import { createInterface } from 'node:readline';
import type * as vscode from 'vscode';
import { IPCMessageReader, IPCMessageWriter, type MessageTransports } from 'vscode-languageclient/node';

/**
 * The language server's process, started at the top of activate(), before the language client
 * exists: the server then loads its bundle (most of the startup time) while the extension host
 * creates the client and registers the commands, instead of after. The client gets the process
 * through a ServerOptions function (`transports`), which hands over this first process once and
 * forks a fresh one for each restart (after a crash, or `restart`).
 *
 * The process is forked as vscode-languageclient forks a `{ module, transport: ipc }` server
 * (lib/node/main.js, `startServer`): the extension host's node (ELECTRON_RUN_AS_NODE under
 * Electron), no inherited execArgv, stdio piped, `--node-ipc --clientProcessId=<pid>` so the server
 * exits with the extension host. Given transports instead of a process, the client does not kill a
 * server that outlives `stop()`: `dispose` does, as the client's `checkProcessDied` would.
 */
export class ServerProcess {
  private first: cp.ChildProcess | undefined;
  private readonly processes = new Set<cp.ChildProcess>();

  constructor(private readonly module: string) {
    this.first = this.fork();
  }

  /** The ServerOptions function: the first process, then a fresh one per call. */
  transports(output: vscode.LogOutputChannel): () => Promise<MessageTransports> {
    return () => {
      const child = this.first ?? this.fork();
      this.first = undefined;
      if (!child.pid) return Promise.reject(new Error(`Launching the server ${this.module} failed`));
      // what the server writes to stdout and stderr (not the LSP traffic: that is on the IPC channel)
      if (child.stdout) createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => output.info(line));
      if (child.stderr) createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', (line) => output.error(line));
      return Promise.resolve({ reader: new IPCMessageReader(child), writer: new IPCMessageWriter(child) });
    };
  }

  /** Kills the processes still running `graceMs` after the client stopped (its shutdown ends them first). */
  dispose(graceMs = 2000): void {
    for (const child of this.processes) {
      const timer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill();
      }, graceMs);
      timer.unref();
    }
  }

  private fork(): cp.ChildProcess {
    const child = cp.fork(this.module, ['--node-ipc', `--clientProcessId=${process.pid}`], {
      execArgv: [],
      silent: true,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ELECTRON_NO_ASAR: '1' },
    });
    this.processes.add(child);
    child.on('exit', () => this.processes.delete(child));
    // a failed fork reports here (and has no pid); the client then reports the failed start
    child.on('error', () => this.processes.delete(child));
    return child;
  }
}
