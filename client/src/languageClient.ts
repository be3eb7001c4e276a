import * as path from 'node:path';
import type * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { SETTINGS_SECTION, ServerStatusNotification, type InitializationOptions, type ServerStatusParams } from '../../server/src/protocol';

export interface StartedClient {
  readonly client: LanguageClient;
  readonly ready: Promise<ServerStatusParams>;
}

/** The language client; its id equals the settings prefix so `netpolGuardrails.trace.server` works. */
export function createLanguageClient(context: vscode.ExtensionContext, outputChannel: vscode.LogOutputChannel): StartedClient {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
      { scheme: 'file', language: 'json' },
      // cluster objects' read-only documents, for the diagnostics of findings about them
      { scheme: 'netpol-cluster' },
    ],
    synchronize: { configurationSection: SETTINGS_SECTION },
    outputChannel,
    // the code actions of templates that need input run a command of this client (insertTemplate.ts)
    initializationOptions: { insertTemplateCommand: true } satisfies InitializationOptions,
  };
  const client = new LanguageClient(SETTINGS_SECTION, 'Network Policy Guardrails', serverOptions, clientOptions);
  const ready = new Promise<ServerStatusParams>((resolve) => {
    context.subscriptions.push(client.onNotification(ServerStatusNotification.type, resolve));
  });
  return { client, ready };
}
