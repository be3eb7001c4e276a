import type { Direction, Inventory, NetworkPolicyInfo, PolicyPeer, PolicyRule, Protocol } from '../inventory/model';
import { NEVER_CANCELLED, type CancellationToken } from '../model/finding';
import { selectorMatches, type LabelSelector } from '../selectors/labelSelector';
import { namespaceLabels } from '../selectors/peers';
import { cidrRange, type AddressRange } from '../selectors/ipRanges';
import { externalRanges, ipBlockCidrs, parseAddress, rangeIndexOf } from './addresses';
import { externalEndpoints, workloadEndpoints, type Endpoint, type WorkloadEndpoint } from './endpoints';
import { PortSetTable, portRange, allPortsOf, type PortSet } from './portSet';

/**
 * The connectivity engine. Kubernetes semantics (kubernetes.io/docs/concepts/services-networking/
 * network-policies, and the NetworkPolicySpec API docs):
 * - a pod is isolated for ingress (egress) when any NetworkPolicy of its namespace selects it and
 *   has Ingress (Egress) in its policyTypes after defaulting; a pod that is not isolated for a
 *   direction allows everything in that direction;
 * - policies are additive: what an isolated pod allows is the union of the rules of every policy
 *   that selects it for that direction (`ingress: []` allows nothing, `[{}]` everything);
 * - "For a connection from a source pod to a destination pod to be allowed, both the egress policy
 *   on the source pod and the ingress policy on the destination pod need to allow the connection";
 * - a rule allows traffic matching one of its peers (ORed; none listed: every peer) and one of its
 *   ports (ORed; none listed: every port); a named port is the destination pod's container port of
 *   that name and protocol (k8s.io/api networking/v1 NetworkPolicyPort.port: "a named port on a
 *   pod"), so it matches nothing towards addresses outside the cluster or pods that lack it;
 * - ipBlock peers match addresses outside the cluster only (the docs: ipBlock is for
 *   "cluster-external IPs"; pod IPs are meant to be selected by pod and namespace selectors);
 * - hostNetwork pods: how policies treat them is left to the network plugin, and most "ignore
 *   hostNetwork pods when matching podSelector and namespaceSelector"; the engine does so too (the
 *   `host-network-workload` guardrail says the same), so they are never isolated nor selected;
 * - ingress from the pod's own node is always allowed (NetworkPolicySpec.ingress: "OR if the
 *   traffic source is the pod's local node"); nodes are not endpoints here, so that is not shown.
 *
 * Speed: the index keeps, per workload, the policies isolating it in each direction; each policy's
 * selected workloads, each distinct peer's matched endpoints (selectors memoised per namespace)
 * and each rule's ports (interned port sets) are computed once. The map computes one sparse row
 * per distinct set of egress policies and one sparse column per distinct set of ingress policies;
 * an egress-isolated source walks its row (checking each destination's column), and a source with
 * open egress takes the columns inverted, so the work follows the size of the answer rather than
 * endpoints squared. Pairs combine with memoised port set intersections.
 */

export interface NamedPort {
  readonly name: string;
  readonly protocol: Protocol;
}

export interface RuleEntry {
  /** index in ReachabilityIndex.policies */
  readonly policy: number;
  readonly direction: Direction;
  readonly ruleIndex: number;
  readonly rule: PolicyRule;
  /** endpoint indexes the rule's peers match, sorted; undefined when the rule lists no peers (all) */
  readonly peers: Int32Array | undefined;
  /** port set id of its numeric ports (all ports when it lists none) */
  readonly numeric: number;
  readonly named: readonly NamedPort[];
  /** named ports resolved per destination port signature */
  readonly resolved: Map<number, number>;
  /** equal for rules that allow the same ports to the same peers (the map applies those once) */
  readonly contribution: number;
}

export interface PolicyEntry {
  readonly policy: NetworkPolicyInfo;
  /** workload endpoint indexes it selects, sorted */
  readonly selected: Int32Array;
  readonly ingress: readonly RuleEntry[];
  readonly egress: readonly RuleEntry[];
  readonly isolatesIngress: boolean;
  readonly isolatesEgress: boolean;
}

const selectorKeys = new WeakMap<LabelSelector, string>();

