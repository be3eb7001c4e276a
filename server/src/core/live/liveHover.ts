import type { NetworkPolicyInfo, PolicyPeer } from '../inventory/model';
import { formatSelector, isEmptySelector } from '../selectors/labelSelector';
import { peerNamespaces, selectNamespaces, selectPods, type LiveNamespace, type NamespaceSelection, type NearMiss, type PodSelection } from './liveSelection';
import type { PodIndex } from './podIndex';

export type { LiveNamespace } from './liveSelection';

/**
 * The live-cluster part of a selector hover, as Markdown lines: how many pods of the connected
 * cluster the selector matches, a capped list with the labels that matched, and the near misses
 * (pods, or namespaces, that meet all but one requirement, with the one they fail). It reads the
 * cache as the caller hands it over (LiveCluster), so it never waits on the network, and says
 * when that cache is still loading, stale or denied.
 */

/** How one kind's cache stands: listed and watched, not listed yet, kept while reconnecting, or forbidden by RBAC. */
export type LiveCacheState = 'synced' | 'loading' | 'stale' | 'denied';

export interface LiveCluster {
  /** the kubeconfig context */
  readonly context: string;
  readonly connection: 'connecting' | 'connected' | 'unreachable' | 'unauthorised';
  readonly pods: LiveCacheState;
  readonly namespaces: LiveCacheState;
  /** the RBAC denial of pods or namespaces, as the connection words it */
  readonly podsDenial?: string | undefined;
  readonly namespacesDenial?: string | undefined;
  /** why the cache is stale (the connection's last error) */
  readonly staleReason?: string | undefined;
  /** epoch ms of the last list or watch event */
  readonly lastSyncAt?: number | undefined;
  readonly index: PodIndex;
  readonly namespaceLabels: ReadonlyMap<string, LiveNamespace>;
}

/** Where the hover is. */
export type LiveTarget =
  | { readonly kind: 'policy'; readonly policy: NetworkPolicyInfo }
  | { readonly kind: 'peer'; readonly policy: NetworkPolicyInfo; readonly peer: PolicyPeer; readonly which: 'podSelector' | 'namespaceSelector' };

export const LIVE_PODS_LISTED = 10;
export const LIVE_NEAR_MISSES_LISTED = 5;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The first `max` items as list lines (only those are worded), then "and N more". */
function cappedLines<T>(items: readonly T[], max: number, line: (item: T) => string): string[] {
  const out = items.slice(0, max).map((item) => `- ${line(item)}`);
  if (items.length > max) out.push(`- and ${items.length - max} more`);
  return out;
}

function cappedInline(items: readonly string[], max: number): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

