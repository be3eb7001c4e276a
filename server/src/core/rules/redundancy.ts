import { NAMESPACE_NAME_LABEL, isolates, type Direction, type NetworkPolicyInfo, type PolicyPeer, type PolicyRule, type Protocol } from '../inventory/model';
import { ALL_PORTS, MAX_PORT, MIN_PORT, NO_PORTS, allPortsOf, intersect, isEmpty, portRange, subtract, union, type PortSet } from '../reachability/portSet';
import { cidrRange, subtract as subtractAddresses, type AddressRange } from '../selectors/ipRanges';
import { isEmptySelector, isUsableSelector, requiredLabels, selectorImplies, type LabelSelector } from '../selectors/labelSelector';

/**
 * Which rules and policies of one namespace add nothing to what the others allow (the
 * `redundant-rule` and `redundant-policy` guardrails).
 *
 * The comparison holds for any pods and namespaces, not only the workloads the workspace defines
 * (a repository of policies often has none, and pods come and go): a rule is covered when, for
 * each of its peers, the rules whose peers surely contain that peer (selector implication, ipBlock
 * address sets) allow every port it allows (the engine's port sets; a named port only when the
 * same name and protocol, or the whole protocol, is allowed), and those rules apply to every pod
 * the rule's policy selects (their policy isolates the same direction and its podSelector surely
 * selects a superset). Anything less certain is not reported.
 *
 * Removing every reported rule and policy at once changes nothing: they are decided one at a time,
 * each against those not yet removed (the last in order first, so the later of two equal rules is
 * the one reported). The order is by policy name, file and offset, so it does not depend on the
 * order files were read in. Findings read the policies of the namespace only (RuleContext.scope).
 */

export interface RuleRef {
  readonly policy: NetworkPolicyInfo;
  readonly direction: Direction;
  /** 0-based index in the policy's ingress or egress list */
  readonly index: number;
  readonly rule: PolicyRule;
}

export interface RedundantRule extends RuleRef {
  /** the rules that together allow everything it allows */
  readonly coveredBy: readonly RuleRef[];
}

export interface RedundantPolicy {
  readonly policy: NetworkPolicyInfo;
  /** the policies that isolate its pods and allow everything it allows */
  readonly coveredBy: readonly NetworkPolicyInfo[];
}

export interface Redundancy {
  readonly policies: readonly RedundantPolicy[];
  readonly rules: readonly RedundantRule[];
}

const DIRECTIONS: readonly Direction[] = ['ingress', 'egress'];

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byName(a: NetworkPolicyInfo, b: NetworkPolicyInfo): number {
  return compareText(a.name, b.name) || compareText(a.source.file, b.source.file) || a.object.baseOffset - b.object.baseOffset;
}

function nameSelector(namespace: string): LabelSelector {
  return { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace }, matchExpressions: [] };
}

/** Every pod `inner` selects, `outer` surely selects too (both policies of one namespace). */
export function podsContained(inner: NetworkPolicyInfo, outer: NetworkPolicyInfo): boolean {
  return inner.namespace === outer.namespace && (isEmptySelector(outer.podSelector) || selectorImplies(inner.podSelector, outer.podSelector));
}

/** The namespaces a peer may match: its namespaceSelector, or the policy's own namespace as a selector. */
function namespacesOf(peer: PolicyPeer, namespace: string): LabelSelector {
  return peer.namespaceSelector ?? nameSelector(namespace);
}

const addressSets = new WeakMap<PolicyPeer, AddressRange[] | undefined>();

function addressSet(peer: PolicyPeer): AddressRange[] | undefined {
  if (addressSets.has(peer)) return addressSets.get(peer);
  const set = computeAddressSet(peer);
  addressSets.set(peer, set);
  return set;
}

function computeAddressSet(peer: PolicyPeer): AddressRange[] | undefined {
  const block = peer.ipBlock ? cidrRange(peer.ipBlock.cidr) : undefined;
  if (!block || !peer.ipBlock) return undefined;
  const excepts: AddressRange[] = [];
  for (const e of peer.ipBlock.except) {
    const r = cidrRange(e);
    if (!r) return undefined;
    excepts.push(r);
  }
  return subtractAddresses([block], excepts);
}

