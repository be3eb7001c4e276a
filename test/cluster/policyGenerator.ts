import { stringify } from 'yaml';

/**
 * Seeded generator of NetworkPolicy manifests for the API validation parity test: valid policies,
 * and mutations of one field (or two) of a valid policy covering every field the API server
 * validates. Same seed, same cases, in the same order.
 */

import { seededRandom } from '../../bench/generateManifests';

export { seededRandom };


type Rng = () => number;
type Obj = Record<string, unknown>;

function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}
function chance(rng: Rng, p: number): boolean {
  return rng() < p;
}
function int(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

/** Namespaces the test creates before sending; valid policies live in one of them. */
export const NAMESPACES = ['default', 'team-a', 'prod-eu-1', `n${'s'.repeat(61)}x`] as const;

const VALID_NAMES = ['p', 'allow-web', 'deny.all', 'a1', '0-start-digit', 'x'.repeat(253), `${'a'.repeat(63)}.${'b'.repeat(63)}`, 'web.v2-ingress'];
const VALID_LABEL_KEYS = ['app', 'tier', 'app.kubernetes.io/name', 'example.com/team', 'k'.repeat(63), `${'d'.repeat(200)}.io/x`, 'A_b.c-D', '9'];
const VALID_LABEL_VALUES = ['web', '', 'v1.2.3', 'A_b-c.D', 'v'.repeat(63), '0'];
const VALID_PORT_NAMES = ['http', 'metrics', 'a', 'grpc-web', 'p'.repeat(15), '8a', 'a-8'];
const VALID_CIDRS: readonly [string, readonly string[]][] = [
  ['10.0.0.0/8', ['10.1.0.0/16', '10.2.3.0/24']],
  ['192.168.0.0/16', ['192.168.1.0/24']],
  ['0.0.0.0/0', ['169.254.169.254/32', '10.0.0.0/8']],
  ['172.16.0.0/12', []],
  ['2001:db8::/32', ['2001:db8:1::/48']],
  ['::/0', ['fd00::/8']],
  ['10.0.0.1/32', []],
  // legacy fields accept host bits and leading zeros (IsValidCIDRForLegacyField, strict off)
  ['10.0.0.1/8', ['10.1.2.3/16']],
  ['010.000.000.000/8', []],
];

function labels(rng: Rng, max: number): Obj {
  const out: Obj = {};
  const n = int(rng, 0, max);
  for (let i = 0; i < n; i++) out[pick(rng, VALID_LABEL_KEYS)] = pick(rng, VALID_LABEL_VALUES);
  return out;
}

function selector(rng: Rng): Obj {
  const s: Obj = {};
  if (chance(rng, 0.6)) s['matchLabels'] = labels(rng, 3);
  if (chance(rng, 0.4)) {
    const exprs: Obj[] = [];
    for (let i = int(rng, 1, 2); i > 0; i--) {
      const operator = pick(rng, ['In', 'NotIn', 'Exists', 'DoesNotExist']);
      const expr: Obj = { key: pick(rng, VALID_LABEL_KEYS), operator };
      if (operator === 'In' || operator === 'NotIn') expr['values'] = [pick(rng, VALID_LABEL_VALUES), ...(chance(rng, 0.5) ? [pick(rng, VALID_LABEL_VALUES)] : [])];
      exprs.push(expr);
    }
    s['matchExpressions'] = exprs;
  }
  return s;
}

function port(rng: Rng): Obj {
  const p: Obj = {};
  if (chance(rng, 0.6)) p['protocol'] = pick(rng, ['TCP', 'UDP', 'SCTP']);
  const kind = pick(rng, ['number', 'number', 'range', 'name', 'none']);
  if (kind === 'number') p['port'] = pick(rng, [1, 80, 443, 8080, 65535, int(rng, 1, 65535)]);
  if (kind === 'range') {
    const start = int(rng, 1, 60000);
    p['port'] = start;
    p['endPort'] = pick(rng, [start, start + int(rng, 1, 5000), 65535]);
  }
  if (kind === 'name') p['port'] = pick(rng, VALID_PORT_NAMES);
  return p;
}

function peer(rng: Rng): Obj {
  switch (pick(rng, ['pod', 'ns', 'both', 'ip'])) {
    case 'pod':
      return { podSelector: selector(rng) };
    case 'ns':
      return { namespaceSelector: selector(rng) };
    case 'both':
      return { podSelector: selector(rng), namespaceSelector: selector(rng) };
    default: {
      const [cidr, excepts] = pick(rng, VALID_CIDRS);
      const ipBlock: Obj = { cidr };
      if (excepts.length > 0 && chance(rng, 0.6)) ipBlock['except'] = [...excepts];
      return { ipBlock };
    }
  }
}

function rule(rng: Rng, peersKey: 'from' | 'to'): Obj {
  const r: Obj = {};
  if (chance(rng, 0.8)) r[peersKey] = Array.from({ length: int(rng, 1, 3) }, () => peer(rng));
  if (chance(rng, 0.7)) r['ports'] = Array.from({ length: int(rng, 1, 3) }, () => port(rng));
  return r;
}

/** A valid policy (the API server accepts it). */
export function validPolicy(rng: Rng, index: number): Obj {
  const metadata: Obj = { name: chance(rng, 0.7) ? `p-${index}` : pick(rng, VALID_NAMES) };
  if (chance(rng, 0.5)) metadata['namespace'] = pick(rng, NAMESPACES);
  if (chance(rng, 0.4)) metadata['labels'] = labels(rng, 3);
  if (chance(rng, 0.3)) metadata['annotations'] = { 'example.com/note': 'anything: goes here', owner: 'team-a' };
  const spec: Obj = { podSelector: chance(rng, 0.3) ? {} : selector(rng) };
  const types = pick(rng, [[], ['Ingress'], ['Egress'], ['Ingress', 'Egress'], ['Egress', 'Ingress']] as string[][]);
  if (types.length > 0 || chance(rng, 0.2)) spec['policyTypes'] = types;
  if (types.length === 0 || types.includes('Ingress')) {
    if (chance(rng, 0.8)) spec['ingress'] = Array.from({ length: int(rng, 1, 2) }, () => rule(rng, 'from'));
  }
  if (types.includes('Egress') && chance(rng, 0.8)) spec['egress'] = Array.from({ length: int(rng, 1, 2) }, () => rule(rng, 'to'));
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata, spec };
}

