import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ExplainConnectionRequest, type ExplainConnectionParams, type ExplainConnectionResult, type ExplainEndpoint, type ExplainReference } from '../../server/src/protocol';

export const EXPLAIN_CONNECTION_COMMAND = 'netpolGuardrails.explainConnection';
/** read-only documents holding explanations */
export const EXPLAIN_SCHEME = 'netpol-guardrails-explain';

/** Arguments a caller (a test, a keybinding) may give to skip the pickers. */
export interface ExplainConnectionArgs {
  readonly from?: string;
  readonly to?: string;
  /** `8080`, `53/UDP`; empty for every port */
  readonly port?: string;
  readonly folderUri?: string;
}

const PORT = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/i;
const ADDRESS = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:.]*:[0-9a-f:.]*)$/i;

function parsePort(text: string): ExplainConnectionParams['port'] | undefined {
  const match = PORT.exec(text.trim());
  const port = Number(match?.[1]);
  if (!match || port < 1 || port > 65535) return undefined;
  return { port, protocol: (match[2]?.toUpperCase() ?? 'TCP') as 'TCP' | 'UDP' | 'SCTP' };
}

/**
 * The explanations shown, as read-only documents of their own scheme (Markdown text), whose
 * `path:line` references are links to the policy lines they name.
 */
export class Explanations implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider {
  private readonly entries = new Map<string, { readonly text: string; readonly references: readonly ExplainReference[] }>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(uri: vscode.Uri, text: string, references: readonly ExplainReference[]): void {
    this.entries.set(uri.toString(), { text, references });
    this.changed.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.entries.get(uri.toString())?.text ?? '';
  }

  provideDocumentLinks(document: vscode.TextDocument): vscode.DocumentLink[] {
    const entry = this.entries.get(document.uri.toString());
    if (!entry) return [];
    const text = document.getText();
    const links: vscode.DocumentLink[] = [];
    for (const reference of entry.references) {
      for (let at = text.indexOf(reference.label); at >= 0; at = text.indexOf(reference.label, at + 1)) {
        // whole labels only: policy.yaml:1 is not a link inside policy.yaml:12 or a/policy.yaml:1
        const before = text[at - 1] ?? ' ';
        const after = text[at + reference.label.length] ?? ' ';
        if (/[\w./-]/.test(before) || /\d/.test(after)) continue;
        const target = vscode.Uri.parse(reference.uri).with({ fragment: `L${reference.line + 1},${reference.character + 1}` });
        const link = new vscode.DocumentLink(new vscode.Range(document.positionAt(at), document.positionAt(at + reference.label.length)), target);
        link.tooltip = `Open ${reference.label}`;
        links.push(link);
      }
    }
    return links;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/**
 * "Network Policy Guardrails: Explain Connection": pick a source and a destination (workloads of
 * the folder, or an IP address) and optionally a port; the server's answer opens beside the
 * editor. Returns the document's URI and the answer (for tests).
 */
export function registerExplainConnection(context: vscode.ExtensionContext, client: LanguageClient): void {
  const explanations = new Explanations();
  context.subscriptions.push(
    explanations,
    vscode.workspace.registerTextDocumentContentProvider(EXPLAIN_SCHEME, explanations),
    vscode.languages.registerDocumentLinkProvider({ scheme: EXPLAIN_SCHEME }, explanations),
    vscode.commands.registerCommand(EXPLAIN_CONNECTION_COMMAND, (args?: ExplainConnectionArgs) => explainConnection(client, explanations, args ?? {})),
  );
}

async function pickEndpoint(endpoints: readonly ExplainEndpoint[], title: string): Promise<string | undefined> {
  const address = '$(globe) An IP address…';
  const items: vscode.QuickPickItem[] = [
    ...endpoints.map((e) => ({ label: e.id, description: e.kind })),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: address, description: 'outside the cluster', alwaysShow: true },
  ];
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'namespace/name', matchOnDescription: true });
  if (!picked) return undefined;
  if (picked.label !== address) return picked.label;
  return vscode.window.showInputBox({
    title,
    prompt: 'An IPv4 or IPv6 address, e.g. 203.0.113.10',
    validateInput: (value) => (ADDRESS.test(value.trim()) ? undefined : 'Enter an IPv4 or IPv6 address'),
  });
}

let shown = 0;

async function explainConnection(client: LanguageClient, explanations: Explanations, args: ExplainConnectionArgs): Promise<{ uri: string; result: ExplainConnectionResult } | undefined> {
  // the active manifest's folder (not this view's own documents)
  const active = vscode.window.activeTextEditor?.document.uri;
  const documentUri = active?.scheme === 'file' ? active : undefined;
  const folderUri = args.folderUri ?? (documentUri ? vscode.workspace.getWorkspaceFolder(documentUri)?.uri.toString() : undefined);
  const base: ExplainConnectionParams = { ...(folderUri ? { folderUri } : {}), ...(documentUri ? { documentUri: documentUri.toString() } : {}) };
  let { from, to } = args;
  let portText = args.port;
  if (from === undefined || to === undefined) {
    const { endpoints } = await client.sendRequest(ExplainConnectionRequest.type, base);
    from ??= await pickEndpoint(endpoints, 'Explain Connection: source');
    if (from === undefined) return undefined;
    const source = from;
    to ??= await pickEndpoint(
      endpoints.filter((e) => e.id !== source),
      `Explain Connection: destination (from ${source})`,
    );
    if (to === undefined) return undefined;
    portText ??= await vscode.window.showInputBox({
      title: `Explain Connection: ${source} -> ${to}`,
      prompt: 'A port, e.g. 8080 or 53/UDP; leave empty for every port',
      validateInput: (value) => (value.trim() === '' || parsePort(value) ? undefined : 'A port 1-65535, optionally /TCP, /UDP or /SCTP'),
    });
    if (portText === undefined) return undefined;
  }
  const port = portText && portText.trim() !== '' ? parsePort(portText) : undefined;
  const result = await client.sendRequest(ExplainConnectionRequest.type, { ...base, from, to, ...(port ? { port } : {}) });
  if (!result.explanation) {
    void vscode.window.showWarningMessage(`Network Policy Guardrails: ${result.error ?? 'no answer for this pair.'}`);
    return { uri: '', result };
  }
  const name = `${from} to ${to}${port ? ` on ${port.port}-${port.protocol}` : ''}`.replace(/[/\\]/g, '-');
  const uri = vscode.Uri.from({ scheme: EXPLAIN_SCHEME, path: `/${++shown}/${name}.md` });
  explanations.set(uri, result.explanation.text, result.explanation.references);
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  return { uri: uri.toString(), result };
}
