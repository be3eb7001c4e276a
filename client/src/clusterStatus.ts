import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { CLUSTER_SETTINGS_SECTION, ClusterRequest, ClusterStatusNotification, type ClusterParams, type ClusterStatus } from '../../server/src/protocol';

export const SELECT_CLUSTER_CONTEXT_COMMAND = 'netpolGuardrails.selectClusterContext';

/** What the cluster status bar item shows now (read by the e2e suite through ExtensionApi). */
export interface ClusterStatusItemView {
  /** false while the item is hidden (untrusted workspace, no kubeconfig contexts, no answer yet) */
  readonly shown: boolean;
  readonly text: string;
  readonly tooltip: string;
  /** the last status the server sent, undefined before the first */
  readonly status: ClusterStatus | undefined;
}

/**
 * The command's optional argument: `pick` chooses the quick pick's item with that label (a context
 * name, or `Disconnect`) without showing it, for scripts, keybindings and tests.
 */
export interface SelectClusterContextArgs {
  readonly pick?: string;
}

const ICONS: Record<ClusterStatus['state'], string> = {
  disconnected: '$(cloud)',
  connecting: '$(sync~spin)',
  connected: '$(cloud)',
  unauthorised: '$(lock)',
  unreachable: '$(debug-disconnect)',
};

/**
 * The live-cluster status bar item (context and state) and its quick pick (switch context,
 * disconnect). The server connects only when asked, and this client asks only in a trusted
 * workspace: at start when `netpolGuardrails.cluster.context` is set, or when the user picks a
 * context.
 */
/** The status bar item, and the server's cluster status notifications for the rest of the client. */
export interface ClusterStatusRegistration {
  /** what the item shows now */
  readonly view: () => ClusterStatusItemView;
  /**
   * Every clusterStatus notification of the server. Subscribe here, not with client.onNotification:
   * a second handler for the same method would replace the status bar's.
   */
  readonly onDidChangeStatus: vscode.Event<ClusterStatus>;
}

export function registerClusterStatus(context: vscode.ExtensionContext, client: LanguageClient): ClusterStatusRegistration {
  const changed = new vscode.EventEmitter<ClusterStatus>();
  const item = vscode.window.createStatusBarItem('netpolGuardrails.cluster', vscode.StatusBarAlignment.Left, 10);
  item.name = 'Network Policy Guardrails: Cluster';
  item.command = SELECT_CLUSTER_CONTEXT_COMMAND;
  let last: ClusterStatus | undefined;
  let shown = false;

  const show = (status: ClusterStatus | undefined): void => {
    last = status;
    // shown only where a connection is possible: a trusted workspace and a kubeconfig with contexts
    if (!vscode.workspace.isTrusted || !status || (status.state === 'disconnected' && status.contexts.length === 0)) {
      item.hide();
      shown = false;
      return;
    }
    const state = status.state;
    const name = state === 'disconnected' ? 'Cluster' : (status.context ?? 'Cluster');
    const denied = status.denied.length;
    item.text = `${ICONS[state]} ${name}: ${state === 'disconnected' ? 'not connected' : state}${denied > 0 && state === 'connected' ? ` (${denied} kinds denied)` : ''}`;
    item.tooltip = tooltip(status);
    item.backgroundColor =
      state === 'unauthorised' || state === 'unreachable'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : denied > 0
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    item.show();
    shown = true;
  };

  const request = async (params: ClusterParams): Promise<ClusterStatus | undefined> => {
    if (!vscode.workspace.isTrusted || client.state !== State.Running) return undefined;
    const status = await client.sendRequest(ClusterRequest.type, params);
    show(status);
    return status;
  };
  const requestInBackground = (params: ClusterParams): void => {
    request(params).catch((error: unknown) => client.outputChannel.appendLine(`Cluster ${params.action} failed: ${String(error)}`));
  };

  /** At (re)start of the server and when trust is granted: read the contexts, connect if a context is configured. */
  const startup = (): void => {
    const configured = vscode.workspace.getConfiguration(CLUSTER_SETTINGS_SECTION).get<string>('context', '');
    requestInBackground({ action: configured ? 'connect' : 'status' });
  };

  context.subscriptions.push(
    item,
    changed,
    client.onNotification(ClusterStatusNotification.type, (status) => {
      show(status);
      changed.fire(status);
    }),
    client.onDidChangeState((event) => {
      if (event.newState === State.Running) startup();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(startup),
    vscode.workspace.onDidChangeConfiguration((event) => {
      // inventorySource needs no reconnection (the server reads it with the other settings)
      if (!event.affectsConfiguration(`${CLUSTER_SETTINGS_SECTION}.kubeconfig`) && !event.affectsConfiguration(`${CLUSTER_SETTINGS_SECTION}.context`)) return;
      const connected = last !== undefined && last.state !== 'disconnected';
      requestInBackground({ action: connected ? 'connect' : 'status' });
    }),
    vscode.commands.registerCommand(SELECT_CLUSTER_CONTEXT_COMMAND, (args?: SelectClusterContextArgs) => pickContext(request, args?.pick)),
  );
  show(undefined);
  if (client.state === State.Running) startup();
  return { view: () => ({ shown, text: item.text, tooltip: tooltipText(item.tooltip), status: last }), onDidChangeStatus: changed.event };
}

function tooltipText(tooltip: string | vscode.MarkdownString | undefined): string {
  return typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? '');
}

function tooltip(status: ClusterStatus | undefined): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  if (!status) return md.appendMarkdown('Live cluster: not connected. Click to choose a context.');
  md.appendMarkdown(`**Live cluster: ${status.state}**\n\n`);
  if (status.context) md.appendMarkdown(`Context: \`${status.context}\`${status.server ? ` (${status.server})` : ''}\n\n`);
  if (status.message) md.appendText(`${status.message}\n\n`);
  if (status.state !== 'disconnected') {
    const { namespaces, pods, workloads, policies } = status.counts;
    md.appendMarkdown(`${namespaces} namespaces, ${pods} pods, ${workloads} workloads, ${policies} network policies\n\n`);
  }
  for (const denial of status.denied) md.appendText(`${denial.message}\n\n`);
  md.appendMarkdown('Click to switch context or disconnect.');
  return md;
}