/** A string equal for equal selectors (memoised per selector object: policies are read once). */
function selectorKey(selector: LabelSelector): string {
  let key = selectorKeys.get(selector);
  if (key === undefined) {
    // built by hand: JSON.stringify of every selector of 10,000 policies costs more than the rest
    key = '';
    for (const k of Object.keys(selector.matchLabels)) key += `${k}\u0001${selector.matchLabels[k]}\u0002`;
    key += '\u0003';
    for (const e of selector.matchExpressions) key += `${e.key}\u0001${e.operator}\u0001${e.values.join('\u0001')}\u0002`;
    selectorKeys.set(selector, key);
  }
  return key;
}

function sortedUnique(values: number[]): Int32Array {
  const out = Int32Array.from(values).sort();
  let n = 0;
  for (let i = 0; i < out.length; i++) if (i === 0 || out[i] !== out[i - 1]) out[n++] = out[i]!;
  return out.subarray(0, n);
}

/** Equal for peers that match the same endpoints: a pod-only peer depends on the policy's namespace. */
function peerKey(policy: NetworkPolicyInfo, peer: PolicyPeer): string {
  if (peer.ipBlock) return `ip\u0000${peer.ipBlock.cidr}\u0000${peer.ipBlock.except.join(',')}`;
  const namespaces = peer.namespaceSelector === undefined ? `in:${policy.namespace}` : selectorKey(peer.namespaceSelector);
  return `sel\u0000${namespaces}\u0000${peer.podSelector === undefined ? '*' : selectorKey(peer.podSelector)}`;
}

export function hasIndex(sorted: Int32Array, value: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid]!;
    if (v === value) return true;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** The precomputed index over one inventory; pairs, the map and explanations are answered from it. */
export class ReachabilityIndex {
  readonly endpoints: readonly Endpoint[];
  /** endpoints [0, workloadCount) are workloads, the rest external ranges */
  readonly workloadCount: number;
  readonly ranges: readonly AddressRange[];
  readonly policies: readonly PolicyEntry[];
  /** per workload endpoint: the policies (indexes) isolating it for ingress / egress */
  readonly ingressPolicies: readonly (readonly number[])[];
  readonly egressPolicies: readonly (readonly number[])[];
  readonly table = new PortSetTable();
  private readonly byId = new Map<string, number>();
  private readonly workloadsByNamespace = new Map<string, number[]>();
  private readonly podMatches = new Map<string, number[]>();
  private readonly namespaceMatches = new Map<string, string[]>();
  /** matched endpoints per distinct peer (and per distinct list of peers) */
  private readonly peerCache = new Map<string, Int32Array>();
  private readonly contributions = new Map<string, number>();
  /** per workload endpoint: an id for its container ports (named port resolution) */
  private readonly portSignature: Int32Array;

  /**
   * `extraCidrs` cut the external address space further (a diff gives both sides the same ranges
   * this way, so that their external endpoints compare one to one).
   */
  constructor(
    readonly inventory: Inventory,
    token: CancellationToken = NEVER_CANCELLED,
    extraCidrs: readonly string[] = [],
  ) {
    const workloads = workloadEndpoints(inventory);
    this.ranges = externalRanges([...ipBlockCidrs(inventory.policies), ...extraCidrs]);
    this.endpoints = [...workloads, ...externalEndpoints(this.ranges)];
    this.workloadCount = workloads.length;
    this.endpoints.forEach((e, i) => this.byId.set(e.id, i));
    const signatures = new Map<string, number>();
    this.portSignature = new Int32Array(workloads.length);
    workloads.forEach((w, i) => {
      // hostNetwork workloads are not selected by policies nor matched by selector peers
      if (!w.workload.hostNetwork) {
        const list = this.workloadsByNamespace.get(w.namespace);
        if (list) list.push(i);
        else this.workloadsByNamespace.set(w.namespace, [i]);
      }
      const key = w.workload.ports.map((p) => `${p.name ?? ''}:${p.port}/${p.protocol}`).join(' ');
      let sig = signatures.get(key);
      if (sig === undefined) signatures.set(key, (sig = signatures.size));
      this.portSignature[i] = sig;
    });
    const ingressPolicies: number[][] = workloads.map(() => []);
    const egressPolicies: number[][] = workloads.map(() => []);
    const policies: PolicyEntry[] = [];
    for (const policy of inventory.policies) {
      if (token.isCancellationRequested) break;
      const index = policies.length;
      const selected = Int32Array.from(this.podsMatching(policy.podSelector, policy.namespace));
      const isolatesIngress = policy.policyTypes.includes('Ingress');
      const isolatesEgress = policy.policyTypes.includes('Egress');
      for (const w of selected) {
        if (isolatesIngress) ingressPolicies[w]!.push(index);
        if (isolatesEgress) egressPolicies[w]!.push(index);
      }
      // rules of a direction the policy does not isolate are ignored, as by every implementation:
      // policyTypes: [Egress] with ingress rules allows nothing extra for ingress
      policies.push({
        policy,
        selected,
        ingress: isolatesIngress ? policy.ingress.map((rule, i) => this.ruleEntry(index, policy, 'ingress', i, rule)) : [],
        egress: isolatesEgress ? policy.egress.map((rule, i) => this.ruleEntry(index, policy, 'egress', i, rule)) : [],
        isolatesIngress,
        isolatesEgress,
      });
    }
    this.policies = policies;
    this.ingressPolicies = ingressPolicies;
    this.egressPolicies = egressPolicies;
  }

