import type { Inventory } from '../inventory/model';
import { workloadEndpoints, type WorkloadEndpoint } from '../reachability/endpoints';
import type { Labels } from '../selectors/labelSelector';
import type { AggregatedFlow, FlowEndpoint, FlowInputProblem, FlowRecord, ObservedEndpoint } from './model';
import { ownerCandidates, podOwner, stableLabels } from './podOwners';
import type { LineOutcome, SkipReason } from './readers';
import { addTally, countRecord, normaliseAddress, observedIdentity, type FlowPiece, type FlowTally } from './pieces';

/**
 * Aggregation of flow records into one AggregatedFlow per (source endpoint, destination endpoint,
 * protocol, port), with counts by verdict, the time range and a few example lines.
 *
 * Pods are mapped to workloads: to the inventory's workload endpoints when it defines them (the
 * same endpoints as the reachability engine's, so a flow can be explained), by the workload the
 * observer names, by owner naming (podOwners.ts), by the Pod itself, and last by labels; else to a
 * workload named after the pod's owner. Addresses are external endpoints, unless a record of the
 * same input showed the address as a pod's.
 *
 * Memory follows the number of distinct connections, pods and addresses, not the input size: the
 * aggregator keeps one entry per distinct flow and per distinct observed endpoint, a bounded
 * number of examples per flow and a bounded list of problems (all of them counted).
 */

export interface FlowAggregatorOptions {
  /** map pods to this inventory's workloads */
  readonly inventory?: Inventory | undefined;
  /** problems kept with their line (the rest are counted); default 100 */
  readonly maxProblems?: number;
  /** example lines kept per flow; default 3 */
  readonly maxExamples?: number;
}

export interface FlowCounts {
  /** non-empty lines read (a CSV header included) */
  readonly lines: number;
  /** records aggregated */
  readonly records: number;
  /** observations they stand for (the sum of their counts) */
  readonly observations: number;
  /** lines read and left out on purpose, by reason */
  readonly skipped: Readonly<Record<SkipReason, number>>;
  /** lines that could not be read (their problems, up to maxProblems, are listed) */
  readonly malformed: number;
  /** distinct aggregated flows */
  readonly flows: number;
  /** of their endpoints, the workloads found in the inventory and those it lacks (no inventory: all lack) */
  readonly workloadsMapped: number;
  readonly workloadsUnmapped: number;
}

export interface AggregatedFlows {
  /** sorted by source, destination, protocol and port */
  readonly flows: readonly AggregatedFlow[];
  /** the first problems, in input order */
  readonly problems: readonly FlowInputProblem[];
  readonly counts: FlowCounts;
}

interface EndpointState {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  kind: string | undefined;
  readonly endpoint: WorkloadEndpoint | undefined;
  /** the stable labels every record showed (undefined: no record showed labels) */
  labels: Labels | undefined;
}

interface FlowState extends FlowTally {
  source: string;
  destination: string;
  examples: { readonly file: string; readonly line: number }[];
}

const EXTERNAL = 'x\u0000';

function intersectLabels(a: Labels, b: Labels): Labels {
  let same = true;
  for (const key of Object.keys(a)) if (b[key] !== a[key]) same = false;
  if (same) return a;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(a)) if (b[key] === value) out[key] = value;
  return out;
}

/** The text of an endpoint for messages and sorting: a workload's id, or an address. */
export function flowEndpointId(e: FlowEndpoint): string {
  if (e.type === 'external') return e.cidr.replace(/\/(32|128)$/, '');
  return e.endpointId ?? `${e.namespace}/${e.name}`;
}

/** A readable line for a flow: `shop/web -> shop/db TCP 5432`. */
export function describeFlow(flow: AggregatedFlow): string {
  return `${flowEndpointId(flow.source)} -> ${flowEndpointId(flow.destination)} ${flow.protocol} ${flow.port}`;
}

/** The inventory's workload endpoints, found by a member's kind and name or by name alone. */
class InventoryWorkloads {
  private readonly byObject = new Map<string, WorkloadEndpoint>();
  private readonly byName = new Map<string, WorkloadEndpoint[]>();
  private readonly byNamespace = new Map<string, WorkloadEndpoint[]>();

  constructor(inventory: Inventory) {
    for (const endpoint of workloadEndpoints(inventory)) {
      const names = new Map<string, string>([[`${endpoint.kind}/${endpoint.name}`, endpoint.name]]);
      for (const m of endpoint.members) names.set(`${m.kind}/${m.name}`, m.name);
      for (const [object, name] of names) {
        const objectKey = `${endpoint.namespace}/${object}`;
        if (!this.byObject.has(objectKey)) this.byObject.set(objectKey, endpoint);
        const nameKey = `${endpoint.namespace}/${name}`;
        const list = this.byName.get(nameKey);
        if (!list) this.byName.set(nameKey, [endpoint]);
        else if (!list.includes(endpoint)) list.push(endpoint);
      }
      if (!endpoint.workload.hostNetwork) {
        const list = this.byNamespace.get(endpoint.namespace);
        if (list) list.push(endpoint);
        else this.byNamespace.set(endpoint.namespace, [endpoint]);
      }
    }
  }