function clock(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(11, 19)} UTC`;
}

function staleLine(live: LiveCluster): string {
  const why =
    live.connection === 'unreachable'
      ? 'the API server is unreachable (reconnecting)'
      : live.connection === 'unauthorised'
        ? 'the API server rejects the credentials (retrying)'
        : 'the watch is being re-listed';
  const reason = live.staleReason ? `: ${live.staleReason}` : '';
  const when = live.lastSyncAt !== undefined ? `; pods as last seen at ${clock(live.lastSyncAt)}` : '';
  return `_Stale: ${why}${reason}${when}._`;
}

function podsWhere(selection: PodSelection): string {
  const ns = selection.namespaces;
  if (ns.length === 1) return `in namespace ${ns[0]}`;
  return `in ${plural(ns.length, 'namespace')}`;
}

function podLines(selection: PodSelection): string[] {
  const lines: string[] = [];
  const count = selection.pods.length;
  lines.push(count === 0 ? `No pod matches ${podsWhere(selection)}.` : `${plural(count, 'pod')} ${count === 1 ? 'matches' : 'match'} ${podsWhere(selection)}:`);
  if (count > 0) {
    lines.push('', ...cappedLines(selection.pods, LIVE_PODS_LISTED, (m) => `${m.pod.namespace}/${m.pod.name}${m.matched.length > 0 ? ` (${m.matched.join(', ')})` : ''}`));
  }
  lines.push(...nearMissLines(selection.nearMisses, 'pod'));
  return lines;
}

function nearMissLines(nearMisses: readonly NearMiss[], what: 'pod' | 'namespace'): string[] {
  if (nearMisses.length === 0) return [];
  return ['', `Near misses (${what === 'pod' ? 'pods' : 'namespaces'} that meet every requirement but one):`, '', ...cappedLines(nearMisses, LIVE_NEAR_MISSES_LISTED, (n) => `${n.id}: ${n.text}`)];
}

function namespaceLines(selection: NamespaceSelection, description: string): string[] {
  const n = selection.namespaces.length;
  const lines = [n === 0 ? `No namespace matches ${description}.` : `${plural(n, 'namespace')} ${n === 1 ? 'matches' : 'match'} ${description}: ${cappedInline(selection.namespaces, LIVE_PODS_LISTED)}.`];
  lines.push(...nearMissLines(selection.nearMisses, 'namespace'));
  return lines;
}

/**
 * The cluster's part of the hover at a target, or [] when there is no cluster (disconnected,
 * untrusted workspace, `inventorySource: workspace`): the caller passes no LiveCluster then.
 */
export function liveHoverLines(live: LiveCluster | undefined, target: LiveTarget): string[] {
  if (!live) return [];
  // the same selector hovered again over the same cache (the LSP keeps one LiveCluster per
  // cache version): the lines already made
  let memo = memos.get(live);
  if (!memo) memos.set(live, (memo = new Map<string, readonly string[]>()));
  const key = targetKey(target);
  const cached = memo.get(key);
  if (cached) return [...cached];
  const lines = computeLines(live, target);
  if (memo.size >= MEMO_SIZE) memo.clear();
  memo.set(key, lines);
  return [...lines];
}

const MEMO_SIZE = 128;
const memos = new WeakMap<LiveCluster, Map<string, readonly string[]>>();

function targetKey(target: LiveTarget): string {
  const p = target.policy;
  if (target.kind === 'policy') return JSON.stringify(['policy', p.namespace, p.podSelector]);
  return JSON.stringify(['peer', target.which, p.namespace, target.peer.podSelector ?? null, target.peer.namespaceSelector ?? null, target.peer.ipBlock ?? null]);
}

function computeLines(live: LiveCluster, target: LiveTarget): string[] {
  const head = `**In the cluster (context ${live.context})**`;
  if (live.pods === 'denied') return [head, '', `_Pods are not shown: ${live.podsDenial ?? 'RBAC denies listing pods'}._`];
  if (live.pods === 'loading') return [head, '', '_Still loading pods from the API server; hover again in a moment._'];
  const lines = [head, ''];
  if (live.pods === 'stale') lines.push(staleLine(live), '');
  const policy = target.policy;
  if (target.kind === 'policy') {
    lines.push(...podLines(selectPods(live.index, [policy.namespace], policy.podSelector)));
    return lines;
  }
  const peer = target.peer;
  if (peer.ipBlock !== undefined) return [];
  if (peer.namespaceSelector !== undefined && live.namespaces === 'denied') {
    lines.push(`_Namespace labels are unknown (${live.namespacesDenial ?? 'RBAC denies listing namespaces'}): namespaces are matched on kubernetes.io/metadata.name only._`, '');
  }
  const namespaces = peerNamespaces(live.namespaceLabels, live.index, policy.namespace, peer.namespaceSelector);
  if (target.which === 'namespaceSelector' && peer.namespaceSelector !== undefined) {
    const description = isEmptySelector(peer.namespaceSelector) ? 'every namespace' : formatSelector(peer.namespaceSelector);
    lines.push(...namespaceLines(selectNamespaces(live.namespaceLabels, live.index, peer.namespaceSelector), description), '');
  }
  const pods = selectPods(live.index, namespaces.namespaces, peer.podSelector);
  lines.push(...podLines(pods));
  return lines;
}
