import type { GuardrailConfig, PeerSelectorConfig } from '../config/config';
import { NAMESPACE_NAME_LABEL, type Inventory, type Protocol, type Workload } from '../inventory/model';
import { EMPTY_SELECTOR, selectorMatches, type Labels } from '../selectors/labelSelector';
import { cidrRange } from '../selectors/ipRanges';
import { formatAddress } from '../reachability/addresses';
import { workloadEndpoints, type WorkloadEndpoint } from '../reachability/endpoints';
import { isDNS1123Label, isQualifiedName, isValidLabelValue } from '../validate/k8sNames';
import { emitDocument, labelsSelector, policyEntries, portsValue, selectorValue, uniqueName, type PolicyDocument, type YEntry, type YValue } from '../authoring/policyText';
import { dnsEgressRule } from '../authoring/templates';
import type { AggregatedFlow, FlowEndpoint } from './model';
import { stableLabels } from './podOwners';

/**
 * Least-privilege NetworkPolicies from observed traffic. For each namespace it polices: a
 * default-deny of ingress and egress for every pod, DNS egress for every pod (to
 * `selectors.dns`, as the authoring templates write it), and per workload one policy whose rules
 * admit exactly what the workload was seen doing:
 *
 * - only flows the cluster forwarded justify an allow. A flow seen only as dropped (or with an
 *   unknown verdict) was not working traffic under the policies in force, so the synthesized set
 *   keeps it denied: it is counted, never allowed;
 * - pods are selected by their workload's stable labels: the pod template's labels when the
 *   inventory defines the workload, else the labels seen on the flows; labels the controllers put
 *   on pods (pod-template-hash, controller-revision-hash, the StatefulSet pod name, ...) are never
 *   used, and pod names never are. A workload with no usable label cannot be selected narrowly,
 *   so its flows are reported as uncovered rather than allowed through a broader selector;
 * - a peer in another namespace is `namespaceSelector` on kubernetes.io/metadata.name (set on
 *   every namespace since Kubernetes 1.21) plus `podSelector`; one in the same namespace is a
 *   `podSelector` alone;
 * - ports and protocols are exact: a rule lists one port per protocol and number seen, and peers
 *   share a rule only when they were seen on the very same ports, so that no rule admits a
 *   (peer, port) combination that no flow showed;
 * - external addresses become /32 (/128) ipBlocks; `widenIPv4`/`widenIPv6` merge the addresses seen
 *   on a port within one prefix of that length into their smallest covering CIDR.
 *
 * A flow between two namespaces that are not policed needs nothing written. Every generated rule
 * carries comments naming the flows that justify it (counts, first and last seen). The output is
 * deterministic: the same flows and inventory give the same text.
 */

export interface SynthesisOptions {
  /** prefix length within which external IPv4 addresses are merged (32: each address alone) */
  readonly widenIPv4: number;
  /** the same for IPv6 (128: each address alone) */
  readonly widenIPv6: number;
  /**
   * The namespaces to write policies for. Undefined: every namespace of a workload on a forwarded
   * flow, except the DNS namespace (`selectors.dns.namespace`): isolating the cluster DNS needs
   * ingress from every pod of the cluster, which is for its owners to decide.
   */
  readonly namespaces: readonly string[] | undefined;
}

export const DEFAULT_SYNTHESIS_OPTIONS: SynthesisOptions = { widenIPv4: 32, widenIPv6: 128, namespaces: undefined };

export type SynthesizedPolicyPurpose = 'default-deny' | 'dns' | 'observed';

export interface SynthesizedPolicy {
  readonly name: string;
  readonly namespace: string;
  readonly purpose: SynthesizedPolicyPurpose;
  /** the workloads whose pods it selects (observed policies), as `namespace/name` */
  readonly workloads: readonly string[];
  readonly ingressRules: number;
  readonly egressRules: number;
}

export interface SynthesizedNamespace {
  readonly namespace: string;
  /** a file name for the namespace's policies (`<namespace>.observed-policies.yaml`) */
  readonly fileName: string;
  readonly policies: readonly SynthesizedPolicy[];
  /** the policies as one multi-document YAML text */
  readonly text: string;
}

export interface UncoveredFlow {
  readonly flow: AggregatedFlow;
  readonly reason: string;
}

