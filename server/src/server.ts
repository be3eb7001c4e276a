import { ConnectionError, ConnectionErrors, DidChangeWatchedFilesNotification, ResponseError, TextDocumentSyncKind, TextDocuments, type Connection, type InitializeResult, type WorkspaceFolder } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ClusterConnection } from './cluster/clusterConnection';
import { registerCluster } from './lsp/cluster';
import { CODE_ACTION_KINDS, registerCodeActions } from './lsp/codeActions';
import { COMPLETION_TRIGGER_CHARACTERS, registerCompletion } from './lsp/completion';
import { registerCheckWorkspace } from './lsp/checkWorkspace';
import { registerReport } from './lsp/report';
import { registerDiagnostics } from './lsp/diagnostics';
import { registerExplainConnection } from './lsp/explainConnection';
import { registerGeneratePolicies } from './lsp/generatePolicies';
import { registerHover } from './lsp/hover';
import { LiveClusterView, feedClusterInventory } from './lsp/liveCluster';
import { registerShowImpact } from './lsp/impact';
import { registerShowDrift } from './lsp/drift';
import { registerTemplates } from './lsp/templates';
import type { ClientFeatures } from './lsp/authoringEdits';
import { SettingsCache } from './lsp/settingsCache';
import { WorkspaceIndex } from './lsp/workspaceIndex';
import { compileCacheDirectory, flushCompileCache } from './compileCache';
import { CoverageRequest, ServerStatusNotification, type CoverageParams, type InitializationOptions } from './protocol';
import { VERSION } from './version';

/**
 * Composition root: builds the pieces and wires them to a connection. Nothing here is global, so
 * tests start as many servers as they like over in-memory streams.
 */
export interface ServerOptions {
  /** read large folders on worker threads running `script` (the bundle; see serverMain.ts), up to `jobs` of them */
  readonly analysisThreads?: { readonly script: string; readonly jobs: number };
}

/** The connection was disposed (the client shut the server down while a request was out). */
function disposed(error: unknown): boolean {
  if (error instanceof ConnectionError) return error.code === ConnectionErrors.Disposed || error.code === ConnectionErrors.Closed;
  return error instanceof ResponseError && /disposed/i.test(error.message);
}

export function startServer(connection: Connection, startedAt: number = performance.now(), serverOptions: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  let canPullConfiguration = false;
  let canRefresh = false;
  let canWatchDynamically = false;
  let hasWorkspaceFolders = false;
  let folders: WorkspaceFolder[] = [];
  let clientFeatures: ClientFeatures = { createFiles: false, insertTemplateCommand: false };
  const settings = new SettingsCache(connection, () => canPullConfiguration);

  // late events (a cluster watch, a refresh racing the shutdown) may arrive after the connection is closed
  const log = (message: string, level: 'log' | 'error' = 'log'): void => {
    try {
      connection.console[level](message);
    } catch {
      // the connection is disposed: there is nowhere left to log to
    }
  };

  /** Fire-and-forget work whose failure is logged, never an unhandled rejection (even after shutdown). */
  const background = (what: string, work: Promise<unknown>): void => {
    work.catch((error: unknown) => log(`${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, 'error'));
  };

  const refresh = (): void => {
    if (!canRefresh) return;
    connection.languages.diagnostics.refresh().catch((error: unknown) => {
      // a refresh racing the shutdown finds the connection disposed: logging would throw too
      if (disposed(error)) return;
      log(`Diagnostics refresh failed: ${String(error)}`);
    });
  };

  // the live-cluster cache: cluster.snapshot() gives its objects as inventory entries, never waiting
  const cluster = new ClusterConnection({ log });

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
    externalText: (uri) => cluster.objectText(uri),
    ...(serverOptions.analysisThreads ? { analysisThreads: serverOptions.analysisThreads } : {}),
  });

  const epoch = (at: number): number => Math.round(performance.timeOrigin + at);
  const cpuMs = (): number => {
    const { user, system } = process.cpuUsage();
    return Math.round((user + system) / 1000);
  };
  const listeningAt = performance.now();
  const cpuMsAtListening = cpuMs();
  let initializeAt = listeningAt;
  connection.onInitialize((params): InitializeResult => {
    initializeAt = performance.now();
    const capabilities = params.capabilities;
    canPullConfiguration = capabilities.workspace?.configuration === true;
    canRefresh = capabilities.workspace?.diagnostics?.refreshSupport === true;
    canWatchDynamically = capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    hasWorkspaceFolders = capabilities.workspace?.workspaceFolders === true;
    folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : []);
    const workspaceEdit = capabilities.workspace?.workspaceEdit;
    const initializationOptions = (params.initializationOptions ?? {}) as InitializationOptions;
    clientFeatures = {
      createFiles: workspaceEdit?.documentChanges === true && (workspaceEdit.resourceOperations ?? []).includes('create'),
      insertTemplateCommand: initializationOptions.insertTemplateCommand === true,
    };
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
    const initializedAt = performance.now();
    // ready first: the client waits for it, the watcher registration below does not need waiting for
    void connection.sendNotification(ServerStatusNotification.method, {
      state: 'ready',
      startupMs: Math.round(performance.now() - startedAt),
      version: VERSION,
      timings: {
        processStartAt: epoch(0),
        listeningAt: epoch(listeningAt),
        initializeAt: epoch(initializeAt),
        initializedAt: epoch(initializedAt),
        cpuMsAtListening,
        cpuMsAtInitialized: cpuMs(),
        compileCache: compileCacheDirectory(),
      },
    });
    // what the start compiled, on disk at once (a window closed soon after still leaves it for the next start)
    setImmediate(flushCompileCache);
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
    // the first scan has compiled what a start and an analysis run: the next start finds it cached
    background('Workspace scan', index.setFolders(folders).finally(flushCompileCache));
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
  registerCodeActions(connection, documents, settings, index, () => clientFeatures);
  registerTemplates(connection, documents, settings, index, () => clientFeatures);
  registerCompletion(connection, documents, settings, index);
  registerCheckWorkspace(connection, index, (uri) => index.textDocument(uri));
  registerReport(connection, index);
  registerExplainConnection(connection, index, (uri) => index.textDocument(uri));
  registerShowImpact(connection, index, (uri) => documents.get(uri), (uri) => index.textDocument(uri));
  registerGeneratePolicies(connection, index);
  // cluster objects in the rules and the reachability engine (netpolGuardrails.cluster.inventorySource)
  const feed = feedClusterInventory(cluster, (objects) => index.setClusterObjects(objects), { log });
  registerCluster(connection, cluster, () => canPullConfiguration, [feed]);
  registerShowDrift(connection, index, cluster, (uri) => index.textDocument(uri));
  const live = new LiveClusterView(cluster);
  registerHover(connection, documents, settings, index, () => live.current());
  connection.onRequest(CoverageRequest.method, (params: CoverageParams) => index.coverage(params.folderUri));
  documents.listen(connection);
  connection.listen();
}
