import type { Protocol } from '../inventory/model';
import type { Labels } from '../selectors/labelSelector';
import type { FlowDirection, FlowRecord, FlowVerdict, ObservedEndpoint } from './model';

/**
 * Readers of flow files, one line at a time (the adapters stream the files; nothing here holds
 * more than a line). Two formats:
 *
 * - Hubble's `hubble observe -o json`: one flow per line, either the bare flow object or the
 *   `{"flow": {...}, "node_name": ..., "time": ...}` response newer versions print. Fields follow
 *   Cilium's api/v1/flow/flow.proto as protojson writes them (proto names, as Hubble's JSON printer
 *   uses; the lowerCamelCase JSON names are read too): `source` / `destination` Endpoint
 *   {ID, identity, namespace, labels ["k8s:app=web"], pod_name, workloads [{name, kind}]},
 *   `IP` {source, destination}, `l4` {TCP | UDP | SCTP {source_port, destination_port} | ICMPv4 |
 *   ICMPv6}, `verdict`, `drop_reason_desc`, `traffic_direction`, `is_reply`, `time`.
 * - the generic format (docs/flows.md): JSON lines or CSV with a header row, a connection per line
 *   with source and destination (`namespace/workload`, `namespace/Kind/workload` or an IP address),
 *   protocol, port, count and first / last seen.
 *
 * A line yields a record, a counted skip (a reply, an ICMP flow, a response that is not a flow),
 * or a problem with a message; never an exception.
 */

export type SkipReason = 'reply' | 'not-l4' | 'not-a-flow';

export type LineOutcome =
  | { readonly kind: 'record'; readonly record: FlowRecord }
  | { readonly kind: 'skipped'; readonly reason: SkipReason }
  | { readonly kind: 'malformed'; readonly message: string }
  /** the CSV header row */
  | { readonly kind: 'header' }
  | { readonly kind: 'blank' };

const BLANK: LineOutcome = { kind: 'blank' };
const HEADER: LineOutcome = { kind: 'header' };
const SKIP_REPLY: LineOutcome = { kind: 'skipped', reason: 'reply' };
const SKIP_NOT_L4: LineOutcome = { kind: 'skipped', reason: 'not-l4' };
const SKIP_NOT_FLOW: LineOutcome = { kind: 'skipped', reason: 'not-a-flow' };

function malformed(message: string): LineOutcome {
  return { kind: 'malformed', message };
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A field by its proto name or its lowerCamelCase JSON name. */
function field(object: Json, protoName: string, jsonName: string): unknown {
  const value = object[protoName];
  return value === undefined ? object[jsonName] : value;
}

/** A scalar as text (enums may come as names or numbers); objects and arrays as '' */
function scalarText(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** epoch ms from an RFC 3339 string, epoch seconds or ms, or a protobuf Timestamp object */
export function parseTime(value: unknown): number | undefined | null {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return null;
    // seconds until the year 5138, milliseconds after
    return value < 1e11 ? value * 1000 : value;
  }
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
    const n = Number(value);
    return value.trim() !== '' && Number.isFinite(n) ? parseTime(n) : null;
  }
  if (isObject(value)) {
    const seconds = Number(value['seconds'] ?? 0);
    const nanos = Number(value['nanos'] ?? 0);
    return Number.isFinite(seconds) && Number.isFinite(nanos) ? seconds * 1000 + Math.floor(nanos / 1e6) : null;
  }
  return null;
}

// ---- Hubble --------------------------------------------------------------------------------

/** flow.proto Verdict, by name and by number */
const HUBBLE_VERDICTS: Readonly<Record<string, FlowVerdict>> = {
  FORWARDED: 'forwarded',
  DROPPED: 'dropped',
  // AUDIT: policy audit mode let it through (it would be dropped when enforced); REDIRECTED: to the
  // L7 proxy; TRACED / TRANSLATED: seen on the way: the traffic flowed in each case
  AUDIT: 'forwarded',
  REDIRECTED: 'forwarded',
  TRACED: 'forwarded',
  TRANSLATED: 'forwarded',
  ERROR: 'unknown',
  VERDICT_UNKNOWN: 'unknown',
  '0': 'unknown',
  '1': 'forwarded',
  '2': 'dropped',
  '3': 'unknown',
  '4': 'forwarded',
  '5': 'forwarded',
  '6': 'forwarded',
  '7': 'forwarded',
};