export interface SynthesisResult {
  readonly namespaces: readonly SynthesizedNamespace[];
  /** the namespaces policed, sorted */
  readonly policed: readonly string[];
  /** aggregated flows with forwarded observations that the generated rules admit (DNS included) */
  readonly admitted: number;
  /** of those, the ones the DNS policy admits */
  readonly dns: number;
  /** aggregated flows never seen forwarded (dropped or unknown verdict only): kept denied */
  readonly notForwarded: number;
  /** forwarded flows between endpoints no policed namespace holds: nothing to write for them */
  readonly outside: number;
  /** forwarded flows that could not be admitted narrowly, with why */
  readonly uncovered: readonly UncoveredFlow[];
  /** selectors that also select workloads the flows did not show (pods sharing the same labels) */
  readonly notes: readonly string[];
}

/** Keys observers report that are no pod labels (Cilium's identity labels), never selected on. */
const OBSERVER_PREFIXES = ['io.cilium.', 'io.kubernetes.pod.namespace', 'reserved:'];

/**
 * The labels a selector may use: stable ones (podOwners.ts drops those the controllers vary per
 * pod or revision), no observer identity labels, and valid as a selector's key and value.
 */
export function selectableLabels(labels: Labels): Labels {
  const stable = stableLabels(labels);
  const out: Record<string, string> = {};
  for (const key of Object.keys(stable).sort()) {
    const value = stable[key]!;
    if (OBSERVER_PREFIXES.some((p) => key.startsWith(p))) continue;
    if (isQualifiedName(key).length > 0 || isValidLabelValue(value).length > 0) continue;
    out[key] = value;
  }
  return out;
}

/** Pods of one namespace, by their selector's labels. */
interface PodsSide {
  readonly type: 'pods';
  readonly namespace: string;
  readonly labels: Labels;
  /** `namespace/name` of the workload the flow named */
  readonly display: string;
  readonly hostNetwork: boolean;
  readonly key: string;
}

interface ExternalSide {
  readonly type: 'external';
  readonly family: 4 | 6;
  readonly value: bigint;
  readonly display: string;
}

interface UnselectableSide {
  readonly type: 'unselectable';
  readonly namespace: string;
  readonly display: string;
  readonly reason: string;
}

type Side = PodsSide | ExternalSide | UnselectableSide;

function labelsKey(namespace: string, labels: Labels): string {
  let key = namespace;
  for (const k of Object.keys(labels).sort()) key += `\u0001${k}\u0002${labels[k]!}`;
  return key;
}

/** Resolves flow endpoints against the inventory's workload endpoints (memoised per endpoint id). */
class SideResolver {
  private readonly byId = new Map<string, WorkloadEndpoint>();

  constructor(inventory: Inventory) {
    for (const e of workloadEndpoints(inventory)) this.byId.set(e.id, e);
  }

  resolve(endpoint: FlowEndpoint): Side {
    if (endpoint.type === 'external') {
      const range = cidrRange(endpoint.cidr);
      if (!range) return { type: 'unselectable', namespace: '', display: endpoint.cidr, reason: `${endpoint.cidr} is not an IP address` };
      return { type: 'external', family: range.family, value: range.start, display: formatAddress({ family: range.family, value: range.start }) };
    }
    const display = `${endpoint.namespace}/${endpoint.name}`;
    if (isDNS1123Label(endpoint.namespace).length > 0) return { type: 'unselectable', namespace: endpoint.namespace, display, reason: `namespace "${endpoint.namespace}" is not a valid namespace name` };
    const defined = endpoint.endpointId === undefined ? undefined : this.byId.get(endpoint.endpointId);
    const workload: Workload | undefined = defined?.workload;
    const labels = selectableLabels(workload ? workload.podLabels : endpoint.labels);
    if (Object.keys(labels).length === 0) {
      return { type: 'unselectable', namespace: endpoint.namespace, display, reason: `${display} has no stable label to select its pods by` };
    }
    return { type: 'pods', namespace: endpoint.namespace, labels, display, hostNetwork: workload?.hostNetwork ?? false, key: labelsKey(endpoint.namespace, labels) };
  }
}

/** Observations of one (peer, port) for the justification comments. */
interface Stat {
  count: number;
  firstSeen: number | undefined;
  lastSeen: number | undefined;
  readonly names: Set<string>;
}

