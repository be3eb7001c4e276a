import { formatAddress, parseAddress } from '../reachability/addresses';
import type { Labels } from '../selectors/labelSelector';
import type { FlowRecord, ObservedEndpoint } from './model';
import type { LineOutcome, SkipReason } from './readers';

/**
 * A piece of a flow file (a run of whole lines) read apart from the rest, on a worker thread, and
 * folded into the file's FlowAggregator afterwards in file order (FlowAggregator.addPiece). This is
 * how a large file's lines are parsed on several threads while the result stays exactly what one
 * thread reading every line in order gives (flowThreads.ts; the test compares the two).
 *
 * What the aggregator does with a line depends on what came before in four ways, and a piece
 * keeps each of them in its order:
 * - a pod is mapped to its workload at its first sight, which also decides the workload's labels
 *   and kind: `endpoints` lists the piece's distinct observed endpoints in first-sight order
 *   (a source before its destination), the order the aggregator resolves them in;
 * - an address belongs to the pod it was last seen with: `transitions` lists, in line order, each
 *   time an address is seen with another endpoint than the last time in the piece;
 * - a flow keeps its first example lines, and flows are created in first-record order: `flows` is
 *   in first-record order, each with its first example lines (relative to the piece);
 * - the first problems are kept with their lines: `problems`, in line order.
 * Counts, verdicts and time ranges add up in any order. Everything is plain data (it crosses a
 * thread boundary by structured clone) and its size follows the distinct endpoints and connections,
 * not the lines.
 */

export interface FlowPiece {
  /** distinct observed endpoints, in first-sight order */
  readonly endpoints: readonly ObservedEndpoint[];
  /** flattened pairs: an address as written, the index of the endpoint it is now seen with */
  readonly transitions: readonly (string | number)[];
  readonly flows: readonly PieceFlow[];
  /** the first problems, lines relative to the piece (1 = its first line) */
  readonly problems: readonly { readonly line: number; readonly message: string }[];
  /** non-empty lines, records, observations, skips and problems as FlowCounts counts them */
  readonly lines: number;
  readonly records: number;
  readonly observations: number;
  readonly malformed: number;
  readonly skipped: Readonly<Record<SkipReason, number>>;
  /** every line of the piece, empty ones included: where the next piece's numbering starts */
  readonly lineCount: number;
}

/** A connection's observations by verdict and time range, as a piece and the aggregator count them. */
export interface FlowTally {
  readonly protocol: FlowRecord['protocol'];
  readonly port: number;
  forwarded: number;
  dropped: number;
  unknown: number;
  firstSeen: number | undefined;
  lastSeen: number | undefined;
}

export interface PieceFlow extends FlowTally {
  /** endpoint indexes */
  readonly source: number;
  readonly destination: number;
  /** the first example lines, ascending, relative to the piece */
  readonly examples: number[];
}

/** What a record adds to its flow's tally. */
export function countRecord(flow: FlowTally, record: FlowRecord): void {
  flow[record.verdict] += record.count;
  widenTimes(flow, record.firstSeen, record.lastSeen);
}

/** What another tally of the same connection adds to this one. */
export function addTally(flow: FlowTally, other: FlowTally): void {
  flow.forwarded += other.forwarded;
  flow.dropped += other.dropped;
  flow.unknown += other.unknown;
  widenTimes(flow, other.firstSeen, other.lastSeen);
}

function widenTimes(flow: FlowTally, firstSeen: number | undefined, lastSeen: number | undefined): void {
  if (firstSeen !== undefined && (flow.firstSeen === undefined || firstSeen < flow.firstSeen)) flow.firstSeen = firstSeen;
  if (lastSeen !== undefined && (flow.lastSeen === undefined || lastSeen > flow.lastSeen)) flow.lastSeen = lastSeen;
}

/** An address in its canonical text (RFC 5952 for IPv6; IPv4-mapped IPv6 as IPv4); undefined when it is not one. */
export function normaliseAddress(text: string): string | undefined {
  const address = parseAddress(text);
  return address ? formatAddress(address) : undefined;
}

/** Builds a FlowPiece line by line, as FlowAggregator.addLine would take the lines. */
export class FlowPieceBuilder {
  private readonly endpoints: ObservedEndpoint[] = [];
  private readonly endpointIndex = new Map<string, number>();
  private readonly validAddresses = new Map<string, boolean>();
  private readonly lastSeenWith = new Map<string, number>();
  private readonly transitions: (string | number)[] = [];
  private readonly flows = new Map<string, PieceFlow>();
  private readonly problems: { line: number; message: string }[] = [];
  private lines = 0;
  private records = 0;
  private observations = 0;
  private malformed = 0;
  private readonly skipped: Record<SkipReason, number> = { reply: 0, 'not-l4': 0, 'not-a-flow': 0 };
  private lineCount = 0;