  get size(): number {
    return this.endpoints.length;
  }

  /** An endpoint by id (`ns/name`, `ns/Kind/name`, a range `first-last`) or by an IP address. */
  find(text: string): number | undefined {
    const byId = this.byId.get(text);
    if (byId !== undefined) return byId;
    const address = parseAddress(text);
    if (!address) return undefined;
    const i = rangeIndexOf(this.ranges, address);
    return i < 0 ? undefined : this.workloadCount + i;
  }

  endpoint(index: number): Endpoint {
    return this.endpoints[index]!;
  }

  /** Workload endpoints of a namespace that selectors can match (hostNetwork ones left out). */
  private podsInNamespace(namespace: string): readonly number[] {
    return this.workloadsByNamespace.get(namespace) ?? [];
  }

  private podsMatching(selector: LabelSelector, namespace: string): number[] {
    const key = `${namespace}\u0000${selectorKey(selector)}`;
    let out = this.podMatches.get(key);
    if (!out) {
      out = this.podsInNamespace(namespace).filter((i) => selectorMatches(selector, (this.endpoints[i] as WorkloadEndpoint).workload.podLabels));
      this.podMatches.set(key, out);
    }
    return out;
  }

  private namespacesMatching(selector: LabelSelector): string[] {
    const key = selectorKey(selector);
    let out = this.namespaceMatches.get(key);
    if (!out) {
      out = [...this.inventory.namespaces.keys()].filter((ns) => selectorMatches(selector, namespaceLabels(this.inventory, ns)));
      this.namespaceMatches.set(key, out);
    }
    return out;
  }

  /** Endpoint indexes one peer of a policy matches, sorted (shared: do not modify). */
  peerMatches(policy: NetworkPolicyInfo, peer: PolicyPeer): Int32Array {
    const key = peerKey(policy, peer);
    let out = this.peerCache.get(key);
    if (!out) this.peerCache.set(key, (out = sortedUnique(this.computePeerMatches(policy, peer))));
    return out;
  }

  private computePeerMatches(policy: NetworkPolicyInfo, peer: PolicyPeer): number[] {
    if (peer.ipBlock) {
      const block = cidrRange(peer.ipBlock.cidr);
      if (!block) return [];
      const excepts = peer.ipBlock.except.map(cidrRange).filter((r): r is AddressRange => r !== undefined && r.family === block.family);
      const out: number[] = [];
      // ranges are cut at every cidr and except bound, so each lies wholly inside or outside them
      for (let i = rangeIndexOf(this.ranges, { family: block.family, value: block.start }); i >= 0 && i < this.ranges.length; i++) {
        const r = this.ranges[i]!;
        if (r.family !== block.family || r.start > block.end) break;
        if (!excepts.some((e) => e.start <= r.start && r.end <= e.end)) out.push(this.workloadCount + i);
      }
      return out;
    }
    if (peer.podSelector === undefined && peer.namespaceSelector === undefined) return [];
    const namespaces = peer.namespaceSelector === undefined ? [policy.namespace] : this.namespacesMatching(peer.namespaceSelector);
    const out: number[] = [];
    for (const ns of namespaces) out.push(...(peer.podSelector === undefined ? this.podsInNamespace(ns) : this.podsMatching(peer.podSelector, ns)));
    return out;
  }

