import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { ShowDriftRequest, type ShowDriftResult } from '../../server/src/protocol';
import { SELECT_CLUSTER_CONTEXT_COMMAND } from './clusterStatus';
import { Explanations } from './explainConnection';

export const SHOW_DRIFT_COMMAND = 'netpolGuardrails.showDrift';
/** read-only documents holding drift views */
export const DRIFT_SCHEME = 'netpol-guardrails-drift';

/** Arguments a caller (a test, a keybinding) may give instead of the active editor's folder. */
export interface ShowDriftArgs {
  /** the workspace folder (the repository), as a URI or its string */
  readonly folderUri?: vscode.Uri | string;
  readonly allNamespaces?: boolean;
}

/**
 * "Network Policy Guardrails: Show Drift Against the Cluster": the folder's NetworkPolicies
 * against the connected cluster's (missing, extra, changed, and the connections only one side
 * allows), from the connection's cache, in a read-only Markdown view whose `path:line` references
 * link to the policies. Not connected: says so and offers to connect. Returns the view's URI and
 * the server's answer (for tests).
 */
export function registerShowDrift(context: vscode.ExtensionContext, client: LanguageClient): void {
  const views = new Explanations();
  context.subscriptions.push(
    views,
    vscode.workspace.registerTextDocumentContentProvider(DRIFT_SCHEME, views),
    vscode.languages.registerDocumentLinkProvider({ scheme: DRIFT_SCHEME }, views),
    vscode.commands.registerCommand(SHOW_DRIFT_COMMAND, (args?: ShowDriftArgs) => showDrift(client, views, args ?? {})),
  );
}

let shown = 0;

async function showDrift(client: LanguageClient, views: Explanations, args: ShowDriftArgs): Promise<{ uri: vscode.Uri | undefined; result: ShowDriftResult } | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showInformationMessage('Network Policy Guardrails: the cluster is used in trusted workspaces only; trust this workspace to compare it with a cluster.');
    return undefined;
  }
  if (client.state !== State.Running) {
    void vscode.window.showInformationMessage('Network Policy Guardrails: the language server is not running yet.');
    return undefined;
  }
  const given = typeof args.folderUri === 'string' ? vscode.Uri.parse(args.folderUri) : args.folderUri;
  // the active manifest's folder (not a view's or a cluster object's document): the server picks
  // it (WorkspaceIndex.pickFolder), else the first folder
  const active = vscode.window.activeTextEditor?.document.uri;
  const documentUri = active?.scheme === 'file' ? active : undefined;
  const result = await client.sendRequest(ShowDriftRequest.type, {
    ...(given ? { folderUri: client.code2ProtocolConverter.asUri(given) } : {}),
    ...(documentUri ? { documentUri: client.code2ProtocolConverter.asUri(documentUri) } : {}),
    ...(args.allNamespaces === true ? { allNamespaces: true } : {}),
  });
  if (result.error !== undefined) {
    if (result.canConnect) {
      const connect = 'Connect…';
      void vscode.window.showInformationMessage(`Network Policy Guardrails: ${result.error}`, connect).then((choice) => {
        if (choice === connect) void vscode.commands.executeCommand(SELECT_CLUSTER_CONTEXT_COMMAND);
      });
    } else void vscode.window.showWarningMessage(`Network Policy Guardrails: ${result.error}`);
    return { uri: undefined, result };
  }
  const uri = vscode.Uri.from({ scheme: DRIFT_SCHEME, path: `/${++shown}/Drift against ${result.context ?? 'the cluster'}.md` });
  views.set(uri, result.text, result.references);
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  return { uri, result };
}