function addStat(stat: Stat, flow: AggregatedFlow, name: string): void {
  stat.count += flow.forwarded;
  if (flow.firstSeen !== undefined && (stat.firstSeen === undefined || flow.firstSeen < stat.firstSeen)) stat.firstSeen = flow.firstSeen;
  if (flow.lastSeen !== undefined && (stat.lastSeen === undefined || flow.lastSeen > stat.lastSeen)) stat.lastSeen = flow.lastSeen;
  stat.names.add(name);
}

function newStat(): Stat {
  return { count: 0, firstSeen: undefined, lastSeen: undefined, names: new Set() };
}

const portKey = (protocol: Protocol, port: number): string => `${protocol}/${port}`;

/** One direction of one selected pod set: what it talks to, per peer and port. */
interface DirectionPlan {
  /** pods peers: key -> peer and per-port stats */
  readonly pods: Map<string, { readonly side: PodsSide; readonly ports: Map<string, Stat> }>;
  /** external peers: per port, address text -> stat (widened into CIDRs when written) */
  readonly external: Map<string, Map<string, { readonly side: ExternalSide; readonly stat: Stat }>>;
}

interface PolicyPlan {
  readonly side: PodsSide;
  readonly workloads: Set<string>;
  readonly ingress: DirectionPlan;
  readonly egress: DirectionPlan;
}

function newDirection(): DirectionPlan {
  return { pods: new Map(), external: new Map() };
}

/** Whether the destination is the cluster DNS on its port, which the DNS policy admits. */
function isDnsFlow(dns: PeerSelectorConfig, destination: PodsSide, flow: AggregatedFlow, inventory: Inventory): boolean {
  if (flow.protocol !== 'UDP' && flow.protocol !== 'TCP') return false;
  if (destination.namespace !== dns.namespace || !selectorMatches(dns.podSelector, destination.labels)) return false;
  const port = dns.port ?? 53;
  if (typeof port === 'number') return flow.port === port;
  // a named DNS port: the container port of that name on the DNS pods, where the inventory has them
  return (inventory.workloadsByNamespace.get(dns.namespace) ?? []).some(
    (w) => selectorMatches(dns.podSelector, w.podLabels) && w.ports.some((p) => p.name === port && p.protocol === flow.protocol && p.port === flow.port),
  );
}

export interface WidenedCidr {
  readonly cidr: string;
  /** the addresses it was made from, as text */
  readonly addresses: readonly string[];
}

/**
 * Addresses merged per prefix of `bits` into the smallest CIDR covering those of the prefix;
 * `bits` at the family's full length keeps every address alone (/32, /128). Sorted by address.
 */
