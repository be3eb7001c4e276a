import type { Labels } from '../selectors/labelSelector';

/**
 * Live pods indexed for selector hovers: by namespace, and within a namespace by label key and
 * value, so a selector with a positive requirement (matchLabels, In, Exists) reads only the pods
 * that carry its key instead of every pod of the cluster. Built once per cluster snapshot.
 */

/** A pod of the live cluster as a hover needs it. */
export interface LivePod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
}

interface NamespacePods {
  readonly pods: LivePod[];
  /** label key -> label value -> pods carrying it, in `pods` order */
  readonly byLabel: Map<string, Map<string, LivePod[]>>;
}

const EMPTY: readonly LivePod[] = [];

export class PodIndex {
  private readonly namespaces = new Map<string, NamespacePods>();
  readonly size: number;

  constructor(pods: readonly LivePod[]) {
    const sorted = [...pods].sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name));
    for (const pod of sorted) {
      let ns = this.namespaces.get(pod.namespace);
      if (!ns) this.namespaces.set(pod.namespace, (ns = { pods: [], byLabel: new Map<string, Map<string, LivePod[]>>() }));
      ns.pods.push(pod);
      for (const [key, value] of Object.entries(pod.labels)) {
        let values = ns.byLabel.get(key);
        if (!values) ns.byLabel.set(key, (values = new Map<string, LivePod[]>()));
        const list = values.get(value);
        if (list) list.push(pod);
        else values.set(value, [pod]);
      }
    }
    this.size = sorted.length;
  }

  /** Namespaces that hold at least one pod, sorted. */
  namespaceNames(): string[] {
    return [...this.namespaces.keys()];
  }

  /** Every pod of a namespace, sorted by name. */
  podsIn(namespace: string): readonly LivePod[] {
    return this.namespaces.get(namespace)?.pods ?? EMPTY;
  }

  /** The pods of a namespace whose label `key` is one of `values` (any value when undefined), sorted by name. */
  podsWithLabel(namespace: string, key: string, values: readonly string[] | undefined): readonly LivePod[] {
    const byValue = this.namespaces.get(namespace)?.byLabel.get(key);
    if (!byValue) return EMPTY;
    const lists = values === undefined ? [...byValue.values()] : [...new Set(values)].map((v) => byValue.get(v) ?? []);
    if (lists.length === 1) return lists[0]!;
    const all = this.namespaces.get(namespace)!.pods;
    const count = lists.reduce((n, l) => n + l.length, 0);
    // many of the namespace's pods: filtering its sorted list beats merging and sorting
    if (count * 4 > all.length) {
      const wanted = values === undefined ? undefined : new Set(values);
      return all.filter((p) => {
        const value = p.labels[key];
        return value !== undefined && Object.prototype.hasOwnProperty.call(p.labels, key) && (wanted === undefined || wanted.has(value));
      });
    }
    return lists.flat().sort((a, b) => compare(a.name, b.name));
  }

  /** How many pods of a namespace podsWithLabel would return, without building the list. */
  countWithLabel(namespace: string, key: string, values: readonly string[] | undefined): number {
    const byValue = this.namespaces.get(namespace)?.byLabel.get(key);
    if (!byValue) return 0;
    let n = 0;
    if (values === undefined) for (const list of byValue.values()) n += list.length;
    else for (const v of new Set(values)) n += byValue.get(v)?.length ?? 0;
    return n;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const indexes = new WeakMap<readonly LivePod[], PodIndex>();

/** The index of a list of pods, memoised per list (a cluster snapshot's list stays the same object until the cache changes). */
export function podIndexOf(pods: readonly LivePod[]): PodIndex {
  let index = indexes.get(pods);
  if (!index) indexes.set(pods, (index = new PodIndex(pods)));
  return index;
}
