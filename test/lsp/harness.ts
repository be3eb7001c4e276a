import { PassThrough } from 'node:stream';
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import {
  ConfigurationRequest,
  DiagnosticRefreshRequest,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentDiagnosticRequest,
  InitializeRequest,
  InitializedNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
  type Diagnostic,
  type FullDocumentDiagnosticReport,
  type InitializeResult,
  type ProtocolConnection,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { startServer } from '../../server/src/server';
import { ServerStatusNotification, type ServerStatusParams } from '../../server/src/protocol';

/**
 * A real server and a real protocol client over in-memory streams. The client answers
 * workspace/configuration from `settings` (per scopeUri and section) and counts diagnostic refreshes.
 */
export class LspHarness {
  readonly client: ProtocolConnection;
  settings: (scopeUri: string | undefined, section: string | undefined) => unknown = () => ({});
  refreshes = 0;
  /** the server's window/logMessage lines, in order */
  readonly logs: string[] = [];
  readonly ready: Promise<ServerStatusParams>;
  private versions = new Map<string, number>();

  private streams: PassThrough[] = [];
  private serverConnection: { dispose(): void } | undefined;

  private constructor(client: ProtocolConnection) {
    this.client = client;
    this.ready = new Promise((resolve) => client.onNotification(ServerStatusNotification.method, (p: ServerStatusParams) => resolve(p)));
    client.onRequest(ConfigurationRequest.type, (params) => params.items.map((item) => this.settings(item.scopeUri, item.section)));
    client.onRequest(DiagnosticRefreshRequest.type, () => {
      this.refreshes++;
    });
    client.onNotification('window/logMessage', (params: { message: string }) => {
      this.logs.push(params.message);
    });
  }

  /**
   * `workspaceEdit`: the client applies documentChanges with create operations (VS Code does);
   * `initializationOptions`: as the VS Code client sends them.
   */
  static async start(options: { configuration?: boolean; workspaceFolders?: string[]; workspaceEdit?: boolean; initializationOptions?: unknown } = {}): Promise<LspHarness> {
    const up = new PassThrough();
    const down = new PassThrough();
    const serverConnection = createConnection(ProposedFeatures.all, new StreamMessageReader(up), new StreamMessageWriter(down));
    startServer(serverConnection);
    const client = createProtocolConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
    const harness = new LspHarness(client);
    harness.streams = [up, down];
    harness.serverConnection = serverConnection;
    client.listen();
    const result: InitializeResult = await client.sendRequest(InitializeRequest.type, {
      processId: null,
      rootUri: null,
      capabilities: {
        workspace: {
          configuration: options.configuration ?? true,
          diagnostics: { refreshSupport: true },
          workspaceFolders: true,
          ...(options.workspaceEdit ? { workspaceEdit: { documentChanges: true, resourceOperations: ['create' as const] } } : {}),
        },
        textDocument: { diagnostic: { dynamicRegistration: false } },
      },
      workspaceFolders: options.workspaceFolders?.map((uri, i) => ({ uri, name: `folder${i}` })) ?? null,
      ...(options.initializationOptions !== undefined ? { initializationOptions: options.initializationOptions } : {}),
    });
    harness.initializeResult = result;
    await client.sendNotification(InitializedNotification.type, {});
    return harness;
  }

  initializeResult: InitializeResult | undefined;

  async open(uri: string, text: string, languageId = 'yaml'): Promise<void> {
    this.versions.set(uri, 1);
    await this.client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
  }

  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.client.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
  }

  async close(uri: string): Promise<void> {
    await this.client.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async configurationChanged(): Promise<void> {
    await this.client.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  async filesChanged(changes: { uri: string; type: 1 | 2 | 3 }[]): Promise<void> {
    await this.client.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
  }

  async diagnostics(uri: string): Promise<Diagnostic[]> {
    const report = (await this.client.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } })) as FullDocumentDiagnosticReport;
    return report.items;
  }

  async stop(): Promise<void> {
    // no `exit` notification: vscode-languageserver/node answers it with process.exit()
    await this.client.sendRequest(ShutdownRequest.type);
    this.client.dispose();
    this.serverConnection?.dispose();
    for (const stream of this.streams) stream.destroy();
  }
}

/** Waits for a condition with a deadline, never a fixed sleep. */
export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