/**
 * flow.proto DropReason values that are a policy's decision. A flow dropped for another reason (a
 * stale address, a conntrack error) says nothing about what policies allow: its verdict is
 * 'unknown'.
 */
const POLICY_DROPS = new Set(['POLICY_DENIED', 'POLICY_DENY', 'AUTH_REQUIRED', '133', '181', '189']);

/** Cilium's identity label sources; `k8s:` carries the pod's labels */
const K8S_PREFIX = 'k8s:';
/** labels Cilium adds to a pod's identity that are not the pod's own */
function isCiliumLabel(key: string): boolean {
  return key.startsWith('io.cilium.') || key === 'io.kubernetes.pod.namespace';
}

interface HubbleLabels {
  readonly labels: Labels;
  /** reserved:world (or world-ipv4 / world-ipv6): outside the cluster */
  readonly world: boolean;
  /** any reserved identity (host, remote-node, kube-apiserver, world, ...): not a pod */
  readonly reserved: boolean;
}

function hubbleLabels(value: unknown): HubbleLabels {
  const labels: Record<string, string> = {};
  let world = false;
  let reserved = false;
  if (!Array.isArray(value)) return { labels, world, reserved };
  for (const item of value) {
    if (typeof item !== 'string') continue;
    if (item.startsWith('reserved:')) {
      reserved = true;
      if (item.startsWith('reserved:world')) world = true;
      continue;
    }
    if (!item.startsWith(K8S_PREFIX)) continue;
    const eq = item.indexOf('=');
    const key = eq < 0 ? item.slice(K8S_PREFIX.length) : item.slice(K8S_PREFIX.length, eq);
    if (key === '' || isCiliumLabel(key)) continue;
    labels[key] = eq < 0 ? '' : item.slice(eq + 1);
  }
  return { labels, world, reserved };
}

/** flow.proto reserved identities: 2 world, 9 world-ipv4, 10 world-ipv6 */
function isWorldIdentity(identity: unknown): boolean {
  return identity === 2 || identity === 9 || identity === 10;
}

function hubbleEndpoint(value: unknown, ip: string | undefined): ObservedEndpoint | string {
  const endpoint = isObject(value) ? value : {};
  const namespace = nonEmptyString(endpoint['namespace']);
  const { labels, world, reserved } = hubbleLabels(endpoint['labels']);
  const podName = nonEmptyString(field(endpoint, 'pod_name', 'podName'));
  if (namespace !== undefined && !world && (podName !== undefined || !reserved)) {
    let workload: { kind: string | undefined; name: string } | undefined;
    const workloads = endpoint['workloads'];
    if (Array.isArray(workloads) && isObject(workloads[0])) {
      const name = nonEmptyString(workloads[0]['name']);
      if (name !== undefined) workload = { kind: nonEmptyString(workloads[0]['kind']), name };
    }
    if (podName === undefined && workload === undefined && Object.keys(labels).length === 0) {
      if (ip !== undefined) return { type: 'external', ip };
      return 'an endpoint with a namespace but neither pod name, workload, labels nor IP address';
    }
    return { type: 'pod', namespace, podName, workload, labels, ip };
  }
  // the world, the nodes, the API server: addresses that policies see as ipBlock peers
  if (ip === undefined) return isWorldIdentity(endpoint['identity']) || world ? 'an endpoint outside the cluster without an IP address' : 'an endpoint that is neither a pod nor an IP address';
  return { type: 'external', ip };
}

