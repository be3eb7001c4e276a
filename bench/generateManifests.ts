/**
 * Deterministic input for the benchmark: one multi-document YAML file of realistic
 * NetworkPolicies (ingress and egress, matchLabels and matchExpressions, namespaceSelector,
 * ipBlock with except in IPv4 and IPv6, named and numeric ports, endPort ranges, comments), with a
 * handful of deliberate API errors so the diagnostics are not empty. Same seed, same bytes.
 */

export interface GeneratedManifests {
  readonly text: string;
  readonly policies: number;
  /** deliberate API errors planted in the text (each yields at least one finding) */
  readonly plantedErrors: readonly string[];
}

/** mulberry32: a tiny seeded PRNG, good enough to vary test data reproducibly */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMESPACES = ['payments', 'shop', 'checkout', 'catalog', 'search', 'identity', 'billing', 'ledger', 'notifications', 'analytics', 'media', 'inventory'];
const APPS = ['api', 'web', 'worker', 'gateway', 'frontend', 'backend', 'cache', 'indexer', 'scheduler', 'exporter', 'consumer', 'producer'];
const TIERS = ['frontend', 'backend', 'data', 'edge'];
const TEAMS = ['core', 'growth', 'platform', 'risk', 'sre'];
const ENVS = ['production', 'staging', 'qa'];
const NAMED_PORTS = ['http', 'https', 'grpc', 'metrics', 'http-admin', 'amqp'];
const NUMERIC_PORTS = [80, 443, 5432, 6379, 8080, 8443, 9090, 9092, 9200, 11211, 27017, 30080];
const IPV4_BLOCKS = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '203.0.113.0/24', '198.51.100.0/24', '100.64.0.0/10'];
/** IPv6 blocks with sub-blocks strictly inside them, for `except` */
const IPV6_BLOCKS: Readonly<Record<string, readonly string[]>> = {
  '2001:db8::/32': ['2001:db8:ff00::/40', '2001:db8:1::/48'],
  'fd00::/8': ['fdff::/16', 'fd00:1234::/32'],
  '2001:db8:4000::/48': ['2001:db8:4000:ff00::/56', '2001:db8:4000:1::/64'],
  'fc00:10::/64': ['fc00:10::ff00:0:0:0/72', 'fc00:10::1:0:0/96'],
};

/** An IPv4 sub-block strictly inside `cidr`, for `except`. */
function ipv4Within(cidr: string, rnd: () => number): string {
  const [ip = '', prefixText = '0'] = cidr.split('/');
  const octets = ip.split('.').map(Number);
  const sub = Math.min(Number(prefixText) + 4 + Math.floor(rnd() * 12), 30);
  // set one bit of the sub-block's network part that the cidr leaves free
  const value = (((octets[0] ?? 0) << 24) | ((octets[1] ?? 0) << 16) | ((octets[2] ?? 0) << 8) | (octets[3] ?? 0)) >>> 0;
  const inside = (value | (1 << (32 - sub))) >>> 0;
  return `${inside >>> 24}.${(inside >>> 16) & 255}.${(inside >>> 8) & 255}.${inside & 255}/${sub}`;
}

class Writer {
  readonly lines: string[] = [];
  line(indent: number, text: string): void {
    this.lines.push(`${' '.repeat(indent)}${text}`);
  }
}

interface PolicyContext {
  readonly rnd: () => number;
  readonly pick: <T>(items: readonly T[]) => T;
  readonly index: number;
}

function podSelector(w: Writer, indent: number, ctx: PolicyContext): void {
  const { rnd, pick } = ctx;
  w.line(indent, 'podSelector:');
  if (rnd() < 0.65) {
    w.line(indent + 2, 'matchLabels:');
    w.line(indent + 4, `app.kubernetes.io/name: ${pick(APPS)}`);
    if (rnd() < 0.6) w.line(indent + 4, `tier: ${pick(TIERS)}`);
    if (rnd() < 0.3) w.line(indent + 4, `app.kubernetes.io/instance: ${pick(APPS)}-${1 + Math.floor(rnd() * 9)}`);
  } else {
    if (rnd() < 0.5) {
      w.line(indent + 2, 'matchLabels:');
      w.line(indent + 4, `app: ${pick(APPS)}`);
    }
    w.line(indent + 2, 'matchExpressions:');
    w.line(indent + 4, `- key: tier`);
    w.line(indent + 6, `operator: In`);
    w.line(indent + 6, `values: [${pick(TIERS)}, ${pick(TIERS)}]`);
    if (rnd() < 0.5) {
      w.line(indent + 4, `- key: canary`);
      w.line(indent + 6, `operator: DoesNotExist`);
    }
  }
}

