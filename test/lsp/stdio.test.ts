import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  DocumentDiagnosticRequest,
  InitializeRequest,
  InitializedNotification,
  ShutdownRequest,
  ExitNotification,
  DidOpenTextDocumentNotification,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
  type FullDocumentDiagnosticReport,
} from 'vscode-languageserver-protocol/node';
import { ClusterRequest, type ClusterStatus } from '../../server/src/protocol';

const server = join(__dirname, '..', '..', 'dist', 'server.js');

describe('standalone server: netpol-guardrails-lsp --stdio', () => {
  it('speaks LSP on stdio, as Neovim and Helix start it, and exits on exit', async () => {
    const child = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    connection.listen();
    try {
      const init = await connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: null,
        capabilities: {},
        workspaceFolders: null,
      });
      assert.equal(init.serverInfo?.name, 'netpol-guardrails');
      await connection.sendNotification(InitializedNotification.type, {});
      const uri = 'file:///tmp/p.yaml';
      await connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: {
          uri,
          languageId: 'yaml',
          version: 1,
          text: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: x\nspec:\n  podSelector: {}\n  policyTypes: [ingress]\n',
        },
      });
      const report = (await connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } })) as FullDocumentDiagnosticReport;
      assert.deepEqual(
        report.items.map((d) => [d.code, d.range.start.line, d.range.start.character]),
        [['api-not-supported', 6, 16]],
      );
      await connection.sendRequest(ShutdownRequest.type);
      await connection.sendNotification(ExitNotification.type);
      assert.equal(await exited, 0);
    } finally {
      connection.dispose();
      child.kill();
    }
  });
  it('loads @kubernetes/client-node from dist/kubernetes.js on the first cluster request, not at start', async () => {
    // the library is not in the server's bundle: startup neither parses nor runs it
    assert.doesNotMatch(readFileSync(server, 'utf8'), /class _?KubeConfig\b/);
    assert.match(readFileSync(join(__dirname, '..', '..', 'dist', 'kubernetes.js'), 'utf8'), /class _?KubeConfig\b/);
    const dir = mkdtempSync(join(tmpdir(), 'netpol-stdio-'));
    const kubeconfig = join(dir, 'config');
    writeFileSync(
      kubeconfig,
      ['apiVersion: v1', 'kind: Config', 'current-context: b', 'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]', 'users: [{name: u, user: {token: t}}]', 'contexts: [{name: a, context: {cluster: c, user: u}}, {name: b, context: {cluster: c, user: u}}]', ''].join('\n'),
    );
    const child = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, KUBECONFIG: kubeconfig } });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    connection.listen();
    try {
      await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
      await connection.sendNotification(InitializedNotification.type, {});
      // status reads the kubeconfig (through the library) and makes no network call
      const status: ClusterStatus = await connection.sendRequest(ClusterRequest.type, { action: 'status' });
      assert.equal(status.state, 'disconnected');
      assert.deepEqual(status.contexts, ['a', 'b']);
      assert.equal(status.context, 'b');
      assert.deepEqual(status.kubeconfigFiles, [kubeconfig]);
      await connection.sendRequest(ShutdownRequest.type);
      await connection.sendNotification(ExitNotification.type);
      assert.equal(await exited, 0);
    } finally {
      connection.dispose();
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
