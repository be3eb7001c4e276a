/**
 * Plain data about the live-cluster connection, shared by the server, the protocol and the client
 * (types only: importing this file pulls in no code).
 */

/**
 * - disconnected: no connection asked for (or the user disconnected);
 * - connecting: a kubeconfig is loaded and the first lists are running;
 * - connected: every watched kind is listed and watched, or denied by RBAC (see `denied`);
 * - unauthorised: the credentials were rejected (401), or RBAC denies every watched kind;
 * - unreachable: the API server did not answer (refused, timed out, TLS failure, 5xx); retrying.
 */
export type ClusterState = 'disconnected' | 'connecting' | 'connected' | 'unauthorised' | 'unreachable';

/** The kinds the cache lists and watches. */
export const CLUSTER_KINDS = ['Namespace', 'Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'NetworkPolicy'] as const;
export type ClusterKind = (typeof CLUSTER_KINDS)[number];

/**
 * The kinds without which the cluster's policies cannot be judged (drift, the inventory): isolation
 * needs its NetworkPolicies and Pods, peers their Namespaces' labels; the controllers only group pods.
 */
export const REQUIRED_CLUSTER_KINDS: readonly ClusterKind[] = ['Namespace', 'Pod', 'NetworkPolicy'];

/** An RBAC denial (403), recorded once per kind: the permission that is missing. */
export interface ClusterDenial {
  readonly kind: ClusterKind;
  readonly verb: 'list' | 'watch';
  /** the API resource, e.g. `pods`, `networkpolicies` */
  readonly resource: string;
  /** the API group, '' for the core group */
  readonly group: string;
  /** undefined: the permission is missing at the cluster scope (all namespaces) */
  readonly namespace: string | undefined;
  /** "missing permission: list pods (core group) in all namespaces", and the API server's message */
  readonly message: string;
}

export interface ClusterCounts {
  readonly namespaces: number;
  readonly pods: number;
  /** Deployments, StatefulSets, DaemonSets and ReplicaSets */
  readonly workloads: number;
  readonly policies: number;
}

export interface ClusterStatus {
  readonly state: ClusterState;
  /** the context in use (or chosen for the next connect) */
  readonly context: string | undefined;
  /** the API server URL of that context */
  readonly server: string | undefined;
  /** every context of the kubeconfig, for the picker */
  readonly contexts: readonly string[];
  /** the kubeconfig file(s) read, in the order they were merged */
  readonly kubeconfigFiles: readonly string[];
  /** why the state is what it is (the last error, "no kubeconfig found", ...) */
  readonly message: string | undefined;
  readonly denied: readonly ClusterDenial[];
  readonly counts: ClusterCounts;
  /** kinds whose cache is listed and watched now (the rest are loading, stale or denied) */
  readonly syncedKinds: readonly ClusterKind[];
  /** epoch milliseconds of the last completed list or watch event */
  readonly lastSyncAt: number | undefined;
}
