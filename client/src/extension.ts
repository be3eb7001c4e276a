import * as vscode from 'vscode';
import { registerCheckWorkspace } from './checkWorkspace';
import { registerReport } from './report';
import { registerClusterStatus, type ClusterStatusItemView } from './clusterStatus';
import { registerClusterObjects } from './clusterObjects';
import { registerExplainConnection } from './explainConnection';
import { registerGeneratePolicies } from './generatePolicies';
import { registerShowImpact } from './impact';
import { registerShowDrift } from './drift';
import { registerInsertTemplate } from './insertTemplate';
import { registerLoadFlows } from './loadFlows';
import { createLanguageClient, debuggingExtensionHost, serverModule } from './languageClient';
import { ServerProcess } from './serverProcess';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { ServerStartupTimings } from '../../server/src/protocol';

let client: LanguageClient | undefined;
let serverProcess: ServerProcess | undefined;

/** Startup milestones, epoch milliseconds (the client's and the server's clocks are the machine's). */
export interface StartupFigures {
  /** the server's own figure: its process start to the end of `initialized` */
  readonly startupMs: number;
  /** the server's ready notification arrived */
  readonly readyAt: number;
  /** client.start() was called (the language client then forks the server process) */
  readonly clientStartAt: number;
  /** client.start() resolved: the `initialize` answer is in and `initialized` sent */
  readonly clientStartedAt: number | undefined;
  readonly server: ServerStartupTimings;
}

/** Public API returned from activate, used by the end-to-end tests (startup figures, the status bar). */
export interface ExtensionApi {
  readonly activatedAt: number;
  readonly serverReady: Promise<StartupFigures>;
  /** what the cluster status bar item shows now */
  clusterStatusItem(): ClusterStatusItemView;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const activatedAt = Date.now();
  // the server process first: it loads while the rest of activate() runs (serverProcess.ts)
  serverProcess = debuggingExtensionHost() ? undefined : new ServerProcess(serverModule(context));
  const output = vscode.window.createOutputChannel('Network Policy Guardrails', { log: true });
  context.subscriptions.push(output);
  const started = createLanguageClient(context, output, serverProcess);
  client = started.client;
  context.subscriptions.push(client);
  // the server process starts first; the commands and the status bar are registered while it loads
  // (in this same tick, so before any message of the server is handled)
  const clientStartAt = Date.now();
  let clientStartedAt: number | undefined;
  const serverReady = started.ready.then((status) => ({ startupMs: status.startupMs, readyAt: Date.now(), clientStartAt, clientStartedAt, server: status.timings }));
  client.start().then(
    () => {
      clientStartedAt = Date.now();
    },
    (error: unknown) => {
      output.error(`The Network Policy Guardrails server failed to start: ${String(error)}`);
    },
  );
  registerCheckWorkspace(context, client);
  registerReport(context, client);
  const clusterStatus = registerClusterStatus(context, client);
  registerClusterObjects(context, client, clusterStatus.onDidChangeStatus);
  registerExplainConnection(context, client);
  registerShowImpact(context, client);
  registerShowDrift(context, client);
  registerInsertTemplate(context, client);
  registerGeneratePolicies(context, client);
  registerLoadFlows(context);
  return { activatedAt, serverReady, clusterStatusItem: clusterStatus.view };
}

export async function deactivate(): Promise<void> {
  try {
    if (client) await client.stop();
  } finally {
    serverProcess?.dispose();
    client = undefined;
    serverProcess = undefined;
  }
}
