import { isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { GeneratePoliciesRequest, SETTINGS_SECTION, type GeneratePoliciesParams, type GeneratePoliciesResult } from '../../server/src/protocol';
import { Explanations } from './explainConnection';

export const GENERATE_POLICIES_COMMAND = 'netpolGuardrails.generatePolicies';
/** read-only previews of the generated files and the summary */
export const GENERATED_SCHEME = 'netpol-guardrails-generated';

/** Arguments a caller (a test, a keybinding) may give instead of the pickers. */
export interface GeneratePoliciesArgs {
  /** the flow files, as URIs or their strings */
  readonly flowFiles?: readonly (vscode.Uri | string)[];
  readonly folderUri?: string;
  readonly widenIPv4?: number;
  readonly widenIPv6?: number;
  readonly namespaces?: readonly string[];
  /** true: write without asking; false: preview only; absent: ask */
  readonly write?: boolean;
}

export interface GeneratePoliciesOutcome {
  readonly result: GeneratePoliciesResult;
  /** the preview documents opened: the summary first */
  readonly previews: readonly vscode.Uri[];
  /** the files written (new files only) */
  readonly written: readonly vscode.Uri[];
}

/**
 * "Network Policy Guardrails: Generate Policies from Observed Flows": pick flow files (Hubble
 * JSON, generic JSON lines or CSV; the files of the `netpolGuardrails.flows` setting when it is
 * set), and the server synthesizes least-privilege policies for the folder. The summary and one
 * preview per namespace open read-only; on confirmation each is written as a new file in the
 * folder, under a name no file has (never over an existing one).
 */
export function registerGeneratePolicies(context: vscode.ExtensionContext, client: LanguageClient): void {
  const views = new Explanations();
  context.subscriptions.push(
    views,
    vscode.workspace.registerTextDocumentContentProvider(GENERATED_SCHEME, views),
    vscode.commands.registerCommand(GENERATE_POLICIES_COMMAND, (args?: GeneratePoliciesArgs) => generatePolicies(client, views, args ?? {})),
  );
}

function folderOf(args: GeneratePoliciesArgs): vscode.WorkspaceFolder | undefined {
  if (args.folderUri !== undefined) return vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(args.folderUri));
  const active = vscode.window.activeTextEditor?.document.uri;
  return (active?.scheme === 'file' ? vscode.workspace.getWorkspaceFolder(active) : undefined) ?? vscode.workspace.workspaceFolders?.[0];
}

/** The flow files: given, from the setting (when the user takes them), or picked. */
async function flowFilesOf(args: GeneratePoliciesArgs, folder: vscode.WorkspaceFolder | undefined): Promise<vscode.Uri[] | undefined> {
  if (args.flowFiles && args.flowFiles.length > 0) return args.flowFiles.map((f) => (typeof f === 'string' ? vscode.Uri.parse(f) : f));
  const configured = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder?.uri).get<unknown>('flows');
  const fromSetting = Array.isArray(configured) ? configured.filter((f): f is string => typeof f === 'string' && f !== '') : [];
  if (fromSetting.length > 0) {
    // the setting Load Observed Flows… sets: paths relative to the folder, or absolute
    const loaded = `Loaded flows: ${fromSetting.join(', ')}`;
    const picked = await vscode.window.showQuickPick([loaded, 'Choose flow files…'], { title: 'Generate Policies from Observed Flows' });
    if (picked === undefined) return undefined;
    if (picked === loaded) return fromSetting.map((f) => (isAbsolute(f) || !folder ? vscode.Uri.file(f) : vscode.Uri.joinPath(folder.uri, f)));
  }
  return vscode.window.showOpenDialog({
    title: 'Generate Policies from Observed Flows: flow files (Hubble JSON, JSON lines or CSV)',
    canSelectMany: true,
    openLabel: 'Use These Flows',
    ...(folder ? { defaultUri: folder.uri } : {}),
    filters: { 'Flow files': ['json', 'jsonl', 'ndjson', 'csv', 'log', 'txt'], 'All files': ['*'] },
  });
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** `<folder>/<name>.yaml`, or `<name>-2.yaml`... whichever no file has yet. */
async function freeTarget(folder: vscode.Uri, fileName: string): Promise<vscode.Uri> {
  const base = fileName.replace(/\.yaml$/, '');
  for (let i = 1; ; i++) {
    const candidate = vscode.Uri.joinPath(folder, i === 1 ? fileName : `${base}-${i}.yaml`);
    if (!(await exists(candidate))) return candidate;
  }
}

