import { DidChangeWatchedFilesNotification, TextDocumentSyncKind, TextDocuments, type Connection, type InitializeResult, type WorkspaceFolder } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ClusterConnection } from './cluster/clusterConnection';
import { registerCluster } from './lsp/cluster';
import { CODE_ACTION_KINDS, registerCodeActions } from './lsp/codeActions';
import { COMPLETION_TRIGGER_CHARACTERS, registerCompletion } from './lsp/completion';
import { registerCheckWorkspace } from './lsp/checkWorkspace';
import { registerReport } from './lsp/report';
import { registerDiagnostics } from './lsp/diagnostics';
import { registerExplainConnection } from './lsp/explainConnection';
import { registerHover } from './lsp/hover';
import { registerShowImpact } from './lsp/impact';
import { SettingsCache } from './lsp/settingsCache';
import { WorkspaceIndex } from './lsp/workspaceIndex';
import { CoverageRequest, ServerStatusNotification, type CoverageParams } from './protocol';
import { VERSION } from './version';

/**
 * Composition root: builds the pieces and wires them to a connection. Nothing here is global, so
 * tests start as many servers as they like over in-memory streams.
 */
export interface ServerOptions {
  /** read large folders on worker threads running `script` (the bundle; see serverMain.ts), up to `jobs` of them */
  readonly analysisThreads?: { readonly script: string; readonly jobs: number };
}

export function startServer(connection: Connection, startedAt: number = performance.now(), serverOptions: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  let canPullConfiguration = false;
  let canRefresh = false;
  let canWatchDynamically = false;
  let hasWorkspaceFolders = false;
  let folders: WorkspaceFolder[] = [];
  const settings = new SettingsCache(connection, () => canPullConfiguration);

  /** Fire-and-forget work whose failure is logged, never an unhandled rejection. */
  const background = (what: string, work: Promise<unknown>): void => {
    work.catch((error: unknown) => connection.console.error(`${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
  };

  const refresh = (): void => {
    if (!canRefresh) return;
    connection.languages.diagnostics.refresh().catch((error: unknown) => {
      connection.console.log(`Diagnostics refresh failed: ${String(error)}`);
    });
  };

  const index = new WorkspaceIndex({
    connection,
    documents,
    settings: (uri) => settings.get(uri),
    filesExclude: async (folderUri) => {
      if (!canPullConfiguration) return {};
      try {
        const value: unknown = await connection.workspace.getConfiguration({ scopeUri: folderUri, section: 'files.exclude' });
        return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
      } catch (error) {
        connection.console.log(`files.exclude unavailable: ${String(error)}`);
        return {};
      }
    },
    onOthersChanged: refresh,
    ...(serverOptions.analysisThreads ? { analysisThreads: serverOptions.analysisThreads } : {}),
  });

  connection.onInitialize((params): InitializeResult => {
    const capabilities = params.capabilities;
    canPullConfiguration = capabilities.workspace?.configuration === true;
    canRefresh = capabilities.workspace?.diagnostics?.refreshSupport === true;
    canWatchDynamically = capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    hasWorkspaceFolders = capabilities.workspace?.workspaceFolders === true;
    folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : []);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        diagnosticProvider: { identifier: 'netpol-guardrails', interFileDependencies: true, workspaceDiagnostics: false },
        codeActionProvider: { codeActionKinds: CODE_ACTION_KINDS },
        completionProvider: { triggerCharacters: COMPLETION_TRIGGER_CHARACTERS },
        hoverProvider: true,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'netpol-guardrails', version: VERSION },
    };
  });

  connection.onInitialized(() => {
    if (canWatchDynamically) {
      background(
        'Registering file watchers',
        connection.client.register(DidChangeWatchedFilesNotification.type, {
          watchers: [{ globPattern: '**/*.{yaml,yml,json}' }, { globPattern: '**/.netpol-guardrails.yaml' }, { globPattern: '**/*.{csv,jsonl,ndjson}' }],
        }),
      );
    }
    if (hasWorkspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((event) => {
        folders = [...folders.filter((f) => !event.removed.some((r) => r.uri === f.uri)), ...event.added];
        background('Workspace scan', index.setFolders(folders));
      });
    }
    void connection.sendNotification(ServerStatusNotification.method, {
      state: 'ready',
      startupMs: Math.round(performance.now() - startedAt),
      version: VERSION,
    });
    background('Workspace scan', index.setFolders(folders));
  });

  connection.onDidChangeConfiguration(() => {
    settings.clear();
    background('Workspace rescan', index.rescanAll());
    refresh();
  });

  documents.onDidChangeContent((event) => background('Indexing an edit', index.documentChanged(event.document)));
  documents.onDidClose((event) => {
    settings.forget(event.document.uri);
    background('Indexing a close', index.documentClosed(event.document.uri));
  });
  connection.onDidChangeWatchedFiles((params) => background('Indexing file changes', index.filesChanged(params.changes.map((c) => ({ uri: c.uri, type: c.type })))));

  registerDiagnostics(connection, documents, settings, index, (uri) => index.textDocument(uri));
  registerCodeActions(connection, documents, settings, index);
  registerCompletion(connection, documents, settings, index);
  registerHover(connection, documents, settings, index);
  registerCheckWorkspace(connection, index, (uri) => index.textDocument(uri));
  registerReport(connection, index);
  registerExplainConnection(connection, index, (uri) => index.textDocument(uri));
  registerShowImpact(connection, index, (uri) => documents.get(uri), (uri) => index.textDocument(uri));
  // the live-cluster cache: cluster.snapshot() gives its objects as inventory entries, never waiting
  const cluster = new ClusterConnection({ log: (message) => connection.console.log(message) });
  registerCluster(connection, cluster, () => canPullConfiguration);
  connection.onRequest(CoverageRequest.method, (params: CoverageParams) => index.coverage(params.folderUri));
  documents.listen(connection);
  connection.listen();
}
