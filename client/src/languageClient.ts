import * as path from 'node:path';
import type * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { ServerProcess } from './serverProcess';
import { SETTINGS_SECTION, ServerStatusNotification, type InitializationOptions, type ServerStatusParams } from '../../server/src/protocol';

export interface StartedClient {
  readonly client: LanguageClient;
  readonly ready: Promise<ServerStatusParams>;
}

/** The server's bundle: dist/server.js of the extension. */
export function serverModule(context: vscode.ExtensionContext): string {
  return context.asAbsolutePath(path.join('dist', 'server.js'));
}

/** Whether the extension host runs under a debugger: the server then starts with an inspector port. */
export function debuggingExtensionHost(): boolean {
  return process.execArgv.some((arg) => /^--(inspect|debug)(-brk)?(=|$)/.test(arg));
}

/**
 * The language client; its id equals the settings prefix so `netpolGuardrails.trace.server` works.
 * With `server` (started at the top of activate, serverProcess.ts) the client uses that process;
 * without, it forks the server itself (the debug set-up, with an inspector port).
 */
export function createLanguageClient(context: vscode.ExtensionContext, outputChannel: vscode.LogOutputChannel, server?: ServerProcess): StartedClient {
  const module = serverModule(context);
  const serverOptions: ServerOptions = server
    ? server.transports(outputChannel)
    : {
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
