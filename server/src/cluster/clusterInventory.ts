import { fileContribution, mergeContributions, type InventoryContribution } from '../core/inventory/buildInventory';
import type { Inventory, NamespaceInfo, NetworkPolicyInfo, Workload } from '../core/inventory/model';
import { parseChunk, type ManifestObject } from '../core/parse/manifest';
import type { YAMLMap } from 'yaml';
import { URI } from 'vscode-uri';
import type { ClusterKind, ClusterState } from './clusterTypes';
import type { Obj } from './reflector';

/**
 * Cluster objects as the core's inventory types, through the same code that reads manifests
 * (fileContribution): each object becomes a one-object "file" whose text is the object's JSON
 * (JSON is YAML), named by a netpol-cluster: URI. The text is written and parsed only when a range
 * is asked for, so a snapshot of a large cluster costs one fileContribution per object version.
 */

export const CLUSTER_URI_SCHEME = 'netpol-cluster';

/** Whether a URI (or an inventory source's file) names a cluster object rather than a file. */
export function isClusterUri(uri: string): boolean {
  return uri.startsWith(`${CLUSTER_URI_SCHEME}:`);
}

/** netpol-cluster://CONTEXT/namespaces/NS/KIND/NAME (a Namespace: netpol-cluster://CONTEXT/namespaces/NAME) */
export function clusterObjectUri(context: string, kind: string, namespace: string | undefined, name: string): string {
  const ctx = encodeURIComponent(context);
  if (namespace === undefined || namespace === '') return `${CLUSTER_URI_SCHEME}://${ctx}/namespaces/${encodeURIComponent(name)}`;
  return `${CLUSTER_URI_SCHEME}://${ctx}/namespaces/${encodeURIComponent(namespace)}/${kind.toLowerCase()}/${encodeURIComponent(name)}`;
}

/**
 * A cluster object URI as VS Code writes it back (vscode-uri: the authority lower-cased, `%3A` and
 * `%2F` decoded), so that the URI a client opens and the one a finding carries compare equal.
 */
