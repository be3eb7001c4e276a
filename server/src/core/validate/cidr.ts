// CIDR parsing with the semantics of k8s.io/utils/net ParseCIDRSloppy (a fork of Go 1.16's
// net.ParseCIDR that accepts leading zeros in IPv4 octets), which kube-apiserver v1.34 uses for
// ipBlock.cidr and ipBlock.except while the StrictIPCIDRValidation gate is off (alpha, default
// off in 1.33 and 1.34: pkg/features/kube_features.go). Addresses are Go-style byte slices:
// 16 bytes for IPv6 and for IPv4 before masking, 4 bytes for a masked IPv4 network.

export interface IPNet {
  /** network address (masked), 4 bytes for IPv4, 16 for IPv6 */
  ip: Uint8Array;
  mask: Uint8Array;
  /** prefix length */
  ones: number;
  /** true when the written address was IPv4 (dotted quad, not inside an IPv6 literal) */
  isIPv4: boolean;
}

const BIG = 0xffffff;
const V4_IN_V6_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function dtoi(s: string): { n: number; i: number; ok: boolean } {
  let n = 0;
  let i = 0;
  for (; i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57; i++) {
    n = n * 10 + (s.charCodeAt(i) - 48);
    if (n >= BIG) return { n: BIG, i, ok: false };
  }
  if (i === 0) return { n: 0, i: 0, ok: false };
  return { n, i, ok: true };
}

function xtoi(s: string): { n: number; i: number; ok: boolean } {
  let n = 0;
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 97 + 10;
    else if (c >= 65 && c <= 70) d = c - 65 + 10;
    else break;
    n = n * 16 + d;
    if (n >= BIG) return { n: 0, i, ok: false };
  }
  if (i === 0) return { n: 0, i, ok: false };
  return { n, i, ok: true };
}

function ipv4(a: number, b: number, c: number, d: number): Uint8Array {
  return Uint8Array.from([...V4_IN_V6_PREFIX, a, b, c, d]);
}

function parseIPv4(input: string): Uint8Array | undefined {
  let s = input;
  const p: number[] = [];
  for (let i = 0; i < 4; i++) {
    if (s.length === 0) return undefined;
    if (i > 0) {
      if (s[0] !== '.') return undefined;
      s = s.slice(1);
    }
    const { n, i: c, ok } = dtoi(s);
    if (!ok || n > 0xff) return undefined;
    s = s.slice(c);
    p.push(n);
  }
  if (s.length !== 0) return undefined;
  return ipv4(p[0] ?? 0, p[1] ?? 0, p[2] ?? 0, p[3] ?? 0);
}

function parseIPv6(input: string): Uint8Array | undefined {
  let s = input;
  const ip = new Uint8Array(16);
  let ellipsis = -1;
  if (s.length >= 2 && s[0] === ':' && s[1] === ':') {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return ip;
  }
  let i = 0;
  while (i < 16) {
    const { n, i: c, ok } = xtoi(s);
    if (!ok || n > 0xffff) return undefined;
    if (c < s.length && s[c] === '.') {
      if (ellipsis < 0 && i !== 12) return undefined;
      if (i + 4 > 16) return undefined;
      const ip4 = parseIPv4(s);
      if (!ip4) return undefined;
      ip[i] = ip4[12] ?? 0;
      ip[i + 1] = ip4[13] ?? 0;
      ip[i + 2] = ip4[14] ?? 0;
      ip[i + 3] = ip4[15] ?? 0;
      s = '';
      i += 4;
      break;
    }
    ip[i] = n >> 8;
    ip[i + 1] = n & 0xff;
    i += 2;
    s = s.slice(c);
    if (s.length === 0) break;
    if (s[0] !== ':' || s.length === 1) return undefined;
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return undefined;
      ellipsis = i;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) return undefined;
  if (i < 16) {
    if (ellipsis < 0) return undefined;
    const n = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) ip[j + n] = ip[j] ?? 0;
    for (let j = ellipsis + n - 1; j >= ellipsis; j--) ip[j] = 0;
  } else if (ellipsis >= 0) {
    return undefined;
  }
  return ip;
}

function cidrMask(ones: number, bits: number): Uint8Array {
  const m = new Uint8Array(bits / 8);
  let n = ones;
  for (let i = 0; i < m.length; i++) {
    if (n >= 8) {
      m[i] = 0xff;
      n -= 8;
      continue;
    }
    m[i] = (~(0xff >> n)) & 0xff;
    n = 0;
  }
  return m;
}

function isV4InV6(ip: Uint8Array): boolean {
  return ip.length === 16 && V4_IN_V6_PREFIX.every((b, i) => ip[i] === b);
}

// Go net.IP.Mask
function maskIP(ip: Uint8Array, mask: Uint8Array): Uint8Array | undefined {
  let m = mask;
  let addr = ip;
  if (m.length === 16 && addr.length === 4 && m.subarray(0, 12).every((b) => b === 0xff)) m = m.subarray(12);
  if (m.length === 4 && addr.length === 16 && isV4InV6(addr)) addr = addr.subarray(12);
  if (m.length !== addr.length) return undefined;
  const out = new Uint8Array(addr.length);
  for (let i = 0; i < addr.length; i++) out[i] = (addr[i] ?? 0) & (m[i] ?? 0);
  return out;
}

/** Go net.ParseCIDR (sloppy IPv4): undefined when the value is not a CIDR at all. */
export function parseCIDRSloppy(value: string): IPNet | undefined {
  const slash = value.indexOf('/');
  if (slash < 0) return undefined;
  const addr = value.slice(0, slash);
  const maskText = value.slice(slash + 1);
  let iplen = 4;
  let ip = parseIPv4(addr);
  if (!ip) {
    iplen = 16;
    ip = parseIPv6(addr);
  }
  const { n, i, ok } = dtoi(maskText);
  if (!ip || !ok || i !== maskText.length || n < 0 || n > 8 * iplen) return undefined;
  const mask = cidrMask(n, 8 * iplen);
  const network = maskIP(ip, mask);
  if (!network) return undefined;
  return { ip: network, mask, ones: n, isIPv4: iplen === 4 };
}

function to4(ip: Uint8Array): Uint8Array | undefined {
  if (ip.length === 4) return ip;
  if (isV4InV6(ip)) return ip.subarray(12);
  return undefined;
}

/** Go net.IPNet.Contains */
export function ipNetContains(net: IPNet, candidate: Uint8Array): boolean {
  let nn = to4(net.ip);
  let m: Uint8Array | undefined = net.mask;
  if (!nn) {
    nn = net.ip;
    if (nn.length !== 16) return false;
  }
  if (m.length === 4) {
    if (nn.length !== 4) return false;
  } else if (m.length === 16 && nn.length === 4) {
    m = m.subarray(12);
  }
  const ip = to4(candidate) ?? candidate;
  if (ip.length !== nn.length) return false;
  for (let i = 0; i < ip.length; i++) {
    if (((nn[i] ?? 0) & (m[i] ?? 0)) !== ((ip[i] ?? 0) & (m[i] ?? 0))) return false;
  }
  return true;
}

/** The prefix length as Go's IPMask.Size() reports it for a mask built by CIDRMask. */
export function maskSize(net: IPNet): number {
  return net.ones;
}