/** A peer list item `- namespaceSelector:` at `indent`. */
function namespaceSelector(w: Writer, indent: number, ctx: PolicyContext): void {
  const { rnd, pick } = ctx;
  w.line(indent, '- namespaceSelector:');
  if (rnd() < 0.6) {
    w.line(indent + 4, 'matchLabels:');
    w.line(indent + 6, `kubernetes.io/metadata.name: ${pick(NAMESPACES)}`);
  } else {
    w.line(indent + 4, 'matchExpressions:');
    w.line(indent + 6, '- key: environment');
    w.line(indent + 8, `operator: ${rnd() < 0.5 ? 'In' : 'NotIn'}`);
    w.line(indent + 8, 'values:');
    w.line(indent + 10, `- ${pick(ENVS)}`);
    w.line(indent + 10, `- ${pick(ENVS)}-eu`);
  }
}

function ipBlock(w: Writer, indent: number, ctx: PolicyContext): void {
  const { rnd, pick } = ctx;
  const v6 = rnd() < 0.3;
  const cidr = v6 ? pick(Object.keys(IPV6_BLOCKS)) : pick(IPV4_BLOCKS);
  w.line(indent, '- ipBlock:');
  w.line(indent + 4, `cidr: ${cidr}`);
  if (rnd() < 0.6) {
    w.line(indent + 4, 'except:');
    const excepts = v6 ? (IPV6_BLOCKS[cidr] ?? []).slice(0, rnd() < 0.3 ? 2 : 1) : [ipv4Within(cidr, rnd), ...(rnd() < 0.3 ? [ipv4Within(cidr, rnd)] : [])];
    for (const except of excepts) w.line(indent + 6, `- ${except}`);
  }
}

function ports(w: Writer, indent: number, ctx: PolicyContext): void {
  const { rnd, pick } = ctx;
  w.line(indent, 'ports:');
  const count = rnd() < 0.7 ? 1 : 2;
  for (let i = 0; i < count; i++) {
    const r = rnd();
    if (r < 0.3) {
      w.line(indent + 2, `- port: ${pick(NAMED_PORTS)}`);
    } else if (r < 0.5) {
      const start = 8000 + Math.floor(rnd() * 900);
      w.line(indent + 2, `- protocol: TCP`);
      w.line(indent + 4, `port: ${start}`);
      w.line(indent + 4, `endPort: ${start + 1 + Math.floor(rnd() * 99)}`);
    } else if (r < 0.75) {
      w.line(indent + 2, `- port: ${pick(NUMERIC_PORTS)}`);
    } else {
      w.line(indent + 2, `- protocol: ${rnd() < 0.7 ? 'TCP' : 'UDP'}`);
      w.line(indent + 4, `port: ${pick(NUMERIC_PORTS)}`);
    }
  }
}

/** Peers of one rule: list items at `keyIndent + 2`, under a `from:`/`to:` key at `keyIndent`. */
function peers(w: Writer, keyIndent: number, ctx: PolicyContext): void {
  const { rnd } = ctx;
  const item = keyIndent + 2;
  const count = rnd() < 0.75 ? 1 : 2;
  for (let i = 0; i < count; i++) {
    const r = rnd();
    if (r < 0.3) {
      namespaceSelector(w, item, ctx);
      if (rnd() < 0.4) podSelector(w, item + 2, ctx);
    } else if (r < 0.65) {
      w.line(item, '- podSelector:');
      w.line(item + 4, 'matchLabels:');
      w.line(item + 6, `app: ${ctx.pick(APPS)}`);
    } else {
      ipBlock(w, item, ctx);
    }
  }
}

function policy(w: Writer, ctx: PolicyContext): void {
  const { rnd, pick, index } = ctx;
  const namespace = pick(NAMESPACES);
  const app = pick(APPS);
  const shape = rnd();
  if (index % 10 === 0) w.line(0, `# ${namespace}: ${app} (${pick(TEAMS)} team), reviewed ${2024 + (index % 2)}-0${1 + (index % 9)}-1${index % 10}`);
  w.line(0, 'apiVersion: networking.k8s.io/v1');
  w.line(0, 'kind: NetworkPolicy');
  w.line(0, 'metadata:');
  if (shape < 0.15) {
    w.line(2, `name: default-deny-${index}`);
    w.line(2, `namespace: ${namespace}`);
    w.line(0, 'spec:');
    w.line(2, 'podSelector: {}');
    w.line(2, 'policyTypes: [Ingress, Egress]');
    return;
  }
  w.line(2, `name: ${app}-${index}-${shape < 0.55 ? 'ingress' : 'egress'}`);
  w.line(2, `namespace: ${namespace}`);
  if (rnd() < 0.5) {
    w.line(2, 'labels:');
    w.line(4, `team: ${pick(TEAMS)}`);
    w.line(4, `app.kubernetes.io/part-of: ${namespace}`);
  }
  if (rnd() < 0.15) {
    w.line(2, 'annotations:');
    w.line(4, `netpol.example.com/owner: "${pick(TEAMS)}@example.com"`);
  }
  w.line(0, 'spec:');
  podSelector(w, 2, ctx);
  const ingress = shape < 0.55 || rnd() < 0.15;
  const egress = shape >= 0.55 || rnd() < 0.15;
  w.line(2, `policyTypes:`);
  if (ingress) w.line(4, '- Ingress');
  if (egress) w.line(4, '- Egress');
  if (ingress) {
    w.line(2, 'ingress:');
    const rules = rnd() < 0.9 ? 1 : 2;
    for (let r = 0; r < rules; r++) {
      if (rnd() < 0.2) w.line(4, `# rule ${r + 1}: traffic from ${pick(APPS)}`);
      w.line(4, '- from:');
      peers(w, 6, ctx);
      if (rnd() < 0.8) ports(w, 6, ctx);
    }
  }
  if (egress) {
    w.line(2, 'egress:');
    if (rnd() < 0.2) {
      w.line(4, '# DNS');
      w.line(4, '- to:');
      w.line(8, '- namespaceSelector:');
      w.line(12, 'matchLabels:');
      w.line(14, 'kubernetes.io/metadata.name: kube-system');
      w.line(10, 'podSelector:');
      w.line(12, 'matchLabels:');
      w.line(14, 'k8s-app: kube-dns');
      w.line(6, 'ports:');
      w.line(8, '- protocol: UDP');
      w.line(10, 'port: 53');
      w.line(8, '- protocol: TCP');
      w.line(10, 'port: 53');
    }
    w.line(4, '- to:');
    peers(w, 6, ctx);
    if (rnd() < 0.8) ports(w, 6, ctx);
  }
}

