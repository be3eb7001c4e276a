import type { Protocol } from '../inventory/model';

/**
 * Sets of ports per protocol. Each protocol's ports are a flat, sorted list of disjoint,
 * non-adjacent inclusive ranges `[lo0, hi0, lo1, hi1, ...]` within 1-65535 (port 0 is not a port
 * a NetworkPolicy can name: k8s pkg/apis/networking/validation requires 1-65535).
 */
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];
export const MIN_PORT = 1;
export const MAX_PORT = 65535;

export type PortRanges = readonly number[];

export interface PortSet {
  readonly TCP: PortRanges;
  readonly UDP: PortRanges;
  readonly SCTP: PortRanges;
}

const FULL: PortRanges = [MIN_PORT, MAX_PORT];
export const NO_PORTS: PortSet = { TCP: [], UDP: [], SCTP: [] };
export const ALL_PORTS: PortSet = { TCP: FULL, UDP: FULL, SCTP: FULL };

/** One protocol's ports `lo`-`hi` (clamped to 1-65535; empty when lo > hi). */
export function portRange(protocol: Protocol, lo: number, hi: number = lo): PortSet {
  const a = Math.max(MIN_PORT, lo);
  const b = Math.min(MAX_PORT, hi);
  if (a > b) return NO_PORTS;
  return { ...NO_PORTS, [protocol]: [a, b] };
}

export function allPortsOf(protocol: Protocol): PortSet {
  return { ...NO_PORTS, [protocol]: FULL };
}

function unionRanges(a: PortRanges, b: PortRanges): PortRanges {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let lo: number;
    let hi: number;
    if (j >= b.length || (i < a.length && a[i]! <= b[j]!)) {
      lo = a[i]!;
      hi = a[i + 1]!;
      i += 2;
    } else {
      lo = b[j]!;
      hi = b[j + 1]!;
      j += 2;
    }
    const last = out.length - 1;
    // merge overlapping and adjacent ranges: 80-80 and 81-90 are 80-90
    if (last > 0 && lo <= out[last]! + 1) out[last] = Math.max(out[last]!, hi);
    else out.push(lo, hi);
  }
  return out;
}

function intersectRanges(a: PortRanges, b: PortRanges): PortRanges {
  if (a.length === 0 || b.length === 0) return [];
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i]!, b[j]!);
    const hi = Math.min(a[i + 1]!, b[j + 1]!);
    if (lo <= hi) out.push(lo, hi);
    if (a[i + 1]! < b[j + 1]!) i += 2;
    else j += 2;
  }
  return out;
}

function subtractRanges(a: PortRanges, b: PortRanges): PortRanges {
  if (a.length === 0 || b.length === 0) return a;
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let lo = a[i]!;
    const hi = a[i + 1]!;
    while (j < b.length && b[j + 1]! < lo) j += 2;
    let k = j;
    while (k < b.length && b[k]! <= hi) {
      if (b[k]! > lo) out.push(lo, b[k]! - 1);
      lo = Math.max(lo, b[k + 1]! + 1);
      k += 2;
    }
    if (lo <= hi) out.push(lo, hi);
  }
  return out;
}

export function union(a: PortSet, b: PortSet): PortSet {
  return { TCP: unionRanges(a.TCP, b.TCP), UDP: unionRanges(a.UDP, b.UDP), SCTP: unionRanges(a.SCTP, b.SCTP) };
}

export function intersect(a: PortSet, b: PortSet): PortSet {
  return { TCP: intersectRanges(a.TCP, b.TCP), UDP: intersectRanges(a.UDP, b.UDP), SCTP: intersectRanges(a.SCTP, b.SCTP) };
}

export function subtract(a: PortSet, b: PortSet): PortSet {
  return { TCP: subtractRanges(a.TCP, b.TCP), UDP: subtractRanges(a.UDP, b.UDP), SCTP: subtractRanges(a.SCTP, b.SCTP) };
}

export function isEmpty(set: PortSet): boolean {
  return set.TCP.length === 0 && set.UDP.length === 0 && set.SCTP.length === 0;
}

function isFull(r: PortRanges): boolean {
  return r.length === 2 && r[0] === MIN_PORT && r[1] === MAX_PORT;
}

