import { ApiStatusError, CredentialsError, NetworkError, createTransport, statusMessage } from './apiTransport';
import { objectContribution } from './clusterInventory';
import { describeDenial } from './clusterConnection';
import { REQUIRED_CLUSTER_KINDS, type ClusterDenial, type ClusterKind } from './clusterTypes';
import { KubeconfigError, loadKubeconfig } from './kubeconfig';
import { listPages, resourcePath } from './reflector';
import { RESOURCE_TYPES } from './resources';
import type { InventoryContribution } from '../core/inventory/buildInventory';
import type { NamespaceInfo, NetworkPolicyInfo, Workload } from '../core/inventory/model';

/**
 * A one-shot read of a cluster for the CLI (drift): each kind the connection's cache keeps, listed
 * in pages (limit/continue) by the reflector's own paged list through the same transport, kept as
 * slim as the cache keeps it, with no watch. Every request has a timeout; failures become ClusterListError with one line that says
 * what to do.
 */

export interface ClusterListOptions {
  /** explicit kubeconfig path(s); else $KUBECONFIG, else ~/.kube/config */
  readonly kubeconfig?: string | undefined;
  /** else the kubeconfig's current-context */
  readonly context?: string | undefined;
  /** each request fails when idle this long (connecting included) */
  readonly requestTimeoutMs: number;
  readonly pageSize?: number;
  readonly env?: NodeJS.ProcessEnv;
}

export interface ClusterListing {
  readonly context: string;
  readonly server: string | undefined;
  readonly inventory: InventoryContribution;
  /** kinds RBAC did not let us list, which the result can do without (workload controllers) */
  readonly denied: readonly ClusterDenial[];
  readonly counts: Readonly<Record<ClusterKind, number>>;
}

/** Why the cluster could not be read: a usage problem (no such context) or a connection one. */
export class ClusterListError extends Error {}

export async function listCluster(options: ClusterListOptions): Promise<ClusterListing> {
  let loaded;
  try {
    loaded = loadKubeconfig({ path: options.kubeconfig, ...(options.env ? { env: options.env } : {}) });
  } catch (error) {
    throw new ClusterListError(error instanceof KubeconfigError ? error.message : String(error));
  }
  const context = options.context ?? loaded.currentContext;
  if (!context) throw new ClusterListError(`the kubeconfig (${loaded.files.join(', ')}) has no current-context: pass --context (one of ${loaded.contexts.join(', ') || 'none'})`);
  if (!loaded.contexts.includes(context)) {
    throw new ClusterListError(`the kubeconfig (${loaded.files.join(', ')}) has no context "${context}" (it has ${loaded.contexts.join(', ') || 'none'})`);
  }
  loaded.config.setCurrentContext(context);
  const server = loaded.config.getCurrentCluster()?.server;
  const transport = createTransport(() => loaded.config);
  const abort = new AbortController();
  const pageSize = options.pageSize ?? 500;
  const denied: ClusterDenial[] = [];
  const results = await Promise.allSettled(
    RESOURCE_TYPES.map(async (type) => [...(await listPages(transport, type, resourcePath(type), { pageSize, requestTimeoutMs: options.requestTimeoutMs }, abort.signal)).items.values()]),
  );
  const namespaces: NamespaceInfo[] = [];
  const workloads: Workload[] = [];
  const policies: NetworkPolicyInfo[] = [];
  const counts = {} as Record<ClusterKind, number>;
  for (const [i, result] of results.entries()) {
    const type = RESOURCE_TYPES[i]!;
    if (result.status === 'rejected') {
      const error: unknown = result.reason;
      if (error instanceof ApiStatusError && error.status === 403) {
        const denial = describeDenial(type.kind, type.group, type.resource, 'list', error);
        if (REQUIRED_CLUSTER_KINDS.includes(type.kind)) throw new ClusterListError(`context ${context}: ${denial.message}`);
        denied.push(denial);
        counts[type.kind] = 0;
        continue;
      }
      throw new ClusterListError(`context ${context}: ${failureText(error, server)}`);
    }
    counts[type.kind] = result.value.length;
    for (const object of result.value) {
      const contribution = objectContribution(context, object);
      namespaces.push(...contribution.namespaces);
      workloads.push(...contribution.workloads);
      policies.push(...contribution.policies);
    }
  }
  return { context, server, inventory: { namespaces, workloads, policies }, denied, counts };
}

function failureText(error: unknown, server: string | undefined): string {
  if (error instanceof ApiStatusError) {
    if (error.status === 401) return `the API server ${server ?? ''} rejected the credentials (401 Unauthorized): the token or certificate is invalid or expired`.replace('  ', ' ');
    return `the API server answered ${error.status}${statusMessage(error.body) ? `: ${statusMessage(error.body)}` : ''} (${error.path.replace(/\?.*$/, '')})`;
  }
  if (error instanceof CredentialsError) return error.message;
  if (error instanceof NetworkError) return `cannot reach the API server ${server ?? ''}: ${error.message.replace(/^[^:]*:\s*(?=connect|getaddrinfo|read|socket)/, '')}`.replace('  ', ' ');
  return error instanceof Error ? error.message : String(error);
}