interface ContextItem extends vscode.QuickPickItem {
  readonly action: ClusterParams;
}

/**
 * The quick pick of contexts (and Disconnect when connected). With `choose`, the item with that
 * label is taken without showing the pick. Resolves with the status after the chosen action.
 */
async function pickContext(request: (params: ClusterParams) => Promise<ClusterStatus | undefined>, choose?: string): Promise<ClusterStatus | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showInformationMessage('Network Policy Guardrails: cluster access is disabled in untrusted workspaces.');
    return undefined;
  }
  const status = await request({ action: 'status' });
  if (!status) return undefined;
  const connected = status.state !== 'disconnected';
  const items: ContextItem[] = status.contexts.map((name) => {
    const description = name !== status.context ? undefined : connected ? `$(check) ${status.state}` : 'current context';
    return { label: name, ...(description ? { description } : {}), action: { action: 'connect', context: name } };
  });
  if (connected) {
    items.push({ label: '', kind: vscode.QuickPickItemKind.Separator, action: { action: 'status' } });
    items.push({ label: '$(debug-disconnect) Disconnect', action: { action: 'disconnect' } });
  }
  if (status.contexts.length === 0) {
    void vscode.window.showWarningMessage(`Network Policy Guardrails: ${status.message ?? 'the kubeconfig has no contexts.'}`);
    return status;
  }
  if (choose !== undefined) {
    const chosen = items.find((item) => item.kind !== vscode.QuickPickItemKind.Separator && itemLabel(item) === choose);
    if (chosen) return request(chosen.action);
    const offered = items.filter((item) => item.kind !== vscode.QuickPickItemKind.Separator).map(itemLabel);
    void vscode.window.showWarningMessage(`Network Policy Guardrails: no cluster choice "${choose}" (offered: ${offered.join(', ')}).`);
    return status;
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Network Policy Guardrails: live cluster',
    placeHolder: status.kubeconfigFiles.length > 0 ? `Contexts of ${status.kubeconfigFiles.join(', ')}` : 'Choose a context',
  });
  return picked ? request(picked.action) : status;
}

/** The label without its leading `$(icon)`. */
function itemLabel(item: vscode.QuickPickItem): string {
  return item.label.replace(/^\$\([^)]*\)\s*/, '');
}
