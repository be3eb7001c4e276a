import * as vscode from 'vscode';
import { registerCheckWorkspace } from './checkWorkspace';
import { registerReport } from './report';
import { registerClusterStatus } from './clusterStatus';
import { registerExplainConnection } from './explainConnection';
import { registerShowImpact } from './impact';
import { registerLoadFlows } from './loadFlows';
import { createLanguageClient } from './languageClient';
import type { LanguageClient } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

/** Public API returned from activate, used by the end-to-end tests to measure startup. */
export interface ExtensionApi {
  readonly activatedAt: number;
  readonly serverReady: Promise<{ readonly startupMs: number; readonly readyAt: number }>;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const activatedAt = Date.now();
  const output = vscode.window.createOutputChannel('Network Policy Guardrails', { log: true });
  context.subscriptions.push(output);
  const started = createLanguageClient(context, output);
  client = started.client;
  context.subscriptions.push(client);
  registerCheckWorkspace(context, client);
  registerReport(context, client);
  registerClusterStatus(context, client);
  registerExplainConnection(context, client);
  registerShowImpact(context, client);
  registerLoadFlows(context);
  const serverReady = started.ready.then((status) => ({ startupMs: status.startupMs, readyAt: Date.now() }));
  void client.start().catch((error: unknown) => {
    output.error(`The Network Policy Guardrails server failed to start: ${String(error)}`);
  });
  return { activatedAt, serverReady };
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
  client = undefined;
}