  private ruleEntry(policyIndex: number, policy: NetworkPolicyInfo, direction: Direction, ruleIndex: number, rule: PolicyRule): RuleEntry {
    const named: NamedPort[] = [];
    let numeric = rule.ports.length === 0 ? PortSetTable.ALL : PortSetTable.NONE;
    for (const port of rule.ports) {
      if (typeof port.port === 'string') named.push({ name: port.port, protocol: port.protocol });
      else numeric = this.table.union(numeric, this.table.intern(numericPorts(port.protocol, port.port, port.endPort)));
    }
    let peers: Int32Array | undefined;
    let peersKey = '*';
    if (rule.peers.length === 1) {
      peers = this.peerMatches(policy, rule.peers[0]!);
      peersKey = peerKey(policy, rule.peers[0]!);
    } else if (rule.peers.length > 1) {
      const key = rule.peers.map((peer) => peerKey(policy, peer)).join('\u0001');
      peersKey = key;
      peers = this.peerCache.get(key);
      if (!peers) {
        const all: number[] = [];
        for (const peer of rule.peers) for (const i of this.peerMatches(policy, peer)) all.push(i);
        this.peerCache.set(key, (peers = sortedUnique(all)));
      }
    }
    const contributionKey = `${peersKey}\u0004${numeric}\u0004${named.map((n) => `${n.name}/${n.protocol}`).join(',')}`;
    let contribution = this.contributions.get(contributionKey);
    if (contribution === undefined) this.contributions.set(contributionKey, (contribution = this.contributions.size));
    return { policy: policyIndex, direction, ruleIndex, rule, peers, numeric, named, resolved: new Map(), contribution };
  }

  /** The port set id a rule allows towards the destination endpoint. */
  rulePorts(rule: RuleEntry, destination: number): number {
    if (rule.named.length === 0 || destination >= this.workloadCount) return rule.numeric;
    const signature = this.portSignature[destination]!;
    let id = rule.resolved.get(signature);
    if (id === undefined) {
      id = rule.numeric;
      const ports = (this.endpoints[destination] as WorkloadEndpoint).workload.ports;
      for (const named of rule.named) {
        for (const p of ports) if (p.name === named.name && p.protocol === named.protocol) id = this.table.union(id, this.table.intern(portRange(p.protocol, p.port)));
      }
      rule.resolved.set(signature, id);
    }
    return id;
  }

  /** equal for workload endpoints with the same container ports */
  portSignatureOf(endpoint: number): number {
    return this.portSignature[endpoint] ?? -1;
  }

  ruleMatchesPeer(rule: RuleEntry, peer: number): boolean {
    return rule.peers === undefined || hasIndex(rule.peers, peer);
  }

  /**
   * What one side allows for the pair, as a port set id: the source's egress (direction `egress`)
   * or the destination's ingress. Undefined when that side is not isolated (or is external).
   */
  sideAllows(direction: Direction, source: number, destination: number): number | undefined {
    const self = direction === 'egress' ? source : destination;
    const peer = direction === 'egress' ? destination : source;
    if (self >= this.workloadCount) return undefined;
    const policies = (direction === 'egress' ? this.egressPolicies : this.ingressPolicies)[self]!;
    if (policies.length === 0) return undefined;
    let id = PortSetTable.NONE;
    for (const p of policies) {
      for (const rule of this.policies[p]![direction]) {
        if (this.ruleMatchesPeer(rule, peer)) id = this.table.union(id, this.rulePorts(rule, destination));
      }
    }
    return id;
  }

  /** The ports allowed from source to destination (port set id). Two externals: nothing. */
  pairAllows(source: number, destination: number): number {
    if (source >= this.workloadCount && destination >= this.workloadCount) return PortSetTable.NONE;
    const egress = this.sideAllows('egress', source, destination) ?? PortSetTable.ALL;
    if (egress === PortSetTable.NONE) return egress;
    return this.table.intersect(egress, this.sideAllows('ingress', source, destination) ?? PortSetTable.ALL);
  }

  portSet(id: number): PortSet {
    return this.table.get(id);
  }
}