/** Every endpoint peer `inner` (of a policy in `namespace`) matches, `outer` surely matches too. */
export function peerContained(inner: PolicyPeer, outer: PolicyPeer, namespace: string): boolean {
  if (inner.ipBlock || outer.ipBlock) {
    if (!inner.ipBlock || !outer.ipBlock) return false;
    const a = addressSet(inner);
    const b = addressSet(outer);
    return a !== undefined && b !== undefined && subtractAddresses(a, b).length === 0;
  }
  if (inner.podSelector === undefined && inner.namespaceSelector === undefined) return false;
  const outerNamespaces = namespacesOf(outer, namespace);
  if (!isEmptySelector(outerNamespaces) && !selectorImplies(namespacesOf(inner, namespace), outerNamespaces)) return false;
  if (outer.podSelector === undefined || isEmptySelector(outer.podSelector)) return true;
  return inner.podSelector !== undefined && selectorImplies(inner.podSelector, outer.podSelector);
}

interface RulePorts {
  readonly numeric: PortSet;
  readonly named: readonly { readonly name: string; readonly protocol: Protocol }[];
  /** no ports listed: every port, named ones included */
  readonly all: boolean;
}

const rulePorts = new WeakMap<PolicyRule, RulePorts>();

function portsOf(rule: PolicyRule): RulePorts {
  let ports = rulePorts.get(rule);
  if (!ports) rulePorts.set(rule, (ports = computePortsOf(rule)));
  return ports;
}

function computePortsOf(rule: PolicyRule): RulePorts {
  if (rule.ports.length === 0) return { numeric: ALL_PORTS, named: [], all: true };
  let numeric = NO_PORTS;
  const named: { name: string; protocol: Protocol }[] = [];
  for (const p of rule.ports) {
    if (typeof p.port === 'string') named.push({ name: p.port, protocol: p.protocol });
    else if (p.port === undefined) numeric = union(numeric, allPortsOf(p.protocol));
    // k8s: endPort below port is rejected by the API server (such policies are not in the inventory)
    else numeric = union(numeric, portRange(p.protocol, p.port, p.endPort !== undefined && p.endPort >= p.port ? p.endPort : p.port));
  }
  return { numeric, named, all: false };
}

function wholeProtocol(set: PortSet, protocol: Protocol): boolean {
  const r = set[protocol];
  return r.length === 2 && r[0] === MIN_PORT && r[1] === MAX_PORT;
}

/** The coverers that together allow everything `rule` allows, or undefined when they do not. */
function coverOf(rule: RuleRef, coverers: readonly RuleRef[]): RuleRef[] | undefined {
  const own = portsOf(rule.rule);
  const namespace = rule.policy.namespace;
  const used = new Set<RuleRef>();
  // a rule without peers matches every source or destination, in the cluster and outside it
  const peers: readonly (PolicyPeer | undefined)[] = rule.rule.peers.length === 0 ? [undefined] : rule.rule.peers;
  for (const peer of peers) {
    const relevant = coverers.filter((c) => c.rule.peers.length === 0 || (peer !== undefined && c.rule.peers.some((q) => peerContained(peer, q, namespace))));
    let numeric = NO_PORTS;
    const ports = relevant.map((c) => portsOf(c.rule));
    for (const p of ports) numeric = union(numeric, p.numeric);
    if (!isEmpty(subtract(own.numeric, numeric))) return undefined;
    for (const n of own.named) {
      const byName = relevant.find((_, i) => ports[i]!.all || ports[i]!.named.some((m) => m.name === n.name && m.protocol === n.protocol));
      if (!byName && !wholeProtocol(numeric, n.protocol)) return undefined;
    }
    // name the rules that allow some of it
    relevant.forEach((c, i) => {
      const p = ports[i]!;
      const overlaps = p.all || own.all || !isEmpty(intersect(own.numeric, p.numeric)) || own.named.some((n) => p.named.some((m) => m.name === n.name && m.protocol === n.protocol) || wholeProtocol(p.numeric, n.protocol));
      if (overlaps) used.add(c);
    });
  }
  return [...used];
}

function rulesOf(policy: NetworkPolicyInfo, direction: Direction): RuleRef[] {
  return policy[direction].map((rule, index) => ({ policy, direction, index, rule }));
}

/**
 * The policies that may select a superset of a policy's pods, found without comparing every pair:
 * a policy whose podSelector requires a label (matchLabels, or In with one value) can only cover
 * policies that require the same label, so it is filed under its first required label.
 */
class CoverIndex {
  private readonly everyone: number[] = [];
  private readonly byLabel = new Map<string, number[]>();

