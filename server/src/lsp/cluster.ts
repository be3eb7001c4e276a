import type { Connection } from 'vscode-languageserver';
import type { ClusterConnection } from '../cluster/clusterConnection';
import { ClusterObjectRequest, ClusterRequest, ClusterStatusNotification, type ClusterObjectParams, type ClusterParams, type ClusterStatus } from '../protocol';
import { CLUSTER_SETTINGS_SECTION, normalizeClusterSettings, type ClusterSettings } from '../settings';

/**
 * The live-cluster connection on the LSP: `netpolGuardrails/cluster` (connect, disconnect, status),
 * `netpolGuardrails/clusterObject` (a cached object's text, for the read-only documents of
 * findings about cluster objects) and a `netpolGuardrails/clusterStatus` notification on every change. The server never connects
 * on its own: only a client's connect does, and the VS Code client sends it from trusted
 * workspaces only. The request answers at once: the network work runs in the background.
 */
export function registerCluster(connection: Connection, cluster: ClusterConnection, canPullConfiguration: () => boolean, disposeOnShutdown: readonly { dispose(): void }[] = []): void {
  cluster.onDidChangeStatus((status) => {
    connection.sendNotification(ClusterStatusNotification.method, status).catch((error: unknown) => connection.console.log(`clusterStatus not sent: ${String(error)}`));
  });

  const settings = async (): Promise<ClusterSettings> => {
    if (!canPullConfiguration()) return normalizeClusterSettings(undefined);
    try {
      return normalizeClusterSettings(await connection.workspace.getConfiguration({ section: CLUSTER_SETTINGS_SECTION }));
    } catch (error) {
      connection.console.log(`${CLUSTER_SETTINGS_SECTION} settings unavailable: ${String(error)}`);
      return normalizeClusterSettings(undefined);
    }
  };

  connection.onRequest(ClusterRequest.method, async (params: ClusterParams): Promise<ClusterStatus> => {
    const { kubeconfig, context } = await settings();
    const source = { kubeconfig: kubeconfig || undefined, context: params.context || context || undefined };
    switch (params.action) {
      case 'connect':
        return cluster.connect(source);
      case 'disconnect':
        return cluster.disconnect();
      default:
        return cluster.readKubeconfig(source);
    }
  });

  connection.onRequest(ClusterObjectRequest.method, (params: ClusterObjectParams): { text: string } | null => {
    const text = cluster.objectText(params.uri);
    return text === undefined ? null : { text };
  });

  connection.onShutdown(() => {
    // what follows the cluster first, so nothing hears the connection stop
    for (const d of disposeOnShutdown) d.dispose();
    cluster.dispose();
  });
}