  /** By kind and name; by name alone when the kind is not known and only one object has it. */
  find(namespace: string, kind: string | undefined, name: string): WorkloadEndpoint | undefined {
    if (kind !== undefined) return this.byObject.get(`${namespace}/${kind}/${name}`);
    const list = this.byName.get(`${namespace}/${name}`);
    return list && list.length === 1 ? list[0] : undefined;
  }

  /** The one workload whose pod labels the observed labels include, the most specific if several. */
  byLabels(namespace: string, labels: Labels): WorkloadEndpoint | undefined {
    let best: WorkloadEndpoint | undefined;
    let bestSize = 0;
    let tie = false;
    for (const endpoint of this.byNamespace.get(namespace) ?? []) {
      const podLabels = endpoint.workload.podLabels;
      const keys = Object.keys(podLabels);
      if (keys.length === 0 || !keys.every((k) => labels[k] === podLabels[k])) continue;
      if (keys.length > bestSize) {
        best = endpoint;
        bestSize = keys.length;
        tie = false;
      } else if (keys.length === bestSize) tie = true;
    }
    return tie ? undefined : best;
  }
}

/** Adds records one by one; `result()` gives the aggregated flows at any time. */
export class FlowAggregator {
  private readonly workloads: InventoryWorkloads | undefined;
  private readonly maxProblems: number;
  private readonly maxExamples: number;
  private readonly endpoints = new Map<string, EndpointState>();
  /** observed endpoint (pod identity, or raw address) -> endpoint key */
  private readonly resolved = new Map<string, string>();
  /** a pod's normalised address -> its endpoint key */
  private readonly podAddresses = new Map<string, string>();
  /** a pod's address as the input wrote it -> the endpoint key it was last seen with */
  private readonly podAddressSeen = new Map<string, string>();
  private readonly flows = new Map<string, FlowState>();
  private readonly problemList: FlowInputProblem[] = [];
  private lines = 0;
  private records = 0;
  private observations = 0;
  private malformed = 0;
  private readonly skipped: Record<SkipReason, number> = { reply: 0, 'not-l4': 0, 'not-a-flow': 0 };

  constructor(options: FlowAggregatorOptions = {}) {
    this.workloads = options.inventory ? new InventoryWorkloads(options.inventory) : undefined;
    this.maxProblems = options.maxProblems ?? 100;
    this.maxExamples = options.maxExamples ?? 3;
  }

  /** One input line's outcome (from a reader in readers.ts). */
  addLine(file: string, line: number, outcome: LineOutcome): void {
    if (outcome.kind === 'blank') return;
    this.lines++;
    if (outcome.kind === 'header') return;
    if (outcome.kind === 'record') this.add(outcome.record, file, line);
    else if (outcome.kind === 'skipped') this.skipped[outcome.reason]++;
    else this.problem(file, line, outcome.message);
  }

  problem(file: string, line: number, message: string): void {
    this.malformed++;
    if (this.problemList.length < this.maxProblems) this.problemList.push({ file, line, message });
  }

  add(record: FlowRecord, file: string, line: number): void {
    const source = this.endpointKey(record.source);
    if (source === undefined) return this.problem(file, line, `source: "${(record.source as { ip: string }).ip}" is not an IP address`);
    const destination = this.endpointKey(record.destination);
    if (destination === undefined) return this.problem(file, line, `destination: "${(record.destination as { ip: string }).ip}" is not an IP address`);
    this.records++;
    this.observations += record.count;
    const key = `${source}\u0001${destination}\u0001${record.protocol}\u0001${record.port}`;
    let flow = this.flows.get(key);
    if (!flow) {
      flow = { source, destination, protocol: record.protocol, port: record.port, forwarded: 0, dropped: 0, unknown: 0, firstSeen: undefined, lastSeen: undefined, examples: [] };
      this.flows.set(key, flow);
    }
    countRecord(flow, record);
    if (flow.examples.length < this.maxExamples) flow.examples.push({ file, line });
  }

  /** The endpoint key of an observed endpoint; undefined for an address that is not one. */
  private endpointKey(observed: ObservedEndpoint): string | undefined {
    const key = this.resolve(observed);
    if (key !== undefined && observed.type === 'pod' && observed.ip !== undefined) this.seenAddress(observed.ip, key);
    return key;
  }