let shown = 0;

async function generatePolicies(client: LanguageClient, views: Explanations, args: GeneratePoliciesArgs): Promise<GeneratePoliciesOutcome | undefined> {
  const folder = folderOf(args);
  const flowFiles = await flowFilesOf(args, folder);
  if (!flowFiles || flowFiles.length === 0) return undefined;
  const params: GeneratePoliciesParams = {
    flowFiles: flowFiles.map((f) => client.code2ProtocolConverter.asUri(f)),
    ...(folder ? { folderUri: client.code2ProtocolConverter.asUri(folder.uri) } : {}),
    ...(args.widenIPv4 !== undefined ? { widenIPv4: args.widenIPv4 } : {}),
    ...(args.widenIPv6 !== undefined ? { widenIPv6: args.widenIPv6 } : {}),
    ...(args.namespaces ? { namespaces: args.namespaces } : {}),
  };
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Network Policy Guardrails: generating policies from observed flows', cancellable: true },
    (_progress, token) => client.sendRequest(GeneratePoliciesRequest.type, params, token),
  );
  const run = ++shown;
  const previews: vscode.Uri[] = [];
  const summaryUri = vscode.Uri.from({ scheme: GENERATED_SCHEME, path: `/${run}/Generated policies.md` });
  views.set(summaryUri, result.summary, []);
  previews.push(summaryUri);
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(summaryUri), { preview: false, viewColumn: vscode.ViewColumn.Beside });
  for (const file of result.files) {
    const uri = vscode.Uri.from({ scheme: GENERATED_SCHEME, path: `/${run}/${file.fileName}` });
    views.set(uri, file.text, []);
    previews.push(uri);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
  }
  if (result.files.length === 0) {
    void vscode.window.showWarningMessage('Network Policy Guardrails: no policies to generate from these flows (see the summary).');
    return { result, previews, written: [] };
  }
  const target = folder?.uri ?? (vscode.Uri.parse(result.folderUri).scheme === 'file' ? vscode.Uri.parse(result.folderUri) : undefined);
  if (!target) {
    void vscode.window.showWarningMessage('Network Policy Guardrails: open a folder to write the generated policies into.');
    return { result, previews, written: [] };
  }
  let write = args.write;
  if (write === undefined) {
    const names = result.files.map((f) => f.fileName).join(', ');
    const problems = result.uncovered.length > 0 ? ` ${result.uncovered.length} observed flow(s) cannot be admitted narrowly (see the summary).` : '';
    const answer = await vscode.window.showInformationMessage(`Write ${result.files.length} new file(s) to ${vscode.workspace.asRelativePath(target)}: ${names}?${problems}`, 'Write Files', 'Cancel');
    write = answer === 'Write Files';
  }
  if (!write) return { result, previews, written: [] };
  const written: vscode.Uri[] = [];
  for (const file of result.files) {
    const uri = await freeTarget(target, file.fileName);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(file.text));
    written.push(uri);
  }
  if (written[0]) await vscode.window.showTextDocument(written[0], { preview: false });
  void vscode.window.showInformationMessage(`Network Policy Guardrails: wrote ${written.map((u) => vscode.workspace.asRelativePath(u)).join(', ')}.`);
  return { result, previews, written };
}
