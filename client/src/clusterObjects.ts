import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { ClusterObjectRequest, type ClusterStatus } from '../../server/src/protocol';

/** Cluster objects' read-only documents (findings about cluster objects carry these URIs). */
export const CLUSTER_OBJECT_SCHEME = 'netpol-cluster';

/**
 * The read-only documents of cluster objects: a finding about an object of the connected cluster
 * (inventorySource `both` or `cluster`) is placed in `netpol-cluster://CONTEXT/namespaces/NS/KIND/NAME`,
 * whose text is the object as the server's cache holds it (pretty JSON). Opening one from the
 * Problems panel or the check summary shows it with its diagnostics; it follows the cache while
 * the connection reports changes.
 */
class ClusterObjects implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly client: LanguageClient) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    if (this.client.state !== State.Running) return '// The Network Policy Guardrails server is not running.';
    const answer = await this.client.sendRequest(ClusterObjectRequest.type, { uri: uri.toString() }, token);
    return answer?.text ?? `// ${uri.toString()}: not in the cluster cache (disconnected, another context, or deleted since).`;
  }

  /** The cache changed: the open cluster documents are read again. */
  refresh(): void {
    for (const document of vscode.workspace.textDocuments) if (document.uri.scheme === CLUSTER_OBJECT_SCHEME) this.changed.fire(document.uri);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function registerClusterObjects(context: vscode.ExtensionContext, client: LanguageClient, onDidChangeStatus: vscode.Event<ClusterStatus>): void {
  const objects = new ClusterObjects(client);
  // the status bar's notification handler passes every status on (a second handler would replace it)
  context.subscriptions.push(objects, vscode.workspace.registerTextDocumentContentProvider(CLUSTER_OBJECT_SCHEME, objects), onDidChangeStatus(() => objects.refresh()));
}