  constructor(private readonly sorted: readonly NetworkPolicyInfo[]) {
    sorted.forEach((q, i) => {
      const selector = q.podSelector;
      if (selector.matchExpressions.some((r) => r.operator === 'NotIn' || r.operator === 'DoesNotExist') || !isUsableSelector(selector)) return;
      const first = Object.entries(requiredLabels(selector))[0];
      if (!first) this.everyone.push(i);
      else {
        const key = `${first[0]}\u0000${first[1]}`;
        const list = this.byLabel.get(key);
        if (list) list.push(i);
        else this.byLabel.set(key, [i]);
      }
    });
  }

  /** The policies (in sorted order) whose pods surely include all of `policy`'s, itself included. */
  containing(policy: NetworkPolicyInfo): NetworkPolicyInfo[] {
    const found = [...this.everyone];
    for (const [k, v] of Object.entries(requiredLabels(policy.podSelector))) found.push(...(this.byLabel.get(`${k}\u0000${v}`) ?? []));
    return [...new Set(found)]
      .sort((a, b) => a - b)
      .map((i) => this.sorted[i]!)
      .filter((q) => q === policy || podsContained(policy, q));
  }
}

const cache = new WeakMap<readonly NetworkPolicyInfo[], Redundancy>();

/** The redundant policies and rules among the policies of one namespace (memoised per list). */
export function redundancyOf(policies: readonly NetworkPolicyInfo[]): Redundancy {
  const cached = cache.get(policies);
  if (cached) return cached;
  const count = new Map<string, number>();
  for (const p of policies) count.set(p.name, (count.get(p.name) ?? 0) + 1);
  // a name defined twice leaves only one of them applied (duplicate-policy): compare neither
  const sorted = policies.filter((p) => count.get(p.name) === 1).sort(byName);
  const covers = new CoverIndex(sorted);
  const containing = new Map<NetworkPolicyInfo, NetworkPolicyInfo[]>();
  for (const p of sorted) containing.set(p, covers.containing(p));
  const removedPolicies = new Set<NetworkPolicyInfo>();
  const redundantPolicies: RedundantPolicy[] = [];
  for (let k = sorted.length - 1; k >= 0; k--) {
    const policy = sorted[k]!;
    const coveredBy = new Set<NetworkPolicyInfo>();
    let covered = policy.policyTypes.length > 0;
    for (const direction of DIRECTIONS) {
      if (!covered || !isolates(policy, direction)) continue;
      const others = containing.get(policy)!.filter((q) => q !== policy && !removedPolicies.has(q) && isolates(q, direction));
      // without another policy isolating its pods, removing it would open them
      if (others.length === 0) {
        covered = false;
        break;
      }
      const coverers = others.flatMap((q) => rulesOf(q, direction));
      if (policy[direction].length === 0) coveredBy.add(others[0]!);
      for (const rule of rulesOf(policy, direction)) {
        const cover = coverOf(rule, coverers);
        if (!cover) {
          covered = false;
          break;
        }
        for (const c of cover) coveredBy.add(c.policy);
      }
    }
    if (!covered) continue;
    removedPolicies.add(policy);
    redundantPolicies.push({ policy, coveredBy: [...coveredBy].sort(byName) });
  }
  const kept = sorted.filter((p) => !removedPolicies.has(p));
  const removedRules = new Set<string>();
  const position = new Map(sorted.map((p, i) => [p, i]));
  const key = (r: RuleRef): string => `${position.get(r.policy) ?? -1}/${r.direction}/${r.index}`;
  const redundantRules: RedundantRule[] = [];
  for (let k = kept.length - 1; k >= 0; k--) {
    const policy = kept[k]!;
    for (const direction of DIRECTIONS) {
      if (!isolates(policy, direction)) continue;
      const owners = containing.get(policy)!.filter((q) => q === policy || (!removedPolicies.has(q) && isolates(q, direction)));
      const candidates = owners.flatMap((q) => rulesOf(q, direction));
      const own = rulesOf(policy, direction);
      for (let i = own.length - 1; i >= 0; i--) {
        const rule = own[i]!;
        const coverers = candidates.filter((c) => !(c.policy === policy && c.index === i) && !removedRules.has(key(c)));
        const cover = coverOf(rule, coverers);
        if (!cover) continue;
        removedRules.add(key(rule));
        redundantRules.push({ ...rule, coveredBy: cover });
      }
    }
  }
  const result: Redundancy = { policies: redundantPolicies.reverse(), rules: redundantRules.reverse() };
  cache.set(policies, result);
  return result;
}