/** One Hubble flow (the object of a line, or of its `flow` field). */
export function parseHubbleFlow(value: unknown): LineOutcome {
  if (!isObject(value)) return malformed('expected a JSON object');
  const flow = isObject(value['flow']) ? value['flow'] : value;
  if (flow === value && !('source' in value || 'destination' in value || 'IP' in value || 'l4' in value || 'verdict' in value)) {
    // node_status, lost_events and other responses of `hubble observe -o json`
    return SKIP_NOT_FLOW;
  }
  const isReply = field(flow, 'is_reply', 'isReply');
  if (isReply === true || (isReply === undefined && flow['reply'] === true)) return SKIP_REPLY;
  const l4 = flow['l4'];
  if (!isObject(l4)) return SKIP_NOT_L4;
  let protocol: Protocol;
  let l4Fields: unknown;
  if (l4['TCP'] !== undefined) [protocol, l4Fields] = ['TCP', l4['TCP']];
  else if (l4['UDP'] !== undefined) [protocol, l4Fields] = ['UDP', l4['UDP']];
  else if (l4['SCTP'] !== undefined) [protocol, l4Fields] = ['SCTP', l4['SCTP']];
  else return SKIP_NOT_L4;
  const port = isObject(l4Fields) ? field(l4Fields, 'destination_port', 'destinationPort') : undefined;
  if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) return malformed(`l4.${protocol}.destination_port must be a port number from 1 to 65535`);
  const ips = isObject(flow['IP']) ? flow['IP'] : {};
  const source = hubbleEndpoint(flow['source'], nonEmptyString(ips['source']));
  if (typeof source === 'string') return malformed(`source: ${source}`);
  const destination = hubbleEndpoint(flow['destination'], nonEmptyString(ips['destination']));
  if (typeof destination === 'string') return malformed(`destination: ${destination}`);
  const verdictValue = flow['verdict'];
  let verdict: FlowVerdict = HUBBLE_VERDICTS[verdictValue === undefined ? 'VERDICT_UNKNOWN' : scalarText(verdictValue)] ?? 'unknown';
  if (verdict === 'dropped') {
    const reason = field(flow, 'drop_reason_desc', 'dropReasonDesc');
    if (reason !== undefined && reason !== 'DROP_REASON_UNKNOWN' && reason !== 0 && !POLICY_DROPS.has(scalarText(reason))) verdict = 'unknown';
  }
  const directionValue = field(flow, 'traffic_direction', 'trafficDirection');
  const direction: FlowDirection = directionValue === 'INGRESS' || directionValue === 1 ? 'ingress' : directionValue === 'EGRESS' || directionValue === 2 ? 'egress' : 'unknown';
  const time = parseTime(flow['time'] ?? value['time']);
  if (time === null) return malformed('time is not an RFC 3339 timestamp');
  return { kind: 'record', record: { source, destination, protocol, port: port as number, verdict, direction, count: 1, firstSeen: time, lastSeen: time } };
}

// ---- the generic format --------------------------------------------------------------------

const PROTOCOLS: Readonly<Record<string, Protocol>> = { TCP: 'TCP', UDP: 'UDP', SCTP: 'SCTP', tcp: 'TCP', udp: 'UDP', sctp: 'SCTP' };
const VERDICTS: Readonly<Record<string, FlowVerdict>> = {
  forwarded: 'forwarded',
  allowed: 'forwarded',
  dropped: 'dropped',
  denied: 'dropped',
  unknown: 'unknown',
};

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Looks like an address (the aggregator checks it exactly): IPv4 dotted quad, or IPv6 with a colon. */
function looksLikeAddress(text: string): boolean {
  return IPV4.test(text) || (text.includes(':') && /^[0-9a-fA-F:.]+$/.test(text));
}

/** `namespace/workload`, `namespace/Kind/workload` or an IP address. */
export function parseEndpointText(text: string, labels: Labels = {}): ObservedEndpoint | string {
  const value = text.trim();
  if (value === '') return 'is empty';
  if (looksLikeAddress(value)) return { type: 'external', ip: value };
  const parts = value.split('/');
  if (parts.length === 2 && parts[0] !== '' && parts[1] !== '') return { type: 'pod', namespace: parts[0]!, podName: undefined, workload: { kind: undefined, name: parts[1]! }, labels, ip: undefined };
  if (parts.length === 3 && parts[0] !== '' && parts[1] !== '' && parts[2] !== '') return { type: 'pod', namespace: parts[0]!, podName: undefined, workload: { kind: parts[1]!, name: parts[2]! }, labels, ip: undefined };
  return `"${value}" is neither namespace/workload, namespace/Kind/workload nor an IP address`;
}

function labelsOf(value: unknown): Labels | string {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) return 'labels must be an object of strings';
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') return `label "${k}" must be a string`;
    out[k] = v;
  }
  return out;
}

/** The object form: {namespace, workload, kind, pod, labels, ip}. */
function endpointObject(value: Json): ObservedEndpoint | string {
  const ip = nonEmptyString(value['ip']);
  const namespace = nonEmptyString(value['namespace']);
  if (namespace === undefined) {
    if (ip === undefined) return 'needs a namespace (with a workload or pod) or an ip';
    return looksLikeAddress(ip) ? { type: 'external', ip } : `"${ip}" is not an IP address`;
  }
  const labels = labelsOf(value['labels']);
  if (typeof labels === 'string') return labels;
  const name = nonEmptyString(value['workload']);
  const podName = nonEmptyString(value['pod']);
  if (name === undefined && podName === undefined && Object.keys(labels).length === 0) return 'needs a workload, a pod or labels with its namespace';
  return { type: 'pod', namespace, podName, workload: name === undefined ? undefined : { kind: nonEmptyString(value['kind']), name }, labels, ip };
}