function numericPorts(protocol: Protocol, port: number | undefined, endPort: number | undefined): PortSet {
  if (port === undefined) return allPortsOf(protocol);
  return portRange(protocol, port, endPort !== undefined && endPort >= port ? endPort : port);
}

/**
 * The full map, kept sparse: per source, the destinations it may reach (ascending) and a port set
 * id for each. Its size is that of the answer, not endpoints squared, when policies isolate.
 */
export class ConnectivityMap {
  constructor(
    readonly index: ReachabilityIndex,
    private readonly targets: readonly Int32Array[],
    private readonly ports: readonly Int32Array[],
  ) {}

  get size(): number {
    return this.index.size;
  }

  /** port set id allowed from source to destination (0: nothing) */
  get(source: number, destination: number): number {
    const targets = this.targets[source];
    if (!targets) return PortSetTable.NONE;
    let lo = 0;
    let hi = targets.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = targets[mid]!;
      if (v === destination) return this.ports[source]![mid]!;
      if (v < destination) lo = mid + 1;
      else hi = mid - 1;
    }
    return PortSetTable.NONE;
  }

  /** The destinations a source may reach (ascending) and their port set ids, side by side. */
  row(source: number): { readonly targets: Int32Array; readonly ports: Int32Array } {
    return { targets: this.targets[source] ?? new Int32Array(0), ports: this.ports[source] ?? new Int32Array(0) };
  }

  /** Number of allowed ordered pairs. */
  get connectionCount(): number {
    let count = 0;
    for (const t of this.targets) count += t.length;
    return count;
  }

  /** Every allowed pair, sources then destinations in endpoint order. */
  *connections(): Generator<{ source: number; destination: number; ports: number }> {
    for (let s = 0; s < this.targets.length; s++) {
      const targets = this.targets[s]!;
      const ports = this.ports[s]!;
      for (let i = 0; i < targets.length; i++) yield { source: s, destination: targets[i]!, ports: ports[i]! };
    }
  }
}

/** Port set ids for some endpoints: `touched` ascending, `values` side by side (none is 0). */
interface Vector {
  readonly touched: Int32Array;
  readonly values: Int32Array;
}

/** Builds vectors in one reused dense scratch array, so that each costs what it holds. */
class VectorBuilder {
  private readonly scratch: Int32Array;

  constructor(
    n: number,
    private readonly table: PortSetTable,
  ) {
    this.scratch = new Int32Array(n);
  }

  build(fill: (add: (target: number, ports: number) => void) => void): Vector {
    const scratch = this.scratch;
    const table = this.table;
    const touched: number[] = [];
    fill((t, ports) => {
      const before = scratch[t]!;
      if (before === PortSetTable.NONE) touched.push(t);
      scratch[t] = table.union(before, ports);
    });
    const sorted = Int32Array.from(touched).sort();
    const values = new Int32Array(sorted.length);
    for (let i = 0; i < sorted.length; i++) {
      values[i] = scratch[sorted[i]!]!;
      scratch[sorted[i]!] = PortSetTable.NONE;
    }
    return { touched: sorted, values };
  }
}

function valueAt(vector: Vector, target: number): number {
  const touched = vector.touched;
  let lo = 0;
  let hi = touched.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = touched[mid]!;
    if (v === target) return vector.values[mid]!;
    if (v < target) lo = mid + 1;
    else hi = mid - 1;
  }
  return PortSetTable.NONE;
}

