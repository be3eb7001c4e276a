/**
 * The e2e suite for an untrusted workspace (the @vscode/test-electron contract: export
 * `run(): Promise<void>`). The web runner (test/e2e/runE2e.ts) opens a fresh copy of
 * test/e2e/workspace/ with workspace trust on and nothing trusted, so VS Code runs the extension in
 * restricted mode. The machine settings name a kubeconfig whose API server is a loopback listener
 * of the runner that only counts connections (E2E_CONNECTION_COUNTER: its port and its log, one
 * line per connection), and a context to connect to: were the trust check missing, the extension
 * would connect at start. Validation must work; the cluster must never be called.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../client/src/extension';
import { pickCluster, SELECT_CLUSTER_CONTEXT } from './cluster';
import { diagnosticCode, runScenarios, waitFor, waitForDiagnostics, withDeadline, type Scenario } from './scenarioRunner';

const EXTENSION_ID = 'netpol-guardrails.netpol-guardrails';
const SOURCE = 'netpol-guardrails';

interface ConnectionCounter {
  readonly port: number;
  readonly log: string;
}

function counter(): ConnectionCounter {
  const value = process.env['E2E_CONNECTION_COUNTER'];
  assert.ok(value, 'E2E_CONNECTION_COUNTER names the runner\'s connection counter');
  return JSON.parse(value) as ConnectionCounter;
}

/** The connections the counter has accepted so far, one log line each. */
function connections(): string[] {
  return readFileSync(counter().log, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0);
}

function extensionApi(): ExtensionApi {
  const extension = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  assert.ok(extension?.isActive, `extension ${EXTENSION_ID} is active`);
  return extension.exports;
}

const scenarios: Scenario[] = [
  {
    name: 'the workspace is not trusted, and the extension activates (restricted mode) with its server ready',
    async run() {
      assert.equal(vscode.workspace.isTrusted, false, 'the folder is not trusted');
      const extension = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
      assert.ok(extension, `extension ${EXTENSION_ID} is installed`);
      const api = await extension.activate();
      await withDeadline(api.serverReady, 45_000, 'the language server to report ready');
      // the settings that would make a trusted window connect at start reached this one
      const cluster = vscode.workspace.getConfiguration('netpolGuardrails.cluster');
      assert.match(cluster.get<string>('kubeconfig', ''), /counted\.kubeconfig$/);
      assert.equal(cluster.get<string>('context', ''), 'untrusted-repo-cluster');
    },
  },
  {
    name: 'validation diagnostics work in the untrusted workspace',
    async run() {
      const folder = vscode.workspace.workspaceFolders?.[0];
      assert.ok(folder);
      const uri = vscode.Uri.joinPath(folder.uri, 'policies/api-endport.yaml');
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      const found = await waitForDiagnostics(uri, SOURCE, (ds) => ds.some((d) => diagnosticCode(d) === 'api-invalid'), 'the api-invalid diagnostic');
      assert.ok(found.some((d) => /endPort 80 is below port 8080/.test(d.message)));
    },
  },
  {
    name: 'no cluster status item, the cluster command is disabled and refuses, and no connection reaches the cluster',
    async run() {
      // the server had its settings and the window's documents for a while: nothing connected
      assert.deepEqual(connections(), [], 'no connection to the kubeconfig\'s API server since the start');
      const view = extensionApi().clusterStatusItem();
      assert.equal(view.shown, false, `the cluster item is hidden, it shows "${view.text}"`);
      assert.equal(view.status, undefined, 'no cluster status was asked for');
      const extension = vscode.extensions.getExtension(EXTENSION_ID);
      const commands = (extension?.packageJSON as { contributes?: { commands?: { command: string; enablement?: string }[] } }).contributes?.commands ?? [];
      assert.equal(commands.find((c) => c.command === SELECT_CLUSTER_CONTEXT)?.enablement, 'isWorkspaceTrusted', 'the palette disables the command');
      // run anyway (a keybinding or another extension can): it must refuse
      assert.equal(await pickCluster('untrusted-repo-cluster'), undefined);
      // a Check Workspace round trip to the server after all of the above: still nothing
      await withDeadline(Promise.resolve(vscode.commands.executeCommand('netpolGuardrails.checkWorkspace')), 60_000, 'the workspace check');
      assert.deepEqual(connections(), [], 'no connection to the kubeconfig\'s API server');
    },
  },
  {
    name: 'the connection counter sees a connection (our own probe): the zero above is an observation',
    async run() {
      const { port } = counter();
      await new Promise<void>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.end();
          resolve();
        });
        socket.once('error', reject);
      });
      const seen = await waitFor(() => Promise.resolve(connections().length > 0 ? connections() : undefined), 10_000, 'the counter to log the probe');
      assert.equal(seen.length, 1, seen.join('\n'));
    },
  },
];

export function run(): Promise<void> {
  return runScenarios('netpol-guardrails e2e (untrusted workspace)', scenarios);
}