export function widenAddresses(addresses: readonly { readonly family: 4 | 6; readonly value: bigint }[], widenIPv4: number, widenIPv6: number): WidenedCidr[] {
  const groups = new Map<string, { family: 4 | 6; values: bigint[] }>();
  for (const a of addresses) {
    const width = a.family === 4 ? 32 : 128;
    const bits = Math.max(0, Math.min(width, a.family === 4 ? widenIPv4 : widenIPv6));
    const prefix = a.value >> BigInt(width - bits);
    const key = `${a.family}/${prefix.toString(16)}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { family: a.family, values: [] }));
    group.values.push(a.value);
  }
  const out: { family: 4 | 6; start: bigint; cidr: WidenedCidr }[] = [];
  for (const { family, values } of groups.values()) {
    const width = family === 4 ? 32 : 128;
    const sorted = [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const lo = sorted[0]!;
    const hi = sorted[sorted.length - 1]!;
    // the longest common prefix of the lowest and highest address covers all between them
    let ones = width;
    while (ones > 0 && lo >> BigInt(width - ones) !== hi >> BigInt(width - ones)) ones--;
    const start = ones === 0 ? 0n : (lo >> BigInt(width - ones)) << BigInt(width - ones);
    out.push({
      family,
      start,
      cidr: { cidr: `${formatAddress({ family, value: start })}/${ones}`, addresses: sorted.map((value) => formatAddress({ family, value })) },
    });
  }
  out.sort((a, b) => a.family - b.family || (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return out.map((o) => o.cidr);
}

function formatTime(ms: number | undefined): string {
  // to the second: the comments are for people
  return ms === undefined ? '?' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function statLine(peer: string, ports: string, stat: Stat): string {
  const seen = stat.firstSeen === undefined && stat.lastSeen === undefined ? '' : `, first ${formatTime(stat.firstSeen)}, last ${formatTime(stat.lastSeen)}`;
  return `${peer} ${ports}: ${stat.count} ${stat.count === 1 ? 'flow' : 'flows'}${seen}`;
}

/** Justification lines per rule, at most this many (then a count of the rest). */
const MAX_JUSTIFICATION_LINES = 12;

interface RulePeer {
  readonly sortKey: string;
  readonly value: YValue;
  /** one justification line per port */
  readonly lines: readonly string[];
}

const PROTOCOL_ORDER: Record<Protocol, number> = { TCP: 0, UDP: 1, SCTP: 2 };

function sortPortKeys(keys: Iterable<string>): string[] {
  return [...keys].sort((a, b) => {
    const [pa, na] = a.split('/') as [Protocol, string];
    const [pb, nb] = b.split('/') as [Protocol, string];
    return PROTOCOL_ORDER[pa] - PROTOCOL_ORDER[pb] || Number(na) - Number(nb);
  });
}

function podsPeerValue(self: string, side: PodsSide): YValue {
  const pod: YEntry = { key: 'podSelector', value: selectorValue(labelsSelector(side.labels)) };
  if (side.namespace === self) return { map: [pod] };
  return { map: [{ key: 'namespaceSelector', value: selectorValue(labelsSelector({ [NAMESPACE_NAME_LABEL]: side.namespace })) }, pod] };
}

/** The rules of one direction: peers grouped by the exact set of ports they were seen on. */
function directionRules(plan: DirectionPlan, self: string, direction: 'ingress' | 'egress', options: SynthesisOptions): YValue[] {
  // peer -> port keys, with a line per port
  const peers = new Map<string, { peer: RulePeer; ports: Set<string> }>();
  for (const [key, { side, ports }] of plan.pods) {
    const lines = sortPortKeys(ports.keys()).map((p) => statLine([...ports.get(p)!.names].sort().join(', '), p, ports.get(p)!));
    peers.set(`p${key}`, { peer: { sortKey: `0${key}`, value: podsPeerValue(self, side), lines }, ports: new Set(ports.keys()) });
  }
  for (const port of sortPortKeys(plan.external.keys())) {
    const byAddress = plan.external.get(port)!;
    const sides = [...byAddress.values()].map((v) => v.side);
    for (const widened of widenAddresses(sides, options.widenIPv4, options.widenIPv6)) {
      const stat = newStat();
      for (const address of widened.addresses) {
        const entry = byAddress.get(address)!;
        stat.count += entry.stat.count;
        if (entry.stat.firstSeen !== undefined && (stat.firstSeen === undefined || entry.stat.firstSeen < stat.firstSeen)) stat.firstSeen = entry.stat.firstSeen;
        if (entry.stat.lastSeen !== undefined && (stat.lastSeen === undefined || entry.stat.lastSeen > stat.lastSeen)) stat.lastSeen = entry.stat.lastSeen;
      }
      const shown = widened.addresses.length <= 3 ? widened.addresses.join(', ') : `${widened.addresses.slice(0, 3).join(', ')} and ${widened.addresses.length - 3} more`;
      const line = statLine(shown, port, stat);
      const key = `e${widened.cidr}`;
      let entry = peers.get(key);
      if (!entry) {
        const family = widened.cidr.includes(':') ? 6 : 4;
        const start = cidrRange(widened.cidr)!.start;
        entry = {
          peer: { sortKey: `1${family}${start.toString(16).padStart(32, '0')}/${widened.cidr}`, value: { map: [{ key: 'ipBlock', value: { map: [{ key: 'cidr', value: { scalar: widened.cidr } }] } }] }, lines: [] },
          ports: new Set(),
        };
        peers.set(key, entry);
      }
      (entry.peer.lines as string[]).push(line);
      entry.ports.add(port);
    }
  }
  // peers seen on the same ports share a rule; ports of a peer are never mixed with another's
  const rules = new Map<string, { ports: string[]; peers: RulePeer[] }>();
  for (const { peer, ports } of peers.values()) {
    const sorted = sortPortKeys(ports);
    const key = sorted.join(',');
    let rule = rules.get(key);
    if (!rule) rules.set(key, (rule = { ports: sorted, peers: [] }));
    rule.peers.push(peer);
  }
  const built = [...rules.values()].map((rule) => {
    rule.peers.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    return rule;
  });
  built.sort((a, b) => (a.peers[0]!.sortKey < b.peers[0]!.sortKey ? -1 : a.peers[0]!.sortKey > b.peers[0]!.sortKey ? 1 : 0));
  return built.map((rule) => {
    const lines = rule.peers.flatMap((p) => p.lines);
    const shown = lines.length > MAX_JUSTIFICATION_LINES ? [...lines.slice(0, MAX_JUSTIFICATION_LINES - 1), `... and ${lines.length - MAX_JUSTIFICATION_LINES + 1} more`] : lines;
    const ports = portsValue(
      rule.ports.map((p) => {
        const [protocol, port] = p.split('/') as [Protocol, string];
        return { protocol, port: Number(port) };
      }),
    );
    return {
      map: [
        { key: direction === 'ingress' ? 'from' : 'to', value: { seq: rule.peers.map((p) => p.value) }, comments: [`observed ${direction === 'ingress' ? 'from' : 'to'}:`, ...shown.map((l) => `  ${l}`)] },
        { key: 'ports', value: ports },
      ],
    };
  });
}

/** The DNS rule, with the lookups that were seen (it is written for every pod either way). */
function dnsRuleWithFlows(rule: YValue, seen: ReadonlyMap<string, { readonly name: string; readonly port: string; readonly stat: Stat }> | undefined): YValue {
  if (!('map' in rule)) return rule;
  const [first, ...rest] = rule.map;
  if (!first) return rule;
  const entries = [...(seen?.values() ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.port < b.port ? -1 : a.port > b.port ? 1 : 0));
  const lines = entries.map((e) => `  ${statLine(e.name, e.port, e.stat)}`);
  const shown = lines.length > MAX_JUSTIFICATION_LINES ? [...lines.slice(0, MAX_JUSTIFICATION_LINES - 1), `  ... and ${lines.length - MAX_JUSTIFICATION_LINES + 1} more`] : lines;
  const comments = shown.length > 0 ? ['observed lookups:', ...shown] : ['no lookup observed: allowed for every pod so that name resolution keeps working'];
  return { map: [{ ...first, comments }, ...rest] };
}

function emptyPlan(side: PodsSide): PolicyPlan {
  return { side, workloads: new Set(), ingress: newDirection(), egress: newDirection() };
}

function addPeer(plan: DirectionPlan, peer: PodsSide | ExternalSide, flow: AggregatedFlow): void {
  const port = portKey(flow.protocol, flow.port);
  if (peer.type === 'pods') {
    let entry = plan.pods.get(peer.key);
    if (!entry) plan.pods.set(peer.key, (entry = { side: peer, ports: new Map() }));
    let stat = entry.ports.get(port);
    if (!stat) entry.ports.set(port, (stat = newStat()));
    addStat(stat, flow, peer.display);
  } else {
    let byAddress = plan.external.get(port);
    if (!byAddress) plan.external.set(port, (byAddress = new Map<string, { readonly side: ExternalSide; readonly stat: Stat }>()));
    let entry = byAddress.get(peer.display);
    if (!entry) byAddress.set(peer.display, (entry = { side: peer, stat: newStat() }));
    addStat(entry.stat, flow, peer.display);
  }
}

function workloadBaseName(plan: PolicyPlan): string {
  const first = [...plan.workloads].sort()[0] ?? plan.side.display;
  return `allow-${first.slice(first.indexOf('/') + 1)}`;
}

const HEADER = 'Generated by netpol-guardrails from observed flows: review before applying.';

/** The namespaces policed when none are given: those of workloads on forwarded flows, but DNS's. */
function defaultNamespaces(flows: readonly AggregatedFlow[], config: GuardrailConfig): string[] {
  const out = new Set<string>();
  for (const flow of flows) {
    if (flow.forwarded <= 0) continue;
    for (const e of [flow.source, flow.destination]) if (e.type === 'workload' && isDNS1123Label(e.namespace).length === 0) out.add(e.namespace);
  }
  out.delete(config.selectors.dns.namespace);
  return [...out].sort();
}

export function synthesizePolicies(
  flows: readonly AggregatedFlow[],
  inventory: Inventory,
  config: GuardrailConfig,
  options: SynthesisOptions = DEFAULT_SYNTHESIS_OPTIONS,
): SynthesisResult {
  const policed = options.namespaces ? [...new Set(options.namespaces)].filter((ns) => isDNS1123Label(ns).length === 0).sort() : defaultNamespaces(flows, config);
  const policedSet = new Set(policed);
  const resolver = new SideResolver(inventory);
  const plans = new Map<string, Map<string, PolicyPlan>>(policed.map((ns) => [ns, new Map()]));
  const planOf = (side: PodsSide, workload: string): PolicyPlan => {
    const byKey = plans.get(side.namespace)!;
    let plan = byKey.get(side.key);
    if (!plan) byKey.set(side.key, (plan = emptyPlan(side)));
    plan.workloads.add(workload);
    return plan;
  };
  let admitted = 0;
  let dns = 0;
  let notForwarded = 0;
  let outside = 0;
  const uncovered: UncoveredFlow[] = [];
  /** per namespace: the DNS lookups seen, for the DNS rule's comments */
  const dnsSeen = new Map<string, Map<string, { readonly name: string; readonly port: string; readonly stat: Stat }>>();
  const selectorUse = new Map<string, { side: PodsSide; names: Set<string> }>();
  const useSelector = (side: PodsSide): void => {
    let use = selectorUse.get(side.key);
    if (!use) selectorUse.set(side.key, (use = { side, names: new Set() }));
    use.names.add(side.display);
  };
  for (const flow of flows) {
    if (flow.forwarded <= 0) {
      notForwarded++;
      continue;
    }
    const source = resolver.resolve(flow.source);
    const destination = resolver.resolve(flow.destination);
    const policedSide = (side: Side): boolean => side.type !== 'external' && policedSet.has(side.namespace) && !(side.type === 'pods' && side.hostNetwork);
    const egress = policedSide(source);
    const ingress = policedSide(destination);
    if (!egress && !ingress) {
      outside++;
      continue;
    }
    const dnsFlow = egress && destination.type === 'pods' && isDnsFlow(config.selectors.dns, destination, flow, inventory);
    // what each policed side needs: its own pods selectable, and the other side as a peer
    const problems: string[] = [];
    if (egress && !dnsFlow) {
      if (source.type === 'unselectable') problems.push(source.reason);
      if (destination.type === 'unselectable') problems.push(destination.reason);
    }
    if (ingress) {
      if (destination.type === 'unselectable') problems.push(destination.reason);
      if (source.type === 'unselectable') problems.push(source.reason);
    }
    // hostNetwork pods are neither selected by policies nor matched by their peers (see the engine)
    if ((ingress && source.type === 'pods' && source.hostNetwork) || (egress && !dnsFlow && destination.type === 'pods' && destination.hostNetwork)) {
      problems.push(`${source.type === 'pods' && source.hostNetwork ? source.display : destination.display} runs in the host network, which policies cannot select`);
    }
    if (problems.length > 0) {
      uncovered.push({ flow, reason: [...new Set(problems)].join('; ') });
      continue;
    }
    admitted++;
    if (dnsFlow) {
      dns++;
      if (source.type === 'pods') {
        let byPeer = dnsSeen.get(source.namespace);
        if (!byPeer) dnsSeen.set(source.namespace, (byPeer = new Map<string, { readonly name: string; readonly port: string; readonly stat: Stat }>()));
        const key = `${source.display}\u0000${portKey(flow.protocol, flow.port)}`;
        let entry = byPeer.get(key);
        if (!entry) byPeer.set(key, (entry = { name: source.display, port: portKey(flow.protocol, flow.port), stat: newStat() }));
        addStat(entry.stat, flow, source.display);
      }
    }
    if (egress && !dnsFlow && source.type === 'pods') {
      useSelector(source);
      if (destination.type === 'pods') useSelector(destination);
      addPeer(planOf(source, source.display).egress, destination as PodsSide | ExternalSide, flow);
    }
    if (ingress && destination.type === 'pods') {
      useSelector(destination);
      if (source.type === 'pods') useSelector(source);
      addPeer(planOf(destination, destination.display).ingress, source as PodsSide | ExternalSide, flow);
    }
  }

  const namespaces: SynthesizedNamespace[] = [];
  for (const namespace of policed) {
    const taken = new Set((inventory.policiesByNamespace.get(namespace) ?? []).map((p) => p.name));
    const name = (base: string): string => {
      const unique = uniqueName(base, taken);
      taken.add(unique);
      return unique;
    };
    const documents: PolicyDocument[] = [];
    const policies: SynthesizedPolicy[] = [];
    const denyName = name('default-deny');
    documents.push({
      name: denyName,
      namespace,
      podSelector: EMPTY_SELECTOR,
      policyTypes: ['Ingress', 'Egress'],
      comments: [HEADER, `Deny all ingress and egress traffic of every pod in ${namespace}, unless another policy allows it.`],
    });
    policies.push({ name: denyName, namespace, purpose: 'default-deny', workloads: [], ingressRules: 0, egressRules: 0 });
    const dnsConfig = config.selectors.dns;
    const dnsName = name('allow-dns-egress');
    documents.push({
      name: dnsName,
      namespace,
      podSelector: EMPTY_SELECTOR,
      policyTypes: ['Egress'],
      egress: [dnsRuleWithFlows(dnsEgressRule(dnsConfig), dnsSeen.get(namespace))],
      comments: [`Allow DNS lookups (UDP and TCP ${String(dnsConfig.port ?? 53)}) to the cluster DNS in ${dnsConfig.namespace}.`],
    });
    policies.push({ name: dnsName, namespace, purpose: 'dns', workloads: [], ingressRules: 0, egressRules: 1 });
    const byKey = [...plans.get(namespace)!.values()].sort((a, b) => {
      const an = workloadBaseName(a);
      const bn = workloadBaseName(b);
      return an < bn ? -1 : an > bn ? 1 : a.side.key < b.side.key ? -1 : a.side.key > b.side.key ? 1 : 0;
    });
    for (const plan of byKey) {
      const ingress = directionRules(plan.ingress, namespace, 'ingress', options);
      const egress = directionRules(plan.egress, namespace, 'egress', options);
      if (ingress.length === 0 && egress.length === 0) continue;
      const policyName = name(workloadBaseName(plan));
      const workloads = [...plan.workloads].sort();
      const types: ('Ingress' | 'Egress')[] = [];
      if (ingress.length > 0) types.push('Ingress');
      if (egress.length > 0) types.push('Egress');
      documents.push({
        name: policyName,
        namespace,
        podSelector: labelsSelector(plan.side.labels),
        policyTypes: types,
        ...(ingress.length > 0 ? { ingress } : {}),
        ...(egress.length > 0 ? { egress } : {}),
        comments: [`Traffic observed for ${workloads.join(', ')}: each rule lists the flows that justify it.`],
      });
      policies.push({ name: policyName, namespace, purpose: 'observed', workloads, ingressRules: ingress.length, egressRules: egress.length });
    }
    const style = { eol: '\n', seqIndent: '  ' };
    const text = documents.map((d) => emitDocument(policyEntries(d), style)).join('---\n');
    namespaces.push({ namespace, fileName: `${namespace}.observed-policies.yaml`, policies, text });
  }

  // a selector made from one workload's labels that the inventory says also selects another
  const notes: string[] = [];
  const endpoints = workloadEndpoints(inventory);
  for (const { side, names } of [...selectorUse.values()].sort((a, b) => (a.side.key < b.side.key ? -1 : 1))) {
    const selector = labelsSelector(side.labels);
    const others = endpoints.filter((e) => e.namespace === side.namespace && !e.workload.hostNetwork && !names.has(`${e.namespace}/${e.name}`) && selectorMatches(selector, e.workload.podLabels));
    if (others.length > 0) {
      notes.push(
        `The labels of ${[...names].sort().join(', ')} (${Object.entries(side.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}) also select ${others.map((e) => e.id).join(', ')}, which the flows do not show: give the workloads distinct labels to keep the policies exact.`,
      );
    }
  }
  return { namespaces, policed, admitted, dns, notForwarded, outside, uncovered, notes };
}
