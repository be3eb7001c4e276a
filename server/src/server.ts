import { TextDocumentSyncKind, TextDocuments, type Connection, type InitializeResult } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { registerDiagnostics } from './lsp/diagnostics';
import { SettingsCache } from './lsp/settingsCache';
import { ServerStatusNotification } from './protocol';
import { VERSION } from './version';

/**
 * Composition root: builds the pieces and wires them to a connection. Nothing here is global, so
 * tests start as many servers as they like over in-memory streams.
 */
export function startServer(connection: Connection, startedAt: number = performance.now()): void {
  const documents = new TextDocuments(TextDocument);
  let canPullConfiguration = false;
  const settings = new SettingsCache(connection, () => canPullConfiguration);

  connection.onInitialize((params): InitializeResult => {
    canPullConfiguration = params.capabilities.workspace?.configuration === true;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        diagnosticProvider: { identifier: 'netpol-guardrails', interFileDependencies: true, workspaceDiagnostics: false },
      },
      serverInfo: { name: 'netpol-guardrails', version: VERSION },
    };
  });

  connection.onInitialized(() => {
    void connection.sendNotification(ServerStatusNotification.method, {
      state: 'ready',
      startupMs: Math.round(performance.now() - startedAt),
      version: VERSION,
    });
  });

  connection.onDidChangeConfiguration(() => {
    settings.clear();
    connection.languages.diagnostics.refresh().catch((error: unknown) => {
      connection.console.log(`Diagnostics refresh not supported by the client: ${String(error)}`);
    });
  });

  registerDiagnostics(connection, documents, settings);
  documents.listen(connection);
  connection.listen();
}