  constructor(
    private readonly maxProblems = 100,
    private readonly maxExamples = 3,
  ) {}

  /** One line's outcome; `line` counts from 1 in the piece. */
  addLine(line: number, outcome: LineOutcome): void {
    if (line > this.lineCount) this.lineCount = line;
    if (outcome.kind === 'blank') return;
    this.lines++;
    if (outcome.kind === 'header') return;
    if (outcome.kind === 'record') this.add(outcome.record, line);
    else if (outcome.kind === 'skipped') this.skipped[outcome.reason]++;
    else this.problem(line, outcome.message);
  }

  /** A line that is no flow at all (an overlong one): a problem, as FlowAggregator.problem. */
  problem(line: number, message: string): void {
    if (line > this.lineCount) this.lineCount = line;
    this.malformed++;
    if (this.problems.length < this.maxProblems) this.problems.push({ line, message });
  }

  /** Lines counted for numbering whether or not they reached addLine (the splitter's last number). */
  countLines(lineCount: number): void {
    if (lineCount > this.lineCount) this.lineCount = lineCount;
  }

  private add(record: FlowRecord, line: number): void {
    // the aggregator's order: the source's key (with its side effects), then the destination's
    const source = this.sight(record.source);
    if (source === undefined) return this.problem(line, `source: "${(record.source as { ip: string }).ip}" is not an IP address`);
    const destination = this.sight(record.destination);
    if (destination === undefined) return this.problem(line, `destination: "${(record.destination as { ip: string }).ip}" is not an IP address`);
    this.records++;
    this.observations += record.count;
    const key = `${source},${destination},${record.protocol},${record.port}`;
    let flow = this.flows.get(key);
    if (!flow) {
      flow = { source, destination, protocol: record.protocol, port: record.port, forwarded: 0, dropped: 0, unknown: 0, firstSeen: undefined, lastSeen: undefined, examples: [] };
      this.flows.set(key, flow);
    }
    countRecord(flow, record);
    if (flow.examples.length < this.maxExamples) flow.examples.push(line);
  }

  /** The endpoint's index (a new one at first sight); undefined for an address that is not one. */
  private sight(observed: ObservedEndpoint): number | undefined {
    if (observed.type === 'external') {
      let valid = this.validAddresses.get(observed.ip);
      if (valid === undefined) this.validAddresses.set(observed.ip, (valid = normaliseAddress(observed.ip) !== undefined));
      if (!valid) return undefined;
      return this.indexOf(`x\u0000${observed.ip}`, observed);
    }
    // one entry per pod as the aggregator tells pods apart: its first sight is the one that counts there
    const index = this.indexOf(observedIdentity(observed), observed);
    if (observed.ip !== undefined && this.lastSeenWith.get(observed.ip) !== index) {
      this.lastSeenWith.set(observed.ip, index);
      this.transitions.push(observed.ip, index);
    }
    return index;
  }

  private indexOf(identity: string, observed: ObservedEndpoint): number {
    let index = this.endpointIndex.get(identity);
    if (index === undefined) {
      index = this.endpoints.length;
      this.endpoints.push(observed);
      this.endpointIndex.set(identity, index);
    }
    return index;
  }

  result(): FlowPiece {
    return {
      endpoints: this.endpoints,
      transitions: this.transitions,
      flows: [...this.flows.values()],
      problems: this.problems,
      lines: this.lines,
      records: this.records,
      observations: this.observations,
      malformed: this.malformed,
      skipped: { ...this.skipped },
      lineCount: this.lineCount,
    };
  }
}

/**
 * How the aggregator tells observed pods apart (what maps to a workload once, at first sight): a
 * pod by its name and the workload the observer named; a pod known only by labels (a generic
 * record) by those.
 */
export function observedIdentity(observed: Extract<ObservedEndpoint, { type: 'pod' }>): string {
  return observed.podName !== undefined
    ? `p\u0000${observed.namespace}\u0000${observed.podName}\u0000${observed.workload?.kind ?? ''}\u0000${observed.workload?.name ?? ''}`
    : `w\u0000${observed.namespace}\u0000${observed.workload?.kind ?? ''}\u0000${observed.workload?.name ?? ''}\u0000${labelsKey(observed.labels)}`;
}

function labelsKey(labels: Labels): string {
  let key = '';
  for (const k of Object.keys(labels).sort()) key += `${k}\u0001${labels[k]}\u0002`;
  return key;
}
