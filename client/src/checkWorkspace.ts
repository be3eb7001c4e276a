import * as vscode from 'vscode';
import { WorkDoneProgress, type LanguageClient } from 'vscode-languageclient/node';
import { CheckWorkspaceRequest, type CheckWorkspaceResult } from '../../server/src/protocol';

export const CHECK_WORKSPACE_COMMAND = 'netpolGuardrails.checkWorkspace';

/**
 * "Network Policy Guardrails: Check Workspace": the server reads every file again and runs every
 * rule, with a cancellable progress notification (files done / total). The Problems panel then
 * shows the findings of files that are not open (a snapshot of this check; open files keep their
 * live diagnostics, so a file leaves the snapshot when it is opened). Returns the result for
 * tests and for the report.
 */
export function registerCheckWorkspace(context: vscode.ExtensionContext, client: LanguageClient): void {
  const snapshot = vscode.languages.createDiagnosticCollection('netpol-guardrails-check');
  context.subscriptions.push(
    snapshot,
    vscode.workspace.onDidOpenTextDocument((document) => snapshot.delete(document.uri)),
    vscode.commands.registerCommand(CHECK_WORKSPACE_COMMAND, () => checkWorkspace(client, snapshot)),
  );
}

let runs = 0;

async function checkWorkspace(client: LanguageClient, snapshot: vscode.DiagnosticCollection): Promise<CheckWorkspaceResult | undefined> {
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Network Policy Guardrails: checking the workspace', cancellable: true },
    async (progress, token) => {
      const workDoneToken = `netpol-guardrails-check-${++runs}`;
      let reported = 0;
      const listening = client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
        if (value.kind !== 'report') return;
        const percentage = value.percentage ?? reported;
        progress.report({ ...(value.message !== undefined ? { message: value.message } : {}), increment: Math.max(0, percentage - reported) });
        reported = percentage;
      });
      try {
        return await client.sendRequest(CheckWorkspaceRequest.type, { workDoneToken }, token);
      } catch (error) {
        if (token.isCancellationRequested) return undefined;
        throw error;
      } finally {
        listening.dispose();
      }
    },
  );
  if (!result?.completed) {
    void vscode.window.showInformationMessage('Network Policy Guardrails: workspace check cancelled.');
    return result;
  }
  const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
  snapshot.clear();
  snapshot.set(
    result.problems
      .filter((p) => !open.has(p.uri))
      .map((p) => [vscode.Uri.parse(p.uri), p.diagnostics.map((d) => client.protocol2CodeConverter.asDiagnostic(d))] as [vscode.Uri, vscode.Diagnostic[]]),
  );
  const { error, warning, info } = result.counts;
  const summary = `Network Policy Guardrails: ${result.files} files checked: ${error} errors, ${warning} warnings, ${info} notes.`;
  void vscode.window.showInformationMessage(summary, 'Open Report', 'Show Problems').then((choice) => {
    if (choice === 'Open Report') void vscode.commands.executeCommand('netpolGuardrails.showReport');
    else if (choice === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
  });
  return result;
}
