import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ShowImpactRequest, type ShowImpactResult } from '../../server/src/protocol';
import { Explanations } from './explainConnection';

export const SHOW_IMPACT_COMMAND = 'netpolGuardrails.showImpact';
/** read-only documents holding impact views */
export const IMPACT_SCHEME = 'netpol-guardrails-impact';

/** Arguments a caller (a test, a keybinding) may give instead of the active editor. */
export interface ShowImpactArgs {
  /** the file, as a URI or its string */
  readonly uri?: vscode.Uri | string;
}

/**
 * "Network Policy Guardrails: Show Impact of Changes": what the active file's unsaved changes (or,
 * with none, its changes since git HEAD) open and cut off, in a read-only Markdown view beside the
 * editor whose `path:line` references link to the policy lines. Returns the view's URI and the
 * server's answer (for tests).
 */
export function registerShowImpact(context: vscode.ExtensionContext, client: LanguageClient): void {
  const views = new Explanations();
  context.subscriptions.push(
    views,
    vscode.workspace.registerTextDocumentContentProvider(IMPACT_SCHEME, views),
    vscode.languages.registerDocumentLinkProvider({ scheme: IMPACT_SCHEME }, views),
    vscode.commands.registerCommand(SHOW_IMPACT_COMMAND, (args?: ShowImpactArgs) => showImpact(client, views, args ?? {})),
  );
}

let shown = 0;

async function showImpact(client: LanguageClient, views: Explanations, args: ShowImpactArgs): Promise<{ uri: vscode.Uri; result: ShowImpactResult } | undefined> {
  const given = typeof args.uri === 'string' ? vscode.Uri.parse(args.uri) : args.uri;
  const target = given ?? vscode.window.activeTextEditor?.document.uri;
  if (!target || target.scheme !== 'file') {
    void vscode.window.showInformationMessage('Network Policy Guardrails: open a manifest file to see the impact of its changes.');
    return undefined;
  }
  // the editor's text reaches the server in didChange notifications sent before this request
  const result = await client.sendRequest(ShowImpactRequest.type, { uri: client.code2ProtocolConverter.asUri(target) });
  const name = target.path.split('/').pop() ?? 'file';
  const uri = vscode.Uri.from({ scheme: IMPACT_SCHEME, path: `/${++shown}/Impact of ${name}.md` });
  views.set(uri, result.text, result.references);
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  return { uri, result };
}