/** Every port of TCP, UDP and SCTP. */
export function isAll(set: PortSet): boolean {
  return isFull(set.TCP) && isFull(set.UDP) && isFull(set.SCTP);
}

export function contains(set: PortSet, protocol: Protocol, port: number): boolean {
  const r = set[protocol];
  for (let i = 0; i < r.length; i += 2) {
    if (port < r[i]!) return false;
    if (port <= r[i + 1]!) return true;
  }
  return false;
}

export function equals(a: PortSet, b: PortSet): boolean {
  return portSetKey(a) === portSetKey(b);
}

/** A canonical string for the set (equal sets, equal keys). */
export function portSetKey(set: PortSet): string {
  return `${set.TCP.join(',')}|${set.UDP.join(',')}|${set.SCTP.join(',')}`;
}

/** The JSON contract's `ports`: `{ "TCP": [[80, 80], [8080, 8090]] }`, empty protocols left out. */
export function portSetToJson(set: PortSet): Partial<Record<Protocol, [number, number][]>> {
  const out: Partial<Record<Protocol, [number, number][]>> = {};
  for (const protocol of PROTOCOLS) {
    const r = set[protocol];
    if (r.length === 0) continue;
    const pairs: [number, number][] = [];
    for (let i = 0; i < r.length; i += 2) pairs.push([r[i]!, r[i + 1]!]);
    out[protocol] = pairs;
  }
  return out;
}

/** `TCP 80, 8080-8090; UDP 53`, `all ports`, or `nothing`. */
export function formatPortSet(set: PortSet): string {
  if (isAll(set)) return 'all ports';
  if (isEmpty(set)) return 'nothing';
  const parts: string[] = [];
  for (const protocol of PROTOCOLS) {
    const r = set[protocol];
    if (r.length === 0) continue;
    if (isFull(r)) {
      parts.push(`${protocol} all ports`);
      continue;
    }
    const ranges: string[] = [];
    for (let i = 0; i < r.length; i += 2) ranges.push(r[i] === r[i + 1] ? String(r[i]) : `${r[i]}-${r[i + 1]}`);
    parts.push(`${protocol} ${ranges.join(', ')}`);
  }
  return parts.join('; ');
}

/** An unordered pair of ids as one number: a small integer (no allocation) while ids stay below 2^15. */
function pairKey(a: number, b: number): number {
  const lo = a < b ? a : b;
  const hi = a < b ? b : a;
  return hi < 0x8000 ? (hi << 15) | lo : hi * 0x100000000 + lo;
}

/**
 * Port sets interned to small integers, with memoised union and intersection: the engine keeps an
 * id per (source, destination) and most pairs share a handful of distinct sets. Id 0 is the empty
 * set, id 1 every port.
 */
export class PortSetTable {
  static readonly NONE = 0;
  static readonly ALL = 1;
  private readonly sets: PortSet[] = [NO_PORTS, ALL_PORTS];
  private readonly ids = new Map<string, number>([
    [portSetKey(NO_PORTS), 0],
    [portSetKey(ALL_PORTS), 1],
  ]);
  private readonly unions = new Map<number, number>();
  private readonly intersections = new Map<number, number>();

  intern(set: PortSet): number {
    const key = portSetKey(set);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push(set);
      this.ids.set(key, id);
    }
    return id;
  }

  get(id: number): PortSet {
    return this.sets[id] ?? NO_PORTS;
  }

  get size(): number {
    return this.sets.length;
  }

  union(a: number, b: number): number {
    if (a === b || b === 0 || a === 1) return a;
    if (a === 0 || b === 1) return b;
    const key = pairKey(a, b);
    let id = this.unions.get(key);
    if (id === undefined) {
      id = this.intern(union(this.get(a), this.get(b)));
      this.unions.set(key, id);
    }
    return id;
  }

  intersect(a: number, b: number): number {
    if (a === b || b === 1) return a;
    if (a === 1) return b;
    if (a === 0 || b === 0) return 0;
    const key = pairKey(a, b);
    let id = this.intersections.get(key);
    if (id === undefined) {
      id = this.intern(intersect(this.get(a), this.get(b)));
      this.intersections.set(key, id);
    }
    return id;
  }
}
