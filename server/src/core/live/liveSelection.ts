import { NAMESPACE_NAME_LABEL } from '../inventory/model';
import { EMPTY_SELECTOR, isUsableSelector, type LabelSelector, type Labels } from '../selectors/labelSelector';
import { isPositive, judge, labelsNamed, nearMissText, requirementsOf, type Requirement } from './nearMiss';
import type { LivePod, PodIndex } from './podIndex';

/**
 * Which live pods (and namespaces) a policy's selectors select, with the near misses, from a
 * PodIndex: the NetworkPolicy semantics of selectors/peers.ts applied to pods instead of
 * workloads (kubernetes.io/docs/concepts/services-networking/network-policies):
 * - spec.podSelector selects pods of the policy's namespace;
 * - a peer's podSelector applies within the namespaces its namespaceSelector matches, or within
 *   the policy's namespace when it has none; a peer with only a namespaceSelector selects every
 *   pod of those namespaces.
 */

export interface LiveNamespace {
  readonly name: string;
  /** always including kubernetes.io/metadata.name */
  readonly labels: Labels;
}

/**
 * A matched pod. Its wording is made when read: a selector may match thousands of pods, of
 * which a hover shows ten.
 */
export class MatchedPod {
  constructor(
    readonly pod: LivePod,
    private readonly requirements: readonly Requirement[],
  ) {}

  /** the pod's labels that the selector names, `k=v` */
  get matched(): string[] {
    return labelsNamed(this.requirements, this.pod.labels);
  }
}

/** A pod or namespace that meets every requirement but one; worded when read, as MatchedPod. */
export class NearMiss {
  constructor(
    /** `namespace/name` of a pod, or a namespace's name */
    readonly id: string,
    private readonly labels: Labels,
    private readonly requirements: readonly Requirement[],
    readonly failed: Requirement,
  ) {}

  /** `app=frontend but tier=web, not tier=api` */
  get text(): string {
    return nearMissText(this.requirements, this.labels, this.failed);
  }
}

export interface PodSelection {
  /** every matched pod, sorted by namespace and name */
  readonly pods: readonly MatchedPod[];
  /** pods of the namespaces searched that meet all but one podSelector requirement */
  readonly nearMisses: readonly NearMiss[];
  /** the namespaces searched (those the peer's namespaceSelector matches, or the policy's) */
  readonly namespaces: readonly string[];
}

export interface NamespaceSelection {
  readonly namespaces: readonly string[];
  readonly nearMisses: readonly NearMiss[];
}

/** Namespaces by name with their labels; a namespace known only from its pods carries its name label. */
export function namespaceLabelsOf(namespaces: ReadonlyMap<string, LiveNamespace>, name: string): Labels {
  return namespaces.get(name)?.labels ?? { [NAMESPACE_NAME_LABEL]: name };
}

/**
 * The namespaces a namespaceSelector matches (of those the cluster has, and those its pods are in),
 * and the ones that meet all but one of its requirements.
 */
export function selectNamespaces(namespaces: ReadonlyMap<string, LiveNamespace>, index: PodIndex, selector: LabelSelector): NamespaceSelection {
  const names = [...new Set([...namespaces.keys(), ...index.namespaceNames()])].sort();
  if (!isUsableSelector(selector)) return { namespaces: [], nearMisses: [] };
  const requirements = requirementsOf(selector);
  const matched: string[] = [];
  const nearMisses: NearMiss[] = [];
  for (const name of names) {
    const labels = namespaceLabelsOf(namespaces, name);
    const verdict = judge(requirements, labels);
    if (verdict.kind === 'match') matched.push(name);
    else if (verdict.kind === 'near') nearMisses.push(new NearMiss(name, labels, requirements, verdict.failed));
  }
  return { namespaces: matched, nearMisses };
}

/**
 * The pods a pod selector matches in the given namespaces (every pod when the selector is
 * undefined, as for a peer with only a namespaceSelector), with the near misses.
 *
 * Candidates come from the label index: a match meets every positive requirement, so it is among
 * the pods carrying the key of the most selective one; a near miss fails one requirement only,
 * so when there are two positive requirements it meets at least one of them and is among the
 * pods carrying one of their keys. Only selectors with no positive requirement (`{}`, only NotIn
 * or DoesNotExist) read every pod of the namespace.
 */
export function selectPods(index: PodIndex, namespaces: readonly string[], selector: LabelSelector | undefined): PodSelection {
  const effective = selector ?? EMPTY_SELECTOR;
  if (!isUsableSelector(effective)) return { pods: [], nearMisses: [], namespaces };
  const requirements = requirementsOf(effective);
  const pods: MatchedPod[] = [];
  const nearMisses: NearMiss[] = [];
  for (const namespace of namespaces) {
    for (const pod of candidates(index, namespace, requirements)) {
      const verdict = judge(requirements, pod.labels);
      if (verdict.kind === 'match') pods.push(new MatchedPod(pod, requirements));
      else if (verdict.kind === 'near') nearMisses.push(new NearMiss(`${pod.namespace}/${pod.name}`, pod.labels, requirements, verdict.failed));
    }
  }
  return { pods, nearMisses, namespaces };
}

/** The pods of a namespace that may match or nearly match, sorted by name (see selectPods). */
function candidates(index: PodIndex, namespace: string, requirements: readonly Requirement[]): readonly LivePod[] {
  const positive = requirements
    .filter(isPositive)
    .map((req) => {
      const values = req.operator === 'Exists' ? undefined : req.values;
      return { req, values, count: index.countWithLabel(namespace, req.key, values) };
    })
    .sort((a, b) => a.count - b.count);
  if (positive.length === 0) return index.podsIn(namespace);
  const first = positive[0]!;
  if (positive.length === 1) {
    // with one positive requirement, a near miss either meets it (so carries its key) or fails it
    // while meeting no other positive one, which judge() counts only when it carries the key with
    // another value: either way, the pods carrying the key, whatever its value
    return index.podsWithLabel(namespace, first.req.key, undefined);
  }
  const second = positive[1]!;
  const a = index.podsWithLabel(namespace, first.req.key, first.values);
  const b = index.podsWithLabel(namespace, second.req.key, second.values);
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const union = new Set([...a, ...b]);
  return [...union].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

/** The namespaces a peer's pods are looked up in: its namespaceSelector's, else the policy's own. */
export function peerNamespaces(namespaces: ReadonlyMap<string, LiveNamespace>, index: PodIndex, policyNamespace: string, namespaceSelector: LabelSelector | undefined): NamespaceSelection {
  if (namespaceSelector === undefined) return { namespaces: [policyNamespace], nearMisses: [] };
  return selectNamespaces(namespaces, index, namespaceSelector);
}
