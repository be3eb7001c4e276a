import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ReportRequest } from '../../server/src/protocol';

export const SHOW_REPORT_COMMAND = 'netpolGuardrails.showReport';

/**
 * The guardrail report (coverage, findings, connectivity) in a webview: the page the CLI writes
 * with `check --report report.html`, made by the server for the first workspace folder, under the
 * webview's content security policy. Its file links open the file at the line.
 */
export function registerReport(context: vscode.ExtensionContext, client: LanguageClient): void {
  let panel: vscode.WebviewPanel | undefined;
  context.subscriptions.push(
    vscode.commands.registerCommand(SHOW_REPORT_COMMAND, async (): Promise<{ readonly htmlLength: number }> => {
      if (!panel) {
        panel = vscode.window.createWebviewPanel('netpolGuardrails.report', 'Network Policy Guardrails report', vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [] });
        panel.onDidDispose(() => (panel = undefined));
        panel.webview.onDidReceiveMessage(async (message: { type?: string; href?: string; line?: number }) => {
          if (message.type !== 'open' || typeof message.href !== 'string') return;
          const line = Math.max(0, (message.line ?? 1) - 1);
          await vscode.window.showTextDocument(vscode.Uri.parse(message.href), { selection: new vscode.Range(line, 0, line, 0), viewColumn: vscode.ViewColumn.One });
        });
      }
      const folderUri = vscode.workspace.workspaceFolders?.[0]?.uri.toString();
      const { html } = await client.sendRequest(ReportRequest.type, { ...(folderUri !== undefined ? { folderUri } : {}), cspSource: panel.webview.cspSource });
      panel.webview.html = html;
      panel.reveal();
      return { htmlLength: html.length };
    }),
  );
}
