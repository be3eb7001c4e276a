import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  ConfigurationRequest,
  DiagnosticRefreshRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentDiagnosticRequest,
  ExitNotification,
  InitializeRequest,
  InitializedNotification,
  LogMessageNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
  type Diagnostic,
  type FullDocumentDiagnosticReport,
  type ProtocolConnection,
  type Range,
} from 'vscode-languageserver-protocol/node';
import { ServerStatusNotification, type ServerStatusParams } from '../server/src/protocol';

/** Rejects when `promise` has not settled within `ms`; the timer never outlives the promise. */
export async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The built language server as an editor runs it: `node dist/server.js --stdio` in a child
 * process, driven over its stdin/stdout. Answers workspace/configuration with `{}` (defaults).
 */
export class LspServerProcess {
  private readonly versions = new Map<string, number>();
  /** the server's ready notification (its startup figures) */
  status: ServerStatusParams | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly connection: ProtocolConnection,
    private readonly exited: Promise<number | null>,
  ) {}

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('server process has no pid');
    return this.child.pid;
  }

  /**
   * `nodeArgs` go before the script, e.g. `--cpu-prof` to profile the server; `workspaceFolders`
   * (URIs) are sent in initialize, `env` is the server process's environment, `onLog` hears the
   * server's window/logMessage from the start, `node` runs it (default: this process's Node).
   */
  static async start(
    serverPath: string,
    nodeArgs: readonly string[] = [],
    options: { workspaceFolders?: readonly string[]; env?: NodeJS.ProcessEnv; onLog?: (message: string) => void; node?: string } = {},
  ): Promise<LspServerProcess> {
    // stderr inherited: the server's own complaints show up next to our progress lines
    const child = spawn(options.node ?? process.execPath, [...nodeArgs, serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], env: options.env ?? process.env });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    if (!child.stdout || !child.stdin) throw new Error('server process has no stdio pipes');
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => ({})));
    connection.onRequest(DiagnosticRefreshRequest.type, () => undefined);
    const onLog = options.onLog;
    if (onLog) connection.onNotification(LogMessageNotification.type, (params) => onLog(params.message));
    const ready = new Promise<ServerStatusParams>((resolve) => connection.onNotification(ServerStatusNotification.type, resolve));
    connection.listen();
    const server = new LspServerProcess(child, connection, exited);
    try {
      await withDeadline(
        connection.sendRequest(InitializeRequest.type, {
          processId: process.pid,
          rootUri: null,
          capabilities: {
            workspace: { configuration: true, diagnostics: { refreshSupport: true } },
            textDocument: { diagnostic: { dynamicRegistration: false } },
          },
          workspaceFolders: options.workspaceFolders?.map((uri, i) => ({ uri, name: `folder${i}` })) ?? null,
        }),
        REQUEST_TIMEOUT_MS,
        'initialize',
      );
      await connection.sendNotification(InitializedNotification.type, {});
      server.status = await withDeadline(ready, REQUEST_TIMEOUT_MS, 'the server status notification');
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** Resident set size of the server process, in MB (Linux /proc). */
  rssMb(): number {
    return this.procStatusMb('VmRSS');
  }

  /** Peak resident set size of the server process so far (threads included), in MB. */
  peakRssMb(): number {
    return this.procStatusMb('VmHWM');
  }

  private procStatusMb(field: 'VmRSS' | 'VmHWM'): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1];
    if (kb === undefined) throw new Error(`no ${field} in /proc/${this.pid}/status`);
    return Number(kb) / 1024;
  }

  async open(uri: string, text: string): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  }

  async change(uri: string, range: Range, text: string): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ range, text }] });
  }

  async diagnostics(uri: string): Promise<Diagnostic[]> {
    const report = await withDeadline(this.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } }), REQUEST_TIMEOUT_MS, 'textDocument/diagnostic');
    if (report.kind !== 'full') throw new Error(`expected a full diagnostic report, got "${report.kind}"`);
    return (report as FullDocumentDiagnosticReport).items;
  }

  /** shutdown + exit, then SIGKILL if the process is still there after a few seconds. */
  async stop(): Promise<void> {
    try {
      if (this.child.exitCode === null) {
        await withDeadline(this.connection.sendRequest(ShutdownRequest.type), 5_000, 'shutdown');
        await this.connection.sendNotification(ExitNotification.type);
        await withDeadline(this.exited, 5_000, 'the server to exit');
      }
    } catch (error) {
      process.stderr.write(`bench: server did not stop cleanly (${String(error)}); killing it\n`);
      this.child.kill('SIGKILL');
      await this.exited;
    } finally {
      this.connection.dispose();
    }
  }

  /** Last resort for a watchdog: no protocol, just the signal. */
  kill(): void {
    this.child.kill('SIGKILL');
  }
}
