import { parseCIDRSloppy } from '../validate/cidr';

/** Address ranges as inclusive [start, end] BigInt pairs, IPv4 and IPv6 kept apart. */
export interface AddressRange {
  readonly family: 4 | 6;
  readonly start: bigint;
  readonly end: bigint;
}

export function cidrRange(cidr: string): AddressRange | undefined {
  const net = parseCIDRSloppy(cidr);
  if (!net) return undefined;
  const bytes = net.ip.length === 16 && net.ip.subarray(0, 12).every((b, i) => b === (i < 10 ? 0 : 0xff)) && net.mask.length === 4 ? net.ip.subarray(12) : net.ip;
  const family: 4 | 6 = bytes.length === 4 ? 4 : 6;
  const bits = family === 4 ? 32 : 128;
  const ones = family === 4 && net.mask.length === 16 ? Math.max(0, net.ones - 96) : net.ones;
  let start = 0n;
  for (const b of bytes) start = (start << 8n) | BigInt(b);
  const size = 1n << BigInt(bits - ones);
  const base = (start / size) * size;
  return { family, start: base, end: base + size - 1n };
}

/** `ranges` minus `removed`, per family. */
export function subtract(ranges: readonly AddressRange[], removed: readonly AddressRange[]): AddressRange[] {
  let current = [...ranges];
  for (const r of removed) {
    const next: AddressRange[] = [];
    for (const c of current) {
      if (c.family !== r.family || r.end < c.start || r.start > c.end) {
        next.push(c);
        continue;
      }
      if (r.start > c.start) next.push({ family: c.family, start: c.start, end: r.start - 1n });
      if (r.end < c.end) next.push({ family: c.family, start: r.end + 1n, end: c.end });
    }
    current = next;
  }
  return current;
}

/** Address space that is not public: RFC 1918, CGNAT, loopback, link-local, ULA, and the like. */
export const NON_PUBLIC_CIDRS = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '::/128',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
];

export function rangeSize(r: AddressRange): bigint {
  return r.end - r.start + 1n;
}

export function formatRange(r: AddressRange): string {
  const bits = r.family === 4 ? 32 : 128;
  const size = rangeSize(r);
  let prefix = bits;
  while (prefix > 0 && 1n << BigInt(bits - prefix) < size) prefix--;
  const aligned = 1n << BigInt(bits - prefix) === size && r.start % size === 0n;
  const text = (v: bigint): string => {
    if (r.family === 4) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
    const groups: string[] = [];
    for (let s = 112n; s >= 0n; s -= 16n) groups.push(((v >> s) & 0xffffn).toString(16));
    return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
  };
  return aligned ? `${text(r.start)}/${prefix}` : `${text(r.start)}-${text(r.end)}`;
}