  /** The key an observed endpoint maps to, the pod's workload found at its first sight. */
  private resolve(observed: ObservedEndpoint): string | undefined {
    if (observed.type === 'external') {
      const raw = `${EXTERNAL}${observed.ip}`;
      let key = this.resolved.get(raw);
      if (key === undefined) {
        const address = normaliseAddress(observed.ip);
        if (address === undefined) return undefined;
        key = `${EXTERNAL}${address}`;
        this.resolved.set(raw, key);
      }
      return key;
    }
    const identity = observedIdentity(observed);
    let key = this.resolved.get(identity);
    if (key === undefined) {
      // first sight of this pod: find its workload, fold its labels into the workload's
      const state = this.workloadOf(observed);
      key = state.key;
      const labels = stableLabels(observed.labels);
      if (Object.keys(labels).length > 0) state.labels = state.labels === undefined ? labels : intersectLabels(state.labels, labels);
      this.resolved.set(identity, key);
    }
    return key;
  }

  /** A pod's address seen with `key`: the address is that pod's (normalised once per address and pod, not per record). */
  private seenAddress(ip: string, key: string): void {
    if (this.podAddressSeen.get(ip) === key) return;
    this.podAddressSeen.set(ip, key);
    const address = normaliseAddress(ip);
    if (address !== undefined) this.podAddresses.set(address, key);
  }

  /**
   * A piece of `file` read apart (pieces.ts), whose first line is line `firstLine` of the file:
   * the same as adding its lines here one by one. Pieces of a file come in file order, after the
   * lines and pieces before them.
   */
  addPiece(file: string, firstLine: number, piece: FlowPiece): void {
    const offset = firstLine - 1;
    this.lines += piece.lines;
    this.records += piece.records;
    this.observations += piece.observations;
    for (const reason of Object.keys(this.skipped) as SkipReason[]) this.skipped[reason] += piece.skipped[reason];
    this.malformed += piece.malformed;
    for (const p of piece.problems) if (this.problemList.length < this.maxProblems) this.problemList.push({ file, line: offset + p.line, message: p.message });
    // the endpoints in their first-sight order: what first sight decides is decided as one reader would
    const keys = piece.endpoints.map((e) => this.resolve(e)!);
    for (let i = 0; i < piece.transitions.length; i += 2) this.seenAddress(piece.transitions[i] as string, keys[piece.transitions[i + 1] as number]!);
    // flows in first-record order; the example lines of the piece's flows that map to one flow here, in line order
    const examples = new Map<FlowState, number[]>();
    for (const f of piece.flows) {
      const source = keys[f.source]!;
      const destination = keys[f.destination]!;
      const key = `${source}\u0001${destination}\u0001${f.protocol}\u0001${f.port}`;
      let flow = this.flows.get(key);
      if (!flow) {
        flow = { source, destination, protocol: f.protocol, port: f.port, forwarded: 0, dropped: 0, unknown: 0, firstSeen: undefined, lastSeen: undefined, examples: [] };
        this.flows.set(key, flow);
      }
      addTally(flow, f);
      const lines = examples.get(flow);
      if (lines) lines.push(...f.examples);
      else examples.set(flow, [...f.examples]);
    }
    for (const [flow, lines] of examples) {
      lines.sort((a, b) => a - b);
      for (const line of lines) {
        if (flow.examples.length >= this.maxExamples) break;
        flow.examples.push({ file, line: offset + line });
      }
    }
  }

  private workloadOf(observed: Extract<ObservedEndpoint, { type: 'pod' }>): EndpointState {
    const { namespace, podName, workload } = observed;
    const labels = observed.labels;
    let endpoint: WorkloadEndpoint | undefined;
    const inventory = this.workloads;
    if (inventory) {
      if (workload) endpoint = inventory.find(namespace, workload.kind, workload.name);
      // a pod's name, or a generic record's workload that is a pod's name after all
      const pod = podName ?? (endpoint === undefined && workload?.kind === undefined ? workload?.name : undefined);
      if (!endpoint && pod !== undefined) {
        for (const candidate of ownerCandidates(pod, labels)) {
          endpoint = inventory.find(namespace, candidate.kind, candidate.name);
          if (endpoint) break;
        }
      }
      if (!endpoint) {
        const stable = stableLabels(labels);
        if (Object.keys(stable).length > 0) endpoint = inventory.byLabels(namespace, stable);
      }
    }
    let key: string;
    let name: string;
    let kind: string | undefined;
    if (endpoint) {
      key = `w\u0000${endpoint.id}`;
      name = endpoint.name;
      kind = endpoint.kind;
    } else {
      const owner = podName !== undefined ? podOwner(podName, labels) : undefined;
      name = workload?.name ?? owner?.name ?? podName ?? nameFromLabels(labels);
      // a pod whose name follows no controller's pattern is a bare Pod; a generated name's kind may stay unknown
      kind = workload?.kind ?? (owner ? owner.kind : podName !== undefined && workload === undefined ? 'Pod' : undefined);
      key = `w\u0000${namespace}/${name}\u0000unmapped`;
    }
    let state = this.endpoints.get(key);
    if (!state) {
      state = { key, namespace, name, kind, endpoint, labels: undefined };
      this.endpoints.set(key, state);
    } else if (state.kind === undefined) state.kind = kind;
    return state;
  }