/** Builds the map; a cancelled token stops it early (the rest of the map is empty). */
export function computeConnectivity(index: ReachabilityIndex, token: CancellationToken = NEVER_CANCELLED): ConnectivityMap {
  const n = index.size;
  const w = index.workloadCount;
  const table = index.table;
  const everyone = Int32Array.from({ length: n }, (_, i) => i);
  const builder = new VectorBuilder(n, table);

  // egress rows: per egress-isolated source, what it allows towards each destination
  const rows = new Map<string, Vector>();
  const rowOf: (Vector | undefined)[] = [];
  for (let s = 0; s < w; s++) {
    const policies = index.egressPolicies[s]!;
    if (policies.length === 0) {
      rowOf.push(undefined);
      continue;
    }
    const key = policies.join(',');
    let row = rows.get(key);
    if (!row) {
      row = builder.build((add) => {
        const applied = new Set<number>();
        for (const p of policies) {
          for (const rule of index.policies[p]!.egress) {
            if (applied.has(rule.contribution)) continue;
            applied.add(rule.contribution);
            if (rule.named.length === 0) {
              if (rule.numeric === PortSetTable.NONE) continue;
              for (const t of rule.peers ?? everyone) add(t, rule.numeric);
            } else {
              for (const t of rule.peers ?? everyone) {
                const ports = index.rulePorts(rule, t);
                if (ports !== PortSetTable.NONE) add(t, ports);
              }
            }
          }
        }
      });
      rows.set(key, row);
    }
    rowOf.push(row);
  }

  // ingress columns: per ingress-isolated destination, what it allows from each source
  const columns = new Map<string, Vector>();
  const columnOf: (Vector | undefined)[] = [];
  for (let d = 0; d < w; d++) {
    const policies = index.ingressPolicies[d]!;
    if (policies.length === 0) {
      columnOf.push(undefined);
      continue;
    }
    const named = policies.some((p) => index.policies[p]!.ingress.some((r) => r.named.length > 0));
    // named ports resolve against the destination: columns are shared only by equal port lists
    const key = named ? `${policies.join(',')}#${index.portSignatureOf(d)}` : policies.join(',');
    let column = columns.get(key);
    if (!column) {
      column = builder.build((add) => {
        const applied = new Set<number>();
        for (const p of policies) {
          for (const rule of index.policies[p]!.ingress) {
            if (applied.has(rule.contribution)) continue;
            applied.add(rule.contribution);
            const ports = index.rulePorts(rule, d);
            if (ports === PortSetTable.NONE) continue;
            for (const t of rule.peers ?? everyone) add(t, ports);
          }
        }
      });
      columns.set(key, column);
    }
    columnOf.push(column);
  }

  // sources whose egress is open (not isolated, or external) reach what the destinations' ingress
  // allows: not-isolated destinations on every port, isolated ones by their column, inverted here
  const openDestinations: number[] = [];
  const inverted: number[][] = Array.from({ length: n }, () => []);
  for (let d = 0; d < w; d++) {
    const column = columnOf[d];
    if (!column) {
      openDestinations.push(d);
      continue;
    }
    for (let i = 0; i < column.touched.length; i++) {
      const s = column.touched[i]!;
      if (s !== d && (s >= w || !rowOf[s])) inverted[s]!.push(d, column.values[i]!);
    }
  }

  const targets: Int32Array[] = [];
  const ports: Int32Array[] = [];
  const outTargets: number[] = [];
  const outPorts: number[] = [];
  for (let s = 0; s < n; s++) {
    outTargets.length = 0;
    outPorts.length = 0;
    if (!token.isCancellationRequested) {
      const row = s < w ? rowOf[s] : undefined;
      if (row) {
        for (let i = 0; i < row.touched.length; i++) {
          const d = row.touched[i]!;
          if (d === s) continue;
          const egress = row.values[i]!;
          const column = d < w ? columnOf[d] : undefined;
          const allowed = column ? table.intersect(egress, valueAt(column, s)) : egress;
          if (allowed !== PortSetTable.NONE) {
            outTargets.push(d);
            outPorts.push(allowed);
          }
        }
      } else {
        // merge the open destinations (every port) with the isolated ones that allow s, by index
        const hits = inverted[s]!;
        let i = 0;
        let j = 0;
        while (i < openDestinations.length || j < hits.length) {
          const open = i < openDestinations.length ? openDestinations[i]! : Infinity;
          const hit = j < hits.length ? hits[j]! : Infinity;
          if (open < hit) {
            if (open !== s) {
              outTargets.push(open);
              outPorts.push(PortSetTable.ALL);
            }
            i++;
          } else {
            outTargets.push(hit);
            outPorts.push(hits[j + 1]!);
            j += 2;
          }
        }
        // a workload with open egress reaches every external range; two externals are not analysed
        if (s < w) {
          for (let d = w; d < n; d++) {
            outTargets.push(d);
            outPorts.push(PortSetTable.ALL);
          }
        }
      }
    }
    targets.push(Int32Array.from(outTargets));
    ports.push(Int32Array.from(outPorts));
  }
  return new ConnectivityMap(index, targets, ports);
}
