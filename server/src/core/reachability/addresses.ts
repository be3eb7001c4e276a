import type { NetworkPolicyInfo } from '../inventory/model';
import { cidrRange, type AddressRange } from '../selectors/ipRanges';

/**
 * External addresses, grouped. Every ipBlock cidr and except in the input cuts the IPv4 or IPv6
 * address space at its first address and after its last; the pieces between cuts are disjoint,
 * cover each whole space, and every ipBlock peer matches whole pieces only, so all addresses of a
 * piece have the same connectivity.
 */

export const IPV4_MAX = (1n << 32n) - 1n;
export const IPV6_MAX = (1n << 128n) - 1n;

export interface Address {
  readonly family: 4 | 6;
  readonly value: bigint;
}

/** The cidr and except values of every ipBlock of the policies. */
export function ipBlockCidrs(policies: readonly NetworkPolicyInfo[]): string[] {
  const out: string[] = [];
  for (const policy of policies) {
    for (const rule of [...policy.ingress, ...policy.egress]) {
      for (const peer of rule.peers) {
        if (!peer.ipBlock) continue;
        out.push(peer.ipBlock.cidr, ...peer.ipBlock.except);
      }
    }
  }
  return out;
}

/** The disjoint ranges, IPv4 first then IPv6, each family sorted and covering its whole space. */
export function externalRanges(cidrs: readonly string[]): AddressRange[] {
  const cuts: Record<4 | 6, Set<bigint>> = { 4: new Set([0n]), 6: new Set([0n]) };
  for (const cidr of cidrs) {
    const r = cidrRange(cidr);
    if (!r) continue;
    const max = r.family === 4 ? IPV4_MAX : IPV6_MAX;
    cuts[r.family].add(r.start);
    if (r.end < max) cuts[r.family].add(r.end + 1n);
  }
  const out: AddressRange[] = [];
  for (const family of [4, 6] as const) {
    const max = family === 4 ? IPV4_MAX : IPV6_MAX;
    const starts = [...cuts[family]].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    starts.forEach((start, i) => {
      const next = starts[i + 1];
      out.push({ family, start, end: next === undefined ? max : next - 1n });
    });
  }
  return out;
}

/** The index of the range holding the address (ranges as externalRanges returns them). */
export function rangeIndexOf(ranges: readonly AddressRange[], address: Address): number {
  let lo = 0;
  let hi = ranges.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (r.family < address.family || (r.family === address.family && r.start <= address.value)) {
      if (r.family === address.family) found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

export function inRange(r: AddressRange, address: Address): boolean {
  return r.family === address.family && r.start <= address.value && address.value <= r.end;
}

/** An IPv4 or IPv6 address as written (`10.0.0.1`, `2001:db8::1`); undefined when it is not one. */
export function parseAddress(text: string): Address | undefined {
  if (text.includes('/')) return undefined;
  const r = cidrRange(`${text}/${text.includes(':') ? 128 : 32}`);
  return r ? { family: r.family, value: r.start } : undefined;
}

/** Dotted quad for IPv4; RFC 5952 text for IPv6 (lower case, the longest run of zero groups as ::). */
export function formatAddress(address: Address): string {
  const v = address.value;
  if (address.family === 4) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
  const groups: number[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(Number((v >> s) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (g: number[]): string => g.map((n) => n.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

/** An external endpoint's id: its range `first-last`. */
export function rangeId(r: AddressRange): string {
  return `${formatAddress({ family: r.family, value: r.start })}-${formatAddress({ family: r.family, value: r.end })}`;
}