  result(): AggregatedFlows {
    const built = new Map<string, FlowEndpoint>();
    const endpointOf = (key: string): FlowEndpoint => {
      let e = built.get(key);
      if (e) return e;
      if (key.startsWith(EXTERNAL)) {
        const address = key.slice(EXTERNAL.length);
        e = { type: 'external', cidr: `${address}/${address.includes(':') ? 128 : 32}` };
      } else {
        const s = this.endpoints.get(key)!;
        const labels = s.labels ?? (s.endpoint ? stableLabels(s.endpoint.workload.podLabels) : {});
        e = { type: 'workload', namespace: s.namespace, name: s.name, kind: s.kind, labels, endpointId: s.endpoint?.id };
      }
      built.set(key, e);
      return e;
    };
    // an address that a record showed as a pod's is that pod's workload
    const remap = (key: string): string => (key.startsWith(EXTERNAL) ? (this.podAddresses.get(key.slice(EXTERNAL.length)) ?? key) : key);
    const merged = new Map<string, FlowState>();
    for (const flow of this.flows.values()) {
      const source = remap(flow.source);
      const destination = remap(flow.destination);
      if (source === flow.source && destination === flow.destination && !merged.has(keyOf(flow))) {
        merged.set(keyOf(flow), { ...flow, examples: [...flow.examples] });
        continue;
      }
      const key = `${source}\u0001${destination}\u0001${flow.protocol}\u0001${flow.port}`;
      const into = merged.get(key);
      if (!into) {
        merged.set(key, { ...flow, source, destination, examples: [...flow.examples] });
        continue;
      }
      addTally(into, flow);
      for (const example of flow.examples) if (into.examples.length < this.maxExamples) into.examples.push(example);
    }
    const flows: AggregatedFlow[] = [];
    for (const f of merged.values()) {
      flows.push({
        source: endpointOf(f.source),
        destination: endpointOf(f.destination),
        protocol: f.protocol,
        port: f.port,
        forwarded: f.forwarded,
        dropped: f.dropped,
        unknown: f.unknown,
        firstSeen: f.firstSeen,
        lastSeen: f.lastSeen,
        examples: f.examples,
      });
    }
    const ids = new Map<FlowEndpoint, string>();
    const id = (e: FlowEndpoint): string => {
      let text = ids.get(e);
      if (text === undefined) ids.set(e, (text = flowEndpointId(e)));
      return text;
    };
    flows.sort((a, b) => compare(id(a.source), id(b.source)) || compare(id(a.destination), id(b.destination)) || compare(a.protocol, b.protocol) || a.port - b.port);
    let workloadsMapped = 0;
    let workloadsUnmapped = 0;
    for (const e of built.values()) {
      if (e.type !== 'workload') continue;
      if (e.endpointId !== undefined) workloadsMapped++;
      else workloadsUnmapped++;
    }
    return {
      flows,
      problems: [...this.problemList],
      counts: {
        lines: this.lines,
        records: this.records,
        observations: this.observations,
        skipped: { ...this.skipped },
        malformed: this.malformed,
        flows: flows.length,
        workloadsMapped,
        workloadsUnmapped,
      },
    };
  }
}

/** A piece of a flow file as read (pieces.ts), with where it is in which file. */
export interface StoredFlowPiece {
  readonly file: string;
  readonly firstLine: number;
  readonly piece: FlowPiece;
}

/**
 * The aggregated flows of pieces read before, pods mapped to `options.inventory`'s workloads: the
 * same as reading their files again with that inventory (after the manifests changed), without
 * reading them.
 */
export function remapFlows(pieces: readonly StoredFlowPiece[], options: FlowAggregatorOptions = {}): AggregatedFlows {
  const aggregator = new FlowAggregator(options);
  for (const p of pieces) aggregator.addPiece(p.file, p.firstLine, p.piece);
  return aggregator.result();
}

function keyOf(flow: FlowState): string {
  return `${flow.source}\u0001${flow.destination}\u0001${flow.protocol}\u0001${flow.port}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A name for pods known only by labels (a generic record's `{namespace, labels}`). */
function nameFromLabels(labels: Labels): string {
  const name = labels['app.kubernetes.io/name'] ?? labels['app'] ?? labels['k8s-app'] ?? labels['name'];
  if (name !== undefined && name !== '') return name;
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}