interface GenericFields {
  readonly source: unknown;
  readonly destination: unknown;
  readonly sourceLabels?: unknown;
  readonly destinationLabels?: unknown;
  readonly protocol: unknown;
  readonly port: unknown;
  readonly count: unknown;
  readonly firstSeen: unknown;
  readonly lastSeen: unknown;
  readonly verdict: unknown;
}

function genericEndpoint(value: unknown, labelsValue: unknown): ObservedEndpoint | string {
  if (isObject(value)) return endpointObject(value);
  if (typeof value !== 'string') return 'must be namespace/workload, an IP address or an object';
  const labels = typeof labelsValue === 'string' ? csvLabels(labelsValue) : labelsOf(labelsValue);
  if (typeof labels === 'string') return labels;
  return parseEndpointText(value, labels);
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return undefined;
}

function genericRecord(f: GenericFields): LineOutcome {
  const source = genericEndpoint(f.source, f.sourceLabels);
  if (typeof source === 'string') return malformed(`source ${source}`);
  const destination = genericEndpoint(f.destination, f.destinationLabels);
  if (typeof destination === 'string') return malformed(`destination ${destination}`);
  const protocolText = f.protocol === undefined || f.protocol === '' ? 'TCP' : scalarText(f.protocol);
  const protocol = PROTOCOLS[protocolText];
  if (!protocol) {
    if (/^icmp/i.test(protocolText)) return SKIP_NOT_L4;
    return malformed(`protocol must be TCP, UDP or SCTP, not "${protocolText}"`);
  }
  const port = toNumber(f.port);
  if (port === undefined || !Number.isInteger(port) || port < 1 || port > 65535) return malformed('port must be a number from 1 to 65535');
  const count = f.count === undefined || f.count === '' ? 1 : toNumber(f.count);
  if (count === undefined || !Number.isInteger(count) || count < 1) return malformed('count must be a whole number from 1');
  const firstSeen = parseTime(f.firstSeen);
  if (firstSeen === null) return malformed('first_seen is not an RFC 3339 timestamp or epoch seconds');
  const lastSeen = parseTime(f.lastSeen);
  if (lastSeen === null) return malformed('last_seen is not an RFC 3339 timestamp or epoch seconds');
  if (firstSeen !== undefined && lastSeen !== undefined && lastSeen < firstSeen) return malformed('last_seen is before first_seen');
  const verdictText = f.verdict === undefined || f.verdict === '' ? 'forwarded' : scalarText(f.verdict).toLowerCase();
  const verdict = VERDICTS[verdictText];
  if (!verdict) return malformed(`verdict must be forwarded, dropped or unknown, not "${scalarText(f.verdict)}"`);
  return {
    kind: 'record',
    record: { source, destination, protocol, port, verdict, direction: 'unknown', count, firstSeen: firstSeen ?? lastSeen, lastSeen: lastSeen ?? firstSeen },
  };
}

/** One generic JSON-lines record. */
export function parseGenericFlow(value: unknown): LineOutcome {
  if (!isObject(value)) return malformed('expected a JSON object');
  return genericRecord({
    source: value['source'],
    destination: value['destination'],
    sourceLabels: field(value, 'source_labels', 'sourceLabels'),
    destinationLabels: field(value, 'destination_labels', 'destinationLabels'),
    protocol: value['protocol'],
    port: value['port'],
    count: value['count'],
    firstSeen: field(value, 'first_seen', 'firstSeen'),
    lastSeen: field(value, 'last_seen', 'lastSeen'),
    verdict: value['verdict'],
  });
}