// ---- mutations ----

/** A mutation edits a deep copy in place; `raw` replaces placeholders with plain YAML scalars. */
export interface Mutation {
  readonly name: string;
  readonly apply: (policy: Obj, rng: Rng) => void;
  /** plain YAML text for placeholders, e.g. yes or 0x1F, which only YAML can carry */
  readonly raw?: Readonly<Record<string, string>>;
  /** the API decides: the test compares without expecting either answer */
  readonly eitherWay?: boolean;
  /** render as JSON, with each placeholder string (quotes included) replaced by its raw text */
  readonly json?: boolean;
  /**
   * The answer depends on the client, so these are generated only on request: kube-apiserver
   * decodes a raw JSON body with encoding/json (80.0 or 1e3 is no int32, a repeated key is a
   * "duplicate field"), while kubectl decodes a .json file into Unstructured and sends it
   * re-encoded (80.0 becomes 80). Our validator reads JSON files as kubectl reads YAML.
   */
  readonly clientDependent?: boolean;
  /** a difference the validator does not handle yet (see the note at the case); generated only on request */
  readonly knownGap?: boolean;
}

function spec(p: Obj): Obj {
  return p['spec'] as Obj;
}
function meta(p: Obj): Obj {
  return p['metadata'] as Obj;
}
/** the first ingress rule, created when missing, with policyTypes kept consistent */
function ingressRule(p: Obj): Obj {
  const s = spec(p);
  if (!Array.isArray(s['ingress']) || s['ingress'].length === 0) s['ingress'] = [{}];
  const types = s['policyTypes'];
  if (Array.isArray(types) && types.length > 0 && !types.includes('Ingress')) types.push('Ingress');
  if (Array.isArray(types) && types.length > 2) s['policyTypes'] = ['Ingress', 'Egress'];
  return (s['ingress'] as Obj[])[0] as Obj;
}
function egressRule(p: Obj): Obj {
  const s = spec(p);
  if (!Array.isArray(s['egress']) || s['egress'].length === 0) s['egress'] = [{}];
  return (s['egress'] as Obj[])[0] as Obj;
}
function firstPort(p: Obj, direction: 'ingress' | 'egress' = 'ingress'): Obj {
  const r = direction === 'ingress' ? ingressRule(p) : egressRule(p);
  const port: Obj = {};
  r['ports'] = [port, ...(Array.isArray(r['ports']) ? (r['ports'] as Obj[]) : [])];
  return port;
}
function appendPeer(p: Obj, peerValue: unknown, direction: 'ingress' | 'egress' = 'ingress'): void {
  const key = direction === 'ingress' ? 'from' : 'to';
  const r = direction === 'ingress' ? ingressRule(p) : egressRule(p);
  r[key] = [...(Array.isArray(r[key]) ? (r[key] as unknown[]) : []), peerValue];
}
function ipBlockPeer(p: Obj, ipBlock: unknown, direction: 'ingress' | 'egress' = 'ingress'): void {
  appendPeer(p, { ipBlock }, direction);
}

const setName = (name: unknown): Mutation['apply'] => (p) => {
  meta(p)['name'] = name;
};
const setNamespace = (namespace: unknown): Mutation['apply'] => (p) => {
  meta(p)['namespace'] = namespace;
};
const podSelectorLabels = (labelsValue: unknown): Mutation['apply'] => (p) => {
  spec(p)['podSelector'] = { matchLabels: labelsValue };
};
const expression = (expr: unknown): Mutation['apply'] => (p) => {
  spec(p)['podSelector'] = { matchExpressions: [expr] };
};
const peerExpression = (expr: unknown, which: 'podSelector' | 'namespaceSelector'): Mutation['apply'] => (p) => {
  appendPeer(p, { [which]: { matchExpressions: [expr] } }, 'egress');
};
const withPort = (fields: Obj, direction: 'ingress' | 'egress' = 'ingress'): Mutation['apply'] => (p) => {
  Object.assign(firstPort(p, direction), fields);
};

const long = (n: number, c = 'a'): string => c.repeat(n);