export function canonicalClusterUri(uri: string): string {
  try {
    return URI.parse(uri).toString();
  } catch {
    return uri;
  }
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The namespace, kind (lower case, as in the URI) and name of a clusterObjectUri, read from the
 * end (a context such as an EKS ARN may hold `/` once VS Code has decoded it), or undefined for
 * another URI. The context is not returned: compare canonical URIs to check it.
 */
export function parseClusterObjectUri(uri: string): { kind: string; namespace: string | undefined; name: string } | undefined {
  const prefix = `${CLUSTER_URI_SCHEME}://`;
  if (!uri.startsWith(prefix)) return undefined;
  const parts = uri.slice(prefix.length).split(/[?#]/)[0]!.split('/');
  const n = parts.length;
  if (n >= 5 && parts[n - 4] === 'namespaces') return { kind: parts[n - 2]!, namespace: decoded(parts[n - 3]!), name: decoded(parts[n - 1]!) };
  if (n >= 3 && parts[n - 2] === 'namespaces') return { kind: 'namespace', namespace: undefined, name: decoded(parts[n - 1]!) };
  return undefined;
}

/** The text a cluster object's inventory entries were placed in (ClusterObject.chunkText): its pretty JSON. */
export function clusterObjectText(object: Obj): string {
  return JSON.stringify(object, null, 2);
}

/** What the inventory has no field for: a pod's addresses and phase. */
export interface ClusterPod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly phase: string | undefined;
  /** status.podIPs (status.podIP when the list is absent) */
  readonly ips: readonly string[];
  readonly nodeName: string | undefined;
}

export interface ClusterSnapshot {
  readonly context: string | undefined;
  readonly state: ClusterState;
  /** epoch ms */
  readonly takenAt: number;
  /** kinds listed and watched now; the others are loading, stale (reconnecting) or denied */
  readonly syncedKinds: readonly ClusterKind[];
  /** kinds that were listed at some point, current or not */
  readonly listedKinds: readonly ClusterKind[];
  readonly namespaces: readonly NamespaceInfo[];
  /** Pods, Deployments, StatefulSets, DaemonSets and ReplicaSets */
  readonly workloads: readonly Workload[];
  readonly policies: readonly NetworkPolicyInfo[];
  readonly pods: readonly ClusterPod[];
}

/** The snapshot as a standalone Inventory (namespaces implied by objects added, as for files). */
export function snapshotInventory(snapshot: ClusterSnapshot): Inventory {
  return mergeContributions([snapshot], 'default');
}

const converted = new WeakMap<Obj, { context: string; contribution: InventoryContribution }>();

/** One cached object as inventory entries; memoised per object version (the cache replaces objects on change). */
export function objectContribution(context: string, object: Obj): InventoryContribution {
  const cached = converted.get(object);
  if (cached && cached.context === context) return cached.contribution;
  const metadata = (object['metadata'] ?? {}) as Obj;
  const name = typeof metadata['name'] === 'string' ? metadata['name'] : '';
  const namespace = typeof metadata['namespace'] === 'string' ? metadata['namespace'] : undefined;
  const kind = typeof object['kind'] === 'string' ? object['kind'] : '';
  const contribution = fileContribution(clusterObjectUri(context, kind, namespace, name), [new ClusterObject(object)], namespace ?? 'default');
  converted.set(object, { context, contribution });
  return contribution;
}

/** A cached API object as a ManifestObject: its text (pretty JSON) and nodes are made on first use. */
class ClusterObject implements ManifestObject {
  readonly apiVersion: string | undefined;
  readonly kind: string | undefined;
  readonly name: string | undefined;
  readonly namespace: string | undefined;
  readonly baseOffset = 0;
  readonly listIndex = undefined;
  // the API server accepted it: no API errors by definition
  readonly hasApiErrors = false;
  private text: string | undefined;
  private root: YAMLMap<unknown, unknown> | undefined;

  constructor(readonly value: Obj) {
    const metadata = (value['metadata'] ?? {}) as Obj;
    this.apiVersion = typeof value['apiVersion'] === 'string' ? value['apiVersion'] : undefined;
    this.kind = typeof value['kind'] === 'string' ? value['kind'] : undefined;
    this.name = typeof metadata['name'] === 'string' ? metadata['name'] : undefined;
    this.namespace = typeof metadata['namespace'] === 'string' ? metadata['namespace'] : undefined;
  }

  get chunkText(): string {
    return (this.text ??= clusterObjectText(this.value));
  }

  get node(): YAMLMap<unknown, unknown> {
    if (!this.root) {
      const node = parseChunk(this.chunkText, 0, false).objects[0]?.node;
      if (!node) throw new Error(`the JSON of ${this.kind ?? 'an object'} ${this.name ?? ''} did not parse`);
      this.root = node;
    }
    return this.root;
  }
}

export function clusterPod(object: Obj): ClusterPod {
  const metadata = (object['metadata'] ?? {}) as Obj;
  const status = (object['status'] ?? {}) as Obj;
  const spec = (object['spec'] ?? {}) as Obj;
  const labels: Record<string, string> = {};
  const rawLabels = metadata['labels'];
  if (rawLabels !== null && typeof rawLabels === 'object') for (const [k, v] of Object.entries(rawLabels)) if (typeof v === 'string') labels[k] = v;
  const podIPs = Array.isArray(status['podIPs']) ? (status['podIPs'] as unknown[]).map((p) => (p as Obj | null)?.['ip']).filter((ip): ip is string => typeof ip === 'string') : [];
  const ips = podIPs.length > 0 ? podIPs : typeof status['podIP'] === 'string' && status['podIP'] !== '' ? [status['podIP']] : [];
  return {
    namespace: typeof metadata['namespace'] === 'string' ? metadata['namespace'] : '',
    name: typeof metadata['name'] === 'string' ? metadata['name'] : '',
    labels,
    phase: typeof status['phase'] === 'string' ? status['phase'] : undefined,
    ips,
    nodeName: typeof spec['nodeName'] === 'string' ? spec['nodeName'] : undefined,
  };
}
