import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
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
});