/** One mutation per JSON number, written where a port goes. */
function rawJsonMutations(numbers: readonly string[]): Mutation[] {
  return numbers.map((n, i) => ({ name: `port JSON number ${n}`, apply: withPort({ port: `__RAW_JSON_${i}__` }), raw: { [`"__RAW_JSON_${i}__"`]: n }, json: true, eitherWay: true, clientDependent: true }));
}

/** One mutation per plain scalar, written unquoted in YAML where a port, a label value or the name goes. */
function rawScalarMutations(where: 'port' | 'label value' | 'name', scalars: readonly string[]): Mutation[] {
  return scalars.map((scalar, i) => {
    const placeholder = `__RAW_${where.replace(' ', '_').toUpperCase()}_${i}__`;
    const apply: Mutation['apply'] =
      where === 'port' ? withPort({ port: placeholder }) : where === 'name' ? setName(placeholder) : (p) => void (meta(p)['labels'] = { app: placeholder });
    return { name: `${where} plain YAML ${scalar}`, apply, raw: { [placeholder]: scalar }, eitherWay: true };
  });
}

/** Every mutation once; each makes the policy invalid, unless its name says "valid:". */
export const MUTATIONS: readonly Mutation[] = [
  // metadata.name
  { name: 'name upper case', apply: setName('Allow-Web') },
  { name: 'name underscore', apply: setName('allow_web') },
  { name: 'name leading dash', apply: setName('-web') },
  { name: 'name trailing dash', apply: setName('web-') },
  { name: 'name trailing dot', apply: setName('web.') },
  { name: 'name double dot', apply: setName('a..b') },
  { name: 'name 254 characters', apply: setName(long(254)) },
  { name: 'name with space', apply: setName('allow web') },
  { name: 'name with slash', apply: setName('a/b') },
  { name: 'name empty', apply: setName('') },
  { name: 'name missing', apply: (p) => void delete meta(p)['name'] },
  { name: 'name null', apply: setName(null) },
  { name: 'name number', apply: setName(42) },
  { name: 'name list', apply: setName(['a']) },
  { name: 'name non-ASCII', apply: setName('café') },
  { name: 'valid: generateName alone', apply: (p) => { delete meta(p)['name']; meta(p)['generateName'] = 'web-'; } },
  { name: 'generateName upper case', apply: (p) => { delete meta(p)['name']; meta(p)['generateName'] = 'Web-'; } },
  { name: 'generateName underscore', apply: (p) => { delete meta(p)['name']; meta(p)['generateName'] = 'we_b'; } },
  { name: 'valid: generateName long (truncated to 58)', apply: (p) => { delete meta(p)['name']; meta(p)['generateName'] = long(200); } },
  { name: 'generateName 254 characters', apply: (p) => { delete meta(p)['name']; meta(p)['generateName'] = long(254); } },
  { name: 'generateName number', apply: (p) => { delete meta(p)['name']; meta(p)['generateName'] = 7; } },
  // metadata.namespace
  { name: 'namespace with dot', apply: setNamespace('team.a') },
  { name: 'namespace upper case', apply: setNamespace('Team-A') },
  { name: 'namespace 64 characters', apply: setNamespace(long(64)) },
  { name: 'namespace underscore', apply: setNamespace('team_a') },
  { name: 'namespace number', apply: setNamespace(5) },
  // metadata.labels / annotations
  { name: 'label key leading dash', apply: (p) => void (meta(p)['labels'] = { '-app': 'web' }) },
  { name: 'label key two slashes', apply: (p) => void (meta(p)['labels'] = { 'a/b/c': 'web' }) },
  { name: 'label key name 64', apply: (p) => void (meta(p)['labels'] = { [long(64, 'k')]: 'web' }) },
  { name: 'label key prefix upper case', apply: (p) => void (meta(p)['labels'] = { 'Example.com/app': 'web' }) },
  { name: 'label key empty name', apply: (p) => void (meta(p)['labels'] = { 'example.com/': 'web' }) },
  { name: 'label key empty', apply: (p) => void (meta(p)['labels'] = { '': 'web' }) },
  { name: 'label value 64', apply: (p) => void (meta(p)['labels'] = { app: long(64, 'v') }) },
  { name: 'label value with space', apply: (p) => void (meta(p)['labels'] = { app: 'web app' }) },
  { name: 'label value trailing dot', apply: (p) => void (meta(p)['labels'] = { app: 'web.' }) },
  { name: 'label value number', apply: (p) => void (meta(p)['labels'] = { app: 3 }) },
  { name: 'label value YAML 1.1 boolean', apply: (p) => void (meta(p)['labels'] = { app: '__RAW_YES__' }), raw: { __RAW_YES__: 'yes' } },
  { name: 'label value YAML 1.1 on', apply: (p) => void (meta(p)['labels'] = { app: '__RAW_ON__' }), raw: { __RAW_ON__: 'on' } },
  { name: 'labels as a list', apply: (p) => void (meta(p)['labels'] = ['app=web']) },
  { name: 'annotation key invalid', apply: (p) => void (meta(p)['annotations'] = { 'bad key': 'x' }) },
  { name: 'annotation value number', apply: (p) => void (meta(p)['annotations'] = { note: 1 }) },
  { name: 'annotations over 256 KiB', apply: (p) => void (meta(p)['annotations'] = { note: long(256 * 1024) }) },
  // spec.podSelector
  { name: 'podSelector label key invalid', apply: podSelectorLabels({ 'app name': 'web' }) },
  { name: 'podSelector label value invalid', apply: podSelectorLabels({ app: '-web' }) },
  { name: 'valid: podSelector label value null (decodes as "")', apply: podSelectorLabels({ app: null }) },
  { name: 'podSelector label value boolean', apply: podSelectorLabels({ app: true }) },
  { name: 'podSelector matchLabels list', apply: podSelectorLabels(['app']) },
  { name: 'podSelector list', apply: (p) => void (spec(p)['podSelector'] = ['app=web']) },
  { name: 'podSelector string', apply: (p) => void (spec(p)['podSelector'] = 'app=web') },
  { name: 'valid: podSelector null', apply: (p) => void (spec(p)['podSelector'] = null) },
  { name: 'valid: podSelector missing', apply: (p) => void delete spec(p)['podSelector'] },
  { name: 'operator lower case', apply: expression({ key: 'app', operator: 'in', values: ['web'] }) },
  { name: 'operator Equals', apply: expression({ key: 'app', operator: 'Equals', values: ['web'] }) },
  { name: 'operator missing', apply: expression({ key: 'app', values: ['web'] }) },
  { name: 'operator empty', apply: expression({ key: 'app', operator: '', values: ['web'] }) },
  { name: 'operator number', apply: expression({ key: 'app', operator: 1 }) },
  { name: 'In without values', apply: expression({ key: 'app', operator: 'In' }) },
  { name: 'NotIn with empty values', apply: expression({ key: 'app', operator: 'NotIn', values: [] }) },
  { name: 'Exists with values', apply: expression({ key: 'app', operator: 'Exists', values: ['web'] }) },
  { name: 'DoesNotExist with values', apply: expression({ key: 'app', operator: 'DoesNotExist', values: ['a', 'b'] }) },
  { name: 'expression key missing', apply: expression({ operator: 'Exists' }) },
  { name: 'expression key invalid', apply: expression({ key: 'a b', operator: 'Exists' }) },
  { name: 'expression key too long', apply: expression({ key: long(64), operator: 'Exists' }) },
  { name: 'expression value invalid', apply: expression({ key: 'app', operator: 'In', values: ['ok', 'not ok'] }) },
  { name: 'expression values string', apply: expression({ key: 'app', operator: 'In', values: 'web' }) },
  { name: 'expression value number', apply: expression({ key: 'app', operator: 'In', values: [1] }) },
  { name: 'expression string', apply: expression('app in (web)') },
  { name: 'expression null (zero value: empty key and operator)', apply: expression(null) },
  { name: 'expression unknown field', apply: expression({ key: 'app', operator: 'Exists', value: 'x' }) },
  { name: 'peer podSelector bad operator', apply: peerExpression({ key: 'app', operator: 'Contains', values: ['a'] }, 'podSelector') },
  { name: 'peer namespaceSelector In without values', apply: peerExpression({ key: 'team', operator: 'In' }, 'namespaceSelector') },
  { name: 'peer namespaceSelector bad label value', apply: (p) => appendPeer(p, { namespaceSelector: { matchLabels: { team: 'a b' } } }) },
  // ports
  { name: 'port 0', apply: withPort({ port: 0 }) },
  { name: 'port 65536', apply: withPort({ port: 65536 }) },
  { name: 'port negative', apply: withPort({ port: -1 }) },
  { name: 'port beyond int32', apply: withPort({ port: 2147483648 }) },
  { name: 'port fraction', apply: withPort({ port: 80.5 }) },
  { name: 'port boolean', apply: withPort({ port: true }) },
  { name: 'port list', apply: withPort({ port: [80] }) },
  { name: 'port name upper case', apply: withPort({ port: 'HTTP' }) },
  { name: 'port name underscore', apply: withPort({ port: 'http_alt' }) },
  { name: 'port name 16 characters', apply: withPort({ port: long(16, 'p') }) },
  { name: 'port name digits only', apply: withPort({ port: '8080' }) },
  { name: 'port name double dash', apply: withPort({ port: 'a--b' }) },
  { name: 'port name leading dash', apply: withPort({ port: '-http' }) },
  { name: 'port name empty', apply: withPort({ port: '' }) },
  { name: 'valid: port YAML hex', apply: withPort({ port: '__RAW_HEX__' }), raw: { __RAW_HEX__: '0x1F' } },
  { name: 'valid: port YAML 1.1 octal', apply: withPort({ port: '__RAW_OCT__' }), raw: { __RAW_OCT__: '0755' } },
  { name: 'port YAML 1.1 sexagesimal', apply: withPort({ port: '__RAW_SEX__' }), raw: { __RAW_SEX__: '1:20' } },
  { name: 'endPort below port', apply: withPort({ port: 9000, endPort: 8000 }) },
  { name: 'endPort 65536', apply: withPort({ port: 80, endPort: 65536 }) },
  { name: 'endPort 0 with port 0', apply: withPort({ port: 0, endPort: 0 }) },
  { name: 'endPort negative', apply: withPort({ port: 80, endPort: -5 }) },
  { name: 'endPort with named port', apply: withPort({ port: 'http', endPort: 8080 }) },
  { name: 'endPort without port', apply: withPort({ endPort: 8080 }) },
  { name: 'endPort string', apply: withPort({ port: 80, endPort: '90' }) },
  { name: 'endPort fraction', apply: withPort({ port: 80, endPort: 90.5 }) },
  { name: 'endPort beyond int32', apply: withPort({ port: 80, endPort: 4294967296 }) },
  { name: 'valid: endPort equal to port', apply: withPort({ port: 8080, endPort: 8080 }) },
  { name: 'protocol lower case', apply: withPort({ protocol: 'tcp', port: 80 }) },
  { name: 'protocol ICMP', apply: withPort({ protocol: 'ICMP' }) },
  { name: 'protocol empty', apply: withPort({ protocol: '', port: 80 }) },
  { name: 'protocol number', apply: withPort({ protocol: 6 }) },
  { name: 'valid: protocol null', apply: withPort({ protocol: null, port: 53 }) },
  { name: 'egress protocol Udp', apply: withPort({ protocol: 'Udp', port: 53 }, 'egress') },
  { name: 'egress port 70000', apply: withPort({ port: 70000 }, 'egress') },
  { name: 'ports not a list', apply: (p) => void (ingressRule(p)['ports'] = { port: 80 }) },
  { name: 'port item string', apply: (p) => void (ingressRule(p)['ports'] = ['80']) },
  { name: 'valid: port item null', apply: (p) => void (ingressRule(p)['ports'] = [null]) },
  { name: 'port unknown field', apply: withPort({ port: 80, targetPort: 8080 }) },
  { name: 'port field wrong case', apply: withPort({ Port: 80 }) },
  // ipBlock
  { name: 'cidr prefix 33', apply: (p) => ipBlockPeer(p, { cidr: '10.0.0.0/33' }) },
  { name: 'cidr without prefix', apply: (p) => ipBlockPeer(p, { cidr: '10.0.0.1' }) },
  { name: 'cidr octet 300', apply: (p) => ipBlockPeer(p, { cidr: '300.0.0.0/8' }) },
  { name: 'cidr empty', apply: (p) => ipBlockPeer(p, { cidr: '' }) },
  { name: 'cidr missing', apply: (p) => ipBlockPeer(p, {}) },
  { name: 'cidr null', apply: (p) => ipBlockPeer(p, { cidr: null }) },
  { name: 'cidr number', apply: (p) => ipBlockPeer(p, { cidr: 10 }) },
  { name: 'cidr IPv6 prefix 129', apply: (p) => ipBlockPeer(p, { cidr: '2001:db8::/129' }) },
  { name: 'cidr IPv6 garbage', apply: (p) => ipBlockPeer(p, { cidr: '2001:db8:::/64' }) },
  { name: 'cidr with spaces', apply: (p) => ipBlockPeer(p, { cidr: ' 10.0.0.0/8' }) },
  { name: 'cidr hostname', apply: (p) => ipBlockPeer(p, { cidr: 'example.com/8' }) },
  { name: 'valid: cidr IPv4-mapped IPv6', apply: (p) => ipBlockPeer(p, { cidr: '::ffff:10.0.0.0/104' }) },
  { name: 'valid: cidr with zone-less IPv6 full form', apply: (p) => ipBlockPeer(p, { cidr: '2001:0db8:0000:0000:0000:0000:0000:0000/32' }) },
  { name: 'except outside cidr', apply: (p) => ipBlockPeer(p, { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] }) },
  { name: 'except equal to cidr', apply: (p) => ipBlockPeer(p, { cidr: '10.0.0.0/16', except: ['10.0.0.0/16'] }) },
  { name: 'except wider than cidr', apply: (p) => ipBlockPeer(p, { cidr: '10.0.0.0/16', except: ['10.0.0.0/8'] }) },
  { name: 'except invalid', apply: (p) => ipBlockPeer(p, { cidr: '10.0.0.0/8', except: ['10.1.0.0/40'] }) },
  { name: 'except address only', apply: (p) => ipBlockPeer(p, { cidr: '10.0.0.0/8', except: ['10.1.1.1'] }) },
  { name: 'except empty string', apply: (p) => ipBlockPeer(p, { cidr: '10.0.0.0/8', except: [''] }) },
  { name: 'except null item', apply: (p) => ipBlockPeer(p, { cidr: '10.0.0.0/8', except: [null] }) },
  { name: 'except other family', apply: (p) => ipBlockPeer(p, { cidr: '10.0.0.0/8', except: ['2001:db8::/64'] }) },
  { name: 'except IPv6 outside', apply: (p) => ipBlockPeer(p, { cidr: '2001:db8::/32', except: ['2001:db9::/48'] }) },
  { name: 'except second of two bad', apply: (p) => ipBlockPeer(p, { cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '11.0.0.0/16'] }) },
  { name: 'except string', apply: (p) => ipBlockPeer(p, { cidr: '10.0.0.0/8', except: '10.1.0.0/16' }) },
  { name: 'except number item', apply: (p) => ipBlockPeer(p, { cidr: '10.0.0.0/8', except: [10] }) },
  { name: 'valid: except with host bits inside', apply: (p) => ipBlockPeer(p, { cidr: '10.0.0.0/8', except: ['10.1.2.3/16'] }) },
  { name: 'ipBlock unknown field', apply: (p) => ipBlockPeer(p, { cidr: '10.0.0.0/8', exclude: ['10.1.0.0/16'] }) },
  { name: 'ipBlock string', apply: (p) => ipBlockPeer(p, '10.0.0.0/8') },
  { name: 'egress cidr invalid', apply: (p) => ipBlockPeer(p, { cidr: '1.2.3.4/' }, 'egress') },
  // peers
  { name: 'peer empty', apply: (p) => appendPeer(p, {}) },
  { name: 'peer null', apply: (p) => appendPeer(p, null) },
  { name: 'peer ipBlock and podSelector', apply: (p) => appendPeer(p, { ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }) },
  { name: 'peer ipBlock and namespaceSelector', apply: (p) => appendPeer(p, { ipBlock: { cidr: '10.0.0.0/8' }, namespaceSelector: {} }) },
  { name: 'peer all three', apply: (p) => appendPeer(p, { ipBlock: { cidr: '10.0.0.0/8' }, namespaceSelector: {}, podSelector: {} }) },
  { name: 'peer podSelector null', apply: (p) => appendPeer(p, { podSelector: null }) },
  { name: 'egress peer empty', apply: (p) => appendPeer(p, {}, 'egress') },
  { name: 'peer string', apply: (p) => appendPeer(p, 'app=web') },
  { name: 'peer unknown field', apply: (p) => appendPeer(p, { serviceAccount: 'x' }) },
  { name: 'peer selector wrong case', apply: (p) => appendPeer(p, { podselector: {} }) },
  { name: 'from not a list', apply: (p) => void (ingressRule(p)['from'] = { podSelector: {} }) },
  { name: 'egress uses from', apply: (p) => void (egressRule(p)['from'] = [{ podSelector: {} }]) },
  { name: 'ingress uses to', apply: (p) => void (ingressRule(p)['to'] = [{ podSelector: {} }]) },
  // rules and policyTypes
  { name: 'valid: ingress rule null', apply: (p) => void (spec(p)['ingress'] = [null]) },
  { name: 'valid: ingress rule empty', apply: (p) => void (spec(p)['ingress'] = [{}]) },
  { name: 'ingress not a list', apply: (p) => void (spec(p)['ingress'] = { from: [] }) },
  { name: 'ingress rule string', apply: (p) => void (spec(p)['ingress'] = ['allow']) },
  { name: 'ingress rule unknown field', apply: (p) => void (ingressRule(p)['action'] = 'allow') },
  { name: 'egress not a list', apply: (p) => void (spec(p)['egress'] = 'all') },
  { name: 'policyTypes lower case', apply: (p) => void (spec(p)['policyTypes'] = ['ingress']) },
  { name: 'policyTypes unknown', apply: (p) => void (spec(p)['policyTypes'] = ['Ingress', 'Both']) },
  { name: 'policyTypes three', apply: (p) => void (spec(p)['policyTypes'] = ['Ingress', 'Egress', 'Ingress']) },
  { name: 'policyTypes three bad', apply: (p) => void (spec(p)['policyTypes'] = ['a', 'b', 'c']) },
  { name: 'valid: policyTypes duplicate pair', apply: (p) => void (spec(p)['policyTypes'] = ['Egress', 'Egress']) },
  { name: 'policyTypes empty string', apply: (p) => void (spec(p)['policyTypes'] = ['']) },
  { name: 'policyTypes null item', apply: (p) => void (spec(p)['policyTypes'] = [null]) },
  { name: 'policyTypes string', apply: (p) => void (spec(p)['policyTypes'] = 'Ingress') },
  { name: 'policyTypes number', apply: (p) => void (spec(p)['policyTypes'] = [1]) },
  { name: 'valid: policyTypes empty list', apply: (p) => void (spec(p)['policyTypes'] = []) },
  // plain YAML scalars as kubectl and kube-apiserver read them (go-yaml v2, YAML 1.1)
  ...rawScalarMutations('port', ['1e3', '8_080', '+80', '0b1010', '80.0', '~', 'null', '0o17', '0x_1F', '.inf', '1:30', '0x10000', '-0', '00080', '80.', '9_99_99']),
  ...rawScalarMutations('label value', ['Yes', 'NO', 'off', 'y', 'n', '~', '1.0', '2001-01-01', '0x10', '.NaN', 'True', '012']),
  ...rawScalarMutations('name', ['true', '~', '1e3', '0755', '2001-01-01']),
  ...rawJsonMutations(['1e3', '80.0', '-0', '1E2', '8080.000', '0.8e2', '1e400', '-1e-7']),
  { name: 'JSON duplicate key name', apply: (p) => void (meta(p)['__RAW_DUP__'] = 'other'), raw: { '"__RAW_DUP__"': '"name"' }, json: true, eitherWay: true, clientDependent: true },
  { name: 'JSON duplicate key in a port', apply: withPort({ port: 80, __RAW_DUP__: 81 }), raw: { '"__RAW_DUP__"': '"port"' }, json: true, eitherWay: true, clientDependent: true },
  { name: 'duplicate key name', apply: (p) => void (meta(p)['__RAW_DUP__'] = 'other'), raw: { __RAW_DUP__: 'name' } },
  { name: 'duplicate key podSelector', apply: (p) => void (spec(p)['__RAW_DUP__'] = {}), raw: { __RAW_DUP__: 'podSelector' } },
  { name: 'duplicate label key', apply: (p) => void (meta(p)['labels'] = { app: 'a', __RAW_DUP__: 'b' }), raw: { __RAW_DUP__: 'app' } },
  // more edges
  { name: 'label key prefix 254', apply: (p) => void (meta(p)['labels'] = { [`${long(250, 'd')}.com/x`]: 'v' }) },
  { name: 'label value non-ASCII', apply: (p) => void (meta(p)['labels'] = { app: 'café' }) },
  { name: 'valid: annotation key upper case', apply: (p) => void (meta(p)['annotations'] = { 'Example.com/Note': 'x' }) },
  { name: 'generateName invalid with name set', apply: (p) => void (meta(p)['generateName'] = 'Bad_') },
  { name: 'valid: resourceVersion set (cleared on create)', apply: (p) => void (meta(p)['resourceVersion'] = '123') },
  { name: 'valid: uid set', apply: (p) => void (meta(p)['uid'] = 'abc') },
  { name: 'finalizer invalid', apply: (p) => void (meta(p)['finalizers'] = ['bad finalizer']) },
  { name: 'valid: finalizer qualified', apply: (p) => void (meta(p)['finalizers'] = ['example.com/cleanup']) },
  { name: 'ownerReference without uid', apply: (p) => void (meta(p)['ownerReferences'] = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'c' }]) },
  { name: 'ownerReference empty', apply: (p) => void (meta(p)['ownerReferences'] = [{}]) },
  { name: 'valid: ownerReference', apply: (p) => void (meta(p)['ownerReferences'] = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'c', uid: 'u-1' }]) },
  { name: 'ownerReference apiVersion group only', apply: (p) => void (meta(p)['ownerReferences'] = [{ apiVersion: 'apps/', kind: 'Deployment', name: 'd', uid: 'u' }]) },
  { name: 'ownerReference apiVersion two slashes', apply: (p) => void (meta(p)['ownerReferences'] = [{ apiVersion: 'a/b/c', kind: 'Deployment', name: 'd', uid: 'u' }]) },
  { name: 'ownerReference Event', apply: (p) => void (meta(p)['ownerReferences'] = [{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u' }]) },
  { name: 'ownerReferences two controllers', apply: (p) => void (meta(p)['ownerReferences'] = [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'a', uid: 'u1', controller: true }, { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'b', uid: 'u2', controller: true }]) },
  { name: 'valid: finalizer kubernetes', apply: (p) => void (meta(p)['finalizers'] = ['kubernetes']) },
  { name: 'finalizers orphan and foregroundDeletion', apply: (p) => void (meta(p)['finalizers'] = ['orphan', 'foregroundDeletion']) },
  { name: 'finalizer empty name part', apply: (p) => void (meta(p)['finalizers'] = ['example.com/']) },
  { name: 'finalizer null', apply: (p) => void (meta(p)['finalizers'] = [null]) },
  { name: 'finalizer upper-case prefix', apply: (p) => void (meta(p)['finalizers'] = ['Example.com/x']) },
  { name: 'finalizer plain word', apply: (p) => void (meta(p)['finalizers'] = ['cleanup']) },
  { name: 'finalizers string', apply: (p) => void (meta(p)['finalizers'] = 'cleanup') },
  { name: 'valid: managedFields garbage (reset on create)', apply: (p) => void (meta(p)['managedFields'] = [{ manager: 'm', operation: 'Nope' }]) },
  // metav1.Time decodes with time.Parse(RFC3339): kube-apiserver answers 400 `parsing time "yesterday"
  // as "2006-01-02T15:04:05Z07:00"`; our schema has no date-time check for metadata timestamps yet.
  { name: 'creationTimestamp string', apply: (p) => void (meta(p)['creationTimestamp'] = 'yesterday'), knownGap: true },
  { name: 'valid: creationTimestamp RFC 3339', apply: (p) => void (meta(p)['creationTimestamp'] = '2024-01-01T00:00:00Z') },
  { name: 'valid: cidr prefix leading zero', apply: (p) => ipBlockPeer(p, { cidr: '10.0.0.0/08' }) },
  { name: 'cidr three octets', apply: (p) => ipBlockPeer(p, { cidr: '10.0.0/8' }) },
  { name: 'cidr negative prefix', apply: (p) => ipBlockPeer(p, { cidr: '10.0.0.0/-1' }) },
  { name: 'cidr two slashes', apply: (p) => ipBlockPeer(p, { cidr: '10.0.0.0/8/8' }) },
  { name: 'cidr trailing space', apply: (p) => ipBlockPeer(p, { cidr: '10.0.0.0/8 ' }) },
  { name: 'valid: cidr IPv6 upper case', apply: (p) => ipBlockPeer(p, { cidr: '2001:DB8::/32' }) },
  { name: 'cidr IPv6 zone', apply: (p) => ipBlockPeer(p, { cidr: 'fe80::1%eth0/64' }) },
  { name: 'port name trailing dash', apply: withPort({ port: 'http-' }) },
  { name: 'valid: ingress rules with policyTypes Egress only', apply: (p) => { spec(p)['policyTypes'] = ['Egress']; spec(p)['ingress'] = [{ ports: [{ port: 80 }] }]; } },
  { name: 'valid: apiVersion missing (the request URL decides)', apply: (p) => void delete p['apiVersion'] },
  // whole-object shapes and unknown fields
  { name: 'spec unknown field', apply: (p) => void (spec(p)['ingres'] = []) },
  { name: 'spec field wrong case', apply: (p) => void (spec(p)['PodSelector'] = {}) },
  { name: 'root unknown field', apply: (p) => void (p['status'] = {}) },
  { name: 'root unknown field 2', apply: (p) => void (p['extra'] = 1) },
  { name: 'metadata unknown field', apply: (p) => void (meta(p)['label'] = { app: 'web' }) },
  { name: 'selector unknown field', apply: (p) => void (spec(p)['podSelector'] = { matchLabel: { app: 'web' } }) },
  { name: 'two unknown fields', apply: (p) => { spec(p)['foo'] = 1; meta(p)['bar'] = 2; } },
  { name: 'spec list', apply: (p) => void (p['spec'] = [{ podSelector: {} }]) },
  { name: 'spec string', apply: (p) => void (p['spec'] = 'deny-all') },
  { name: 'valid: spec null', apply: (p) => void (p['spec'] = null) },
  { name: 'valid: spec missing', apply: (p) => void delete p['spec'] },
  { name: 'metadata list', apply: (p) => void (p['metadata'] = [{ name: 'x' }]) },
  { name: 'metadata string', apply: (p) => void (p['metadata'] = 'x') },
];

/** Pairs of independent validation errors, each with a known API cause. */
const COMBINABLE = [
  'name upper case',
  'label value with space',
  'podSelector label value invalid',
  'In without values',
  'port 0',
  'endPort below port',
  'protocol lower case',
  'except outside cidr',
  'peer empty',
  'policyTypes lower case',
  'cidr prefix 33',
  'port name upper case',
];

export interface ParityCase {
  readonly id: number;
  readonly description: string;
  /** the manifest, as sent to the API server and to the validator */
  readonly text: string;
  readonly contentType: 'application/json' | 'application/yaml';
  /** the namespace in the request URL: the policy's own, else default */
  readonly namespace: string;
  readonly expectValid: boolean | undefined;
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function render(policy: Obj, rng: Rng, raw: Readonly<Record<string, string>> | undefined, json = false): { text: string; contentType: ParityCase['contentType'] } {
  if (json || (!raw && chance(rng, 0.35))) {
    let text = `${JSON.stringify(policy, null, 2)}\n`;
    for (const [placeholder, plain] of Object.entries(raw ?? {})) text = text.split(placeholder).join(plain);
    return { text, contentType: 'application/json' };
  }
  // YAML 1.1 quoting, so that a string such as "yes" or "0755" stays a string for go-yaml v2
  let text = stringify(policy, { version: '1.1', lineWidth: 0 });
  for (const [placeholder, plain] of Object.entries(raw ?? {})) text = text.split(placeholder).join(plain);
  return { text, contentType: 'application/yaml' };
}

function requestNamespace(policy: Obj): string {
  const m = policy['metadata'];
  const ns = m !== null && typeof m === 'object' && !Array.isArray(m) ? (m as Obj)['namespace'] : undefined;
  return typeof ns === 'string' && ns.length > 0 ? ns : 'default';
}

/**
 * The cases: `valid` valid policies, then every mutation `rounds` times on random valid bases, then
 * pairs. Client-dependent mutations and known gaps (see Mutation) only with `extra`.
 */
export function generateCases(seed: number, valid: number, rounds: number, pairs: number, extra = false): ParityCase[] {
  const rng = seededRandom(seed);
  const cases: ParityCase[] = [];
  const push = (policy: Obj, description: string, raw: Readonly<Record<string, string>> | undefined, expectValid: boolean | undefined, json = false): void => {
    const { text, contentType } = render(policy, rng, raw, json);
    cases.push({ id: cases.length, description, text, contentType, namespace: requestNamespace(policy), expectValid });
  };
  for (let i = 0; i < valid; i++) push(validPolicy(rng, cases.length), 'valid policy', undefined, true);
  for (let round = 0; round < rounds; round++) {
    for (const mutation of MUTATIONS) {
      if ((mutation.clientDependent || mutation.knownGap) && !extra) continue;
      const policy = clone(validPolicy(rng, cases.length));
      mutation.apply(policy, rng);
      push(policy, mutation.name, mutation.raw, mutation.eitherWay ? undefined : mutation.name.startsWith('valid:'), mutation.json);
    }
  }
  const combinable = MUTATIONS.filter((m) => COMBINABLE.includes(m.name));
  for (let i = 0; i < pairs; i++) {
    const a = pick(rng, combinable);
    let b = pick(rng, combinable);
    while (b === a) b = pick(rng, combinable);
    const policy = clone(validPolicy(rng, cases.length));
    a.apply(policy, rng);
    b.apply(policy, rng);
    push(policy, `${a.name} + ${b.name}`, undefined, false);
  }
  return cases;
}