/** Policies with a deliberate API error; each replaces the generated policy at its index. */
const BROKEN: readonly { readonly error: string; readonly yaml: (name: string) => string }[] = [
  {
    error: 'policyTypes in lower case',
    yaml: (name) => `metadata:\n  name: ${name}\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes: [ingress]\n`,
  },
  {
    error: 'endPort with a named port',
    yaml: (name) =>
      `metadata:\n  name: ${name}\n  namespace: shop\nspec:\n  podSelector:\n    matchLabels:\n      app: web\n  ingress:\n    - ports:\n        - port: http\n          endPort: 8090\n`,
  },
  {
    error: 'endPort below port',
    yaml: (name) =>
      `metadata:\n  name: ${name}\n  namespace: billing\nspec:\n  podSelector: {}\n  egress:\n    - ports:\n        - protocol: TCP\n          port: 9000\n          endPort: 8999\n  policyTypes: [Egress]\n`,
  },
  {
    error: 'except outside cidr (IPv6)',
    yaml: (name) =>
      `metadata:\n  name: ${name}\n  namespace: media\nspec:\n  podSelector: {}\n  egress:\n    - to:\n        - ipBlock:\n            cidr: 2001:db8::/32\n            except:\n              - 2001:db9::/48\n  policyTypes: [Egress]\n`,
  },
  {
    error: 'ipBlock combined with podSelector in one peer',
    yaml: (name) =>
      `metadata:\n  name: ${name}\n  namespace: payments\nspec:\n  podSelector: {}\n  egress:\n    - to:\n        - ipBlock:\n            cidr: 203.0.113.0/24\n          podSelector:\n            matchLabels:\n              app: payments\n  policyTypes: [Egress]\n`,
  },
  {
    error: 'operator In without values',
    yaml: (name) =>
      `metadata:\n  name: ${name}\n  namespace: search\nspec:\n  podSelector:\n    matchExpressions:\n      - key: tier\n        operator: In\n  policyTypes: [Ingress]\n`,
  },
  {
    error: 'port out of range',
    yaml: (name) =>
      `metadata:\n  name: ${name}\n  namespace: ledger\nspec:\n  podSelector: {}\n  ingress:\n    - ports:\n        - port: 70000\n`,
  },
];

export function generateManifests(options: { readonly seed?: number; readonly policies?: number } = {}): GeneratedManifests {
  const rnd = seededRandom(options.seed ?? 20240611);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const count = options.policies ?? 400;
  const w = new Writer();
  w.line(0, '# Generated by bench/generateManifests.ts: NetworkPolicies of a mid-sized cluster.');
  const plantedErrors: string[] = [];
  const brokenEvery = Math.floor(count / BROKEN.length);
  for (let index = 0; index < count; index++) {
    if (index > 0) w.line(0, '---');
    const broken = index % brokenEvery === brokenEvery >> 1 ? BROKEN[Math.floor(index / brokenEvery)] : undefined;
    if (broken) {
      plantedErrors.push(broken.error);
      w.line(0, `# deliberate error: ${broken.error}`);
      w.line(0, 'apiVersion: networking.k8s.io/v1');
      w.line(0, 'kind: NetworkPolicy');
      for (const l of broken.yaml(`broken-${index}`).trimEnd().split('\n')) w.line(0, l);
      continue;
    }
    policy(w, { rnd, pick, index });
  }
  return { text: `${w.lines.join('\n')}\n`, policies: count, plantedErrors };
}
