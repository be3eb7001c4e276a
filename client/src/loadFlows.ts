import * as vscode from 'vscode';
import { SETTINGS_SECTION } from '../../server/src/protocol';

export const LOAD_FLOWS_COMMAND = 'netpolGuardrails.loadFlows';

/** Arguments a caller (a test) may give instead of the file picker. */
export interface LoadFlowsArgs {
  readonly files?: readonly (vscode.Uri | string)[];
  readonly folder?: vscode.Uri | string;
}

function asUri(value: vscode.Uri | string): vscode.Uri {
  return typeof value === 'string' ? vscode.Uri.parse(value) : value;
}

/**
 * "Network Policy Guardrails: Load Observed Flows…": pick flow files (Hubble's `hubble observe -o
 * json` output, or the generic JSON lines / CSV of docs/flows.md) and set them as the workspace
 * folder's `netpolGuardrails.flows` (paths relative to the folder when inside it). The server reads
 * them on the configuration change, and the observed-flow rules and the impact view use them.
 * Picking nothing leaves the setting as it is.
 */
export function registerLoadFlows(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand(LOAD_FLOWS_COMMAND, (args?: LoadFlowsArgs) => loadFlows(args ?? {})));
}

async function loadFlows(args: LoadFlowsArgs): Promise<readonly string[] | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const files =
    args.files?.map(asUri) ??
    (await vscode.window.showOpenDialog({
      canSelectMany: true,
      openLabel: 'Load Observed Flows',
      title: 'Observed flows: Hubble JSON (hubble observe -o json), or JSON lines / CSV',
      filters: { 'Flow files': ['json', 'jsonl', 'ndjson', 'csv'], 'All files': ['*'] },
      ...(folders[0] ? { defaultUri: folders[0].uri } : {}),
    }));
  if (!files || files.length === 0) return undefined;
  const folder = (args.folder !== undefined ? vscode.workspace.getWorkspaceFolder(asUri(args.folder)) : undefined) ?? vscode.workspace.getWorkspaceFolder(files[0]!) ?? folders[0];
  if (!folder) {
    void vscode.window.showInformationMessage('Network Policy Guardrails: open a folder to check its policies against observed flows.');
    return undefined;
  }
  const paths = files.map((f) => {
    const relative = vscode.workspace.asRelativePath(f, false);
    return vscode.workspace.getWorkspaceFolder(f)?.uri.toString() === folder.uri.toString() ? relative : f.fsPath;
  });
  const target = folders.length > 1 ? vscode.ConfigurationTarget.WorkspaceFolder : vscode.ConfigurationTarget.Workspace;
  await vscode.workspace.getConfiguration(SETTINGS_SECTION, folder.uri).update('flows', paths, target);
  return paths;
}