/** A JSON line of either format: Hubble's flows have `flow`, `IP` or `l4`; generic records a `port`. */
export function parseJsonFlowLine(text: string): LineOutcome {
  if (text.trim() === '') return BLANK;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return malformed(`not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (isObject(value) && value['port'] !== undefined && value['flow'] === undefined && value['l4'] === undefined) return parseGenericFlow(value);
  return parseHubbleFlow(value);
}

// ---- CSV -------------------------------------------------------------------------------------

/** `k=v;k2=v2` */
function csvLabels(text: string): Labels | string {
  const out: Record<string, string> = {};
  for (const part of text.split(';')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) return `label "${item}" is not key=value`;
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** RFC 4180 fields of one line (a quoted field may hold commas and doubled quotes, not newlines). */
export function splitCsvLine(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  const n = line.endsWith('\r') ? line.length - 1 : line.length;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0 || q >= n) return undefined;
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      out.push(value);
      if (i >= n) return out;
      if (line[i] !== ',') return undefined;
      i++;
    } else {
      const comma = line.indexOf(',', i);
      if (comma < 0 || comma >= n) {
        out.push(line.slice(i, n).trim());
        return out;
      }
      out.push(line.slice(i, comma).trim());
      i = comma + 1;
    }
  }
}

export const CSV_COLUMNS = ['source', 'destination', 'protocol', 'port', 'count', 'first_seen', 'last_seen', 'verdict', 'source_labels', 'destination_labels'] as const;
type CsvColumn = (typeof CSV_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly CsvColumn[] = ['source', 'destination', 'port'];

/** A CSV file's lines: the first non-empty line is the header naming the columns, in any order. */
export class CsvFlowReader {
  private columns: Map<CsvColumn, number> | undefined;
  private headerProblem: string | undefined;

  line(text: string): LineOutcome {
    if (text.trim() === '') return BLANK;
    const fields = splitCsvLine(text);
    if (!fields) return malformed('unbalanced quotes');
    if (!this.columns && this.headerProblem === undefined) return this.header(fields);
    if (!this.columns) return malformed(`no usable header row: ${this.headerProblem!}`);
    const get = (column: CsvColumn): string | undefined => {
      const i = this.columns!.get(column);
      return i === undefined ? undefined : fields[i];
    };
    return genericRecord({
      source: get('source') ?? '',
      destination: get('destination') ?? '',
      sourceLabels: get('source_labels'),
      destinationLabels: get('destination_labels'),
      protocol: get('protocol'),
      port: get('port'),
      count: get('count'),
      firstSeen: get('first_seen'),
      lastSeen: get('last_seen'),
      verdict: get('verdict'),
    });
  }

  private header(fields: readonly string[]): LineOutcome {
    const columns = new Map<CsvColumn, number>();
    const unknown: string[] = [];
    fields.forEach((name, i) => {
      const column = name.toLowerCase().replace(/[\s-]/g, '_').replace(/^firstseen$/, 'first_seen').replace(/^lastseen$/, 'last_seen');
      if ((CSV_COLUMNS as readonly string[]).includes(column)) columns.set(column as CsvColumn, i);
      else unknown.push(name);
    });
    const missing = REQUIRED_COLUMNS.filter((c) => !columns.has(c));
    if (missing.length > 0) {
      this.headerProblem = `the header row lacks ${missing.join(', ')} (columns: ${CSV_COLUMNS.join(', ')})`;
      return malformed(this.headerProblem);
    }
    this.columns = columns;
    // extra columns are allowed (exports carry more), and ignored
    return HEADER;
  }
}

export type FlowFileFormat = 'json' | 'csv';

/** The format of a file: by its name, else by its first non-empty line. */
export function flowFormatOf(name: string, firstLine: string): FlowFileFormat {
  if (/\.csv$/i.test(name)) return 'csv';
  if (/\.(jsonl|ndjson|json)$/i.test(name)) return 'json';
  return firstLine.trimStart().startsWith('{') ? 'json' : 'csv';
}

/** Reads one file's lines in order, whatever its format; the first non-empty line decides it. */
export class FlowLineParser {
  private format: FlowFileFormat | undefined;
  private csv: CsvFlowReader | undefined;

  /** `format` when known (a later piece of a JSON-lines file, pieces.ts); else the first non-empty line tells */
  constructor(
    private readonly name: string,
    format?: FlowFileFormat,
  ) {
    this.format = format;
  }

  line(text: string): LineOutcome {
    if (this.format === undefined) {
      // a byte order mark can only start the file, so only the first non-empty line has one
      const line = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
      if (line.trim() === '') return BLANK;
      this.format = flowFormatOf(this.name, line);
      return this.parse(line);
    }
    return this.parse(text);
  }

  private parse(text: string): LineOutcome {
    if (this.format === 'json') return parseJsonFlowLine(text);
    this.csv ??= new CsvFlowReader();
    return this.csv.line(text);
  }
}
