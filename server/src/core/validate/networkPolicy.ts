import type { PathSegment } from '../parse/manifest';
import { ipNetContains, parseCIDRSloppy } from './cidr';
import { apiValue, formatFieldPath, type ValidationIssue } from './issue';
import {
  TOTAL_ANNOTATION_SIZE_LIMIT_BYTES,
  byteLength,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
} from './k8sNames';

/**
 * The checks kube-apiserver makes in code, beyond the schema: a mirror of
 * kubernetes/kubernetes pkg/apis/networking/validation/validation.go (ValidateNetworkPolicy at
 * v1.34.2) and the apimachinery validators it calls. Values of the wrong type are skipped here:
 * the schema check reports them. `null` means "not set", as in the API's JSON decoder.
 */

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
function asObj(v: unknown): Obj | undefined {
  return isObj(v) ? v : undefined;
}
/** A list item that is null decodes to the zero value of its struct. */
function asItemObj(v: unknown): Obj | undefined {
  return v === null ? {} : asObj(v);
}
function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}
/** A value the API decodes into an int32; anything else is a type error the schema reports. */
function asInt32(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 ? v : undefined;
}

class Issues {
  readonly list: ValidationIssue[] = [];

  private add(rule: ValidationIssue['rule'], path: readonly PathSegment[], at: readonly PathSegment[], target: 'key' | 'value', apiMessage: string, message: string): void {
    this.list.push({ rule, fieldPath: formatFieldPath(path), at, target, apiMessage, message });
  }

  invalid(path: readonly PathSegment[], value: unknown, detail: string, message: string, at: readonly PathSegment[] = path, target: 'key' | 'value' = 'value'): void {
    this.add('invalid', path, at, target, `${formatFieldPath(path)}: Invalid value: ${apiValue(value)}: ${detail}`, message);
  }

  required(path: readonly PathSegment[], detail: string, message: string, at: readonly PathSegment[] = path, target: 'key' | 'value' = 'value'): void {
    const tail = detail ? `: ${detail}` : '';
    this.add('required', path, at, target, `${formatFieldPath(path)}: Required value${tail}`, message);
  }

  forbidden(path: readonly PathSegment[], detail: string, message: string, at: readonly PathSegment[] = path, target: 'key' | 'value' = 'value'): void {
    this.add('forbidden', path, at, target, `${formatFieldPath(path)}: Forbidden: ${detail}`, message);
  }

  notSupported(path: readonly PathSegment[], value: unknown, supported: readonly string[], message: string): void {
    const list = supported.map((s) => JSON.stringify(s)).join(', ');
    this.add('notSupported', path, path, 'value', `${formatFieldPath(path)}: Unsupported value: ${apiValue(value)}: supported values: ${list}`, message);
  }

  tooLong(path: readonly PathSegment[], limit: number, message: string): void {
    this.add('tooLong', path, path, 'key', `${formatFieldPath(path)}: Too long: may not be more than ${limit} bytes`, message);
  }
}

const SUPPORTED_PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
const SUPPORTED_POLICY_TYPES = ['Ingress', 'Egress'] as const;
const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

// apimachinery pkg/api/validation NameIsDNSSubdomain(name, prefix) with maskTrailingDash, quirk
// included: `name[:len(name)-2] + "a"` drops the dash AND the character before it, and a lone "-"
// is not masked. So "ab_-" passes as a prefix while "-" does not.
function nameIsDNSSubdomain(name: string, prefix: boolean): string[] {
  const value = prefix && name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
  return isDNS1123Subdomain(value);
}

// apiserver pkg/storage/names SimpleNameGenerator: base[:MaxGeneratedNameLength] + 5 random
// characters from [bcdfghjklmnpqrstvwxz2456789]; every such suffix validates alike, so a fixed one
// stands in for it.
const MAX_GENERATED_NAME_LENGTH = 58;
function generatedName(generateName: string): string {
  return `${generateName.slice(0, MAX_GENERATED_NAME_LENGTH)}xxxxx`;
}

function validateObjectMeta(meta: Obj | undefined, out: Issues): void {
  const path: PathSegment[] = ['metadata'];
  const m = meta ?? {};
  const generateName = asString(m['generateName']) ?? '';
  if (generateName.length > 0) {
    for (const msg of nameIsDNSSubdomain(generateName, true)) {
      out.invalid([...path, 'generateName'], generateName, msg, `metadata.generateName "${generateName}" is not a valid name prefix: ${msg}.`);
    }
  }
  const rawName = m['name'];
  const name = asString(rawName) ?? '';
  const mistyped = (v: unknown): boolean => isSet(v) && typeof v !== 'string';
  if (mistyped(rawName) || mistyped(m['generateName'])) {
    // a type error: the schema check reports it, and the API server stops there
  } else if (name.length === 0) {
    if (generateName.length === 0) {
      out.required([...path, 'name'], 'name or generateName is required', 'metadata.name is required: give the NetworkPolicy a name such as "default-deny-ingress".', isSet(rawName) ? [...path, 'name'] : meta ? path : [], isSet(rawName) ? 'value' : 'key');
    } else {
      // apiserver registry/generic/registry Store.Create sets the name from generateName before
      // ValidateObjectMeta runs, so the generated name is validated too.
      const generated = generatedName(generateName);
      for (const msg of nameIsDNSSubdomain(generated, false)) {
        out.invalid([...path, 'name'], generated, msg, `The name generated from metadata.generateName "${generateName}" (it plus 5 random characters, e.g. "${generated}") is not a valid name: use lower-case letters, digits, '-' and '.', starting with a letter or digit.`, [...path, 'generateName']);
      }
    }
  } else {
    for (const msg of nameIsDNSSubdomain(name, false)) {
      out.invalid([...path, 'name'], name, msg, `metadata.name "${name}" is not a valid name: use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (at most 253), e.g. "${suggestDnsName(name)}".`);
    }
  }
  const namespace = asString(m['namespace']) ?? '';
  if (namespace.length > 0) {
    for (const msg of isDNS1123Label(namespace)) {
      out.invalid([...path, 'namespace'], namespace, msg, `metadata.namespace "${namespace}" is not a valid namespace name: use lower-case letters, digits and '-' (at most 63, no dots), e.g. "${suggestDnsName(namespace).replace(/\./g, '-').slice(0, 63)}".`);
    }
  }
  validateLabels(asObj(m['labels']), [...path, 'labels'], out);
  const annotations = asObj(m['annotations']);
  if (annotations) {
    let total = 0;
    for (const [key, value] of Object.entries(annotations)) {
      for (const msg of isQualifiedName(key.toLowerCase())) {
        out.invalid([...path, 'annotations'], key, msg, `Annotation key "${key}" is invalid: ${msg}.`, [...path, 'annotations', key], 'key');
      }
      total += byteLength(key) + (typeof value === 'string' ? byteLength(value) : 0);
    }
    if (total > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) {
      out.tooLong([...path, 'annotations'], TOTAL_ANNOTATION_SIZE_LIMIT_BYTES, `The annotations add up to ${total} bytes; the API server allows at most ${TOTAL_ANNOTATION_SIZE_LIMIT_BYTES}.`);
    }
  }
  // generation and managedFields are not checked: the create strategy resets both before validation
  validateOwnerReferences(asArray(m['ownerReferences']), [...path, 'ownerReferences'], out);
  validateFinalizers(asArray(m['finalizers']), [...path, 'finalizers'], out);
}

// apimachinery pkg/runtime/schema ParseGroupVersion, as FromAPIVersionAndKind uses it: the version
// of "", "/", "group/" and of anything with two slashes is empty.
function apiVersionHasVersion(apiVersion: string): boolean {
  if (apiVersion === '' || apiVersion === '/') return false;
  const slashes = apiVersion.split('/').length - 1;
  if (slashes === 0) return true;
  return slashes === 1 && !apiVersion.endsWith('/');
}

// apimachinery pkg/api/validation ValidateOwnerReferences: the path names the list, not the item.
function validateOwnerReferences(refs: readonly unknown[], path: readonly PathSegment[], out: Issues): void {
  let firstController = '';
  refs.forEach((raw, i) => {
    const ref = asItemObj(raw);
    if (!ref) return;
    const at = (key: string): PathSegment[] => [...path, i, key];
    // a value of the wrong type is the schema's to report (the API server stops at decoding)
    const mistyped = ['apiVersion', 'kind', 'name', 'uid'].some((key) => isSet(ref[key]) && typeof ref[key] !== 'string');
    if (mistyped) return;
    const apiVersion = asString(ref['apiVersion']) ?? '';
    const kind = asString(ref['kind']) ?? '';
    const name = asString(ref['name']) ?? '';
    const uid = asString(ref['uid']) ?? '';
    if (!apiVersionHasVersion(apiVersion)) {
      out.invalid([...path, 'apiVersion'], apiVersion, 'version must not be empty', `ownerReferences[${i}].apiVersion needs a version, e.g. apps/v1.`, at('apiVersion'));
    }
    if (kind === '') out.invalid([...path, 'kind'], kind, 'must not be empty', `ownerReferences[${i}] needs a kind, e.g. Deployment.`, at('kind'));
    if (name === '') out.invalid([...path, 'name'], name, 'must not be empty', `ownerReferences[${i}] needs the owner's name.`, at('name'));
    if (uid === '') out.invalid([...path, 'uid'], uid, 'must not be empty', `ownerReferences[${i}] needs the owner's uid: owner references point at a live object, so write them only from a cluster.`, at('uid'));
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    if (group === '' && apiVersion === 'v1' && kind === 'Event') {
      out.invalid(path, ref, '/v1, Kind=Event is disallowed from being an owner', 'An Event cannot own objects.', [...path, i]);
    }
    if (ref['controller'] === true) {
      const current = `${kind}/${name}`;
      if (firstController !== '') {
        out.invalid(path, refs, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`, `Only one owner reference can be the controller; ${firstController} already is.`, [...path, i, 'controller']);
      } else {
        firstController = current;
      }
    }
  });
}

// pkg/apis/core/helper standardFinalizers: the finalizer names that need no domain
const STANDARD_FINALIZERS: readonly string[] = ['kubernetes', 'orphan', 'foregroundDeletion'];

// apimachinery pkg/api/validation ValidateFinalizers (on the list), then kubernetes
// pkg/apis/core/validation validateKubeFinalizerName (on each item).
function validateFinalizers(finalizers: readonly unknown[], path: readonly PathSegment[], out: Issues): void {
  const names = finalizers.map((raw) => (raw === null ? '' : raw));
  names.forEach((name, i) => {
    if (typeof name !== 'string') return;
    for (const msg of isQualifiedName(name)) {
      out.invalid(path, name, msg, `Finalizer "${name}" is invalid: ${msg}.`, [...path, i]);
    }
  });
  if (names.includes('orphan') && names.includes('foregroundDeletion')) {
    out.invalid(path, names, 'finalizer orphan and foregroundDeletion cannot be both set', 'The finalizers orphan and foregroundDeletion exclude each other: keep one.');
  }
  names.forEach((name, i) => {
    if (typeof name !== 'string') return;
    if (!name.includes('/') && !STANDARD_FINALIZERS.includes(name)) {
      out.invalid([...path, i], name, 'name is neither a standard finalizer name nor is it fully qualified', `Finalizer "${name}" needs a domain prefix, e.g. "example.com/${name || 'cleanup'}" (only kubernetes, orphan and foregroundDeletion go without).`);
    }
  });
}

function suggestDnsName(value: string): string {
  const cleaned = value
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return cleaned.length > 0 ? cleaned.slice(0, 253) : 'my-policy';
}

// apimachinery pkg/apis/meta/v1/validation ValidateLabels: the API names only the map, not the key.
function validateLabels(labels: Obj | undefined, path: readonly PathSegment[], out: Issues): void {
  if (!labels) return;
  for (const [key, value] of Object.entries(labels)) {
    for (const msg of isQualifiedName(key)) {
      out.invalid(path, key, msg, `Label key "${key}" is invalid: ${msg}. A key is an optional DNS prefix and '/', then a name of up to 63 letters, digits, '-', '_' or '.', e.g. "app.kubernetes.io/name".`, [...path, key], 'key');
    }
    if (typeof value !== 'string') continue;
    for (const msg of isValidLabelValue(value)) {
      out.invalid(path, value, msg, `Label value "${value}" for "${key}" is invalid: ${msg}.`, [...path, key], 'value');
    }
  }
}

// apimachinery pkg/apis/meta/v1/validation ValidateLabelSelector (AllowInvalidLabelValueInSelector: false on create)
function validateLabelSelector(selector: Obj, path: readonly PathSegment[], out: Issues): void {
  validateLabels(asObj(selector['matchLabels']), [...path, 'matchLabels'], out);
  asArray(selector['matchExpressions']).forEach((raw, i) => {
    const expr = asItemObj(raw);
    if (!expr) return;
    const exprPath = [...path, 'matchExpressions', i];
    const rawOperator = expr['operator'];
    const operator = asString(rawOperator) ?? '';
    const rawValues = expr['values'];
    // values of the wrong type are the schema's to report (the API server stops at decoding)
    const valuesTyped = !isSet(rawValues) || Array.isArray(rawValues);
    const values = Array.isArray(rawValues) ? (rawValues as unknown[]) : [];
    switch (isSet(rawOperator) && typeof rawOperator !== 'string' ? undefined : operator) {
      case undefined:
        break;
      case 'In':
      case 'NotIn':
        if (values.length === 0 && valuesTyped) {
          out.required([...exprPath, 'values'], "must be specified when `operator` is 'In' or 'NotIn'", `Operator ${operator} needs at least one value: add values: ["..."], or use Exists to match any value.`, isSet(expr['values']) ? [...exprPath, 'values'] : [...exprPath, 'operator']);
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) {
          out.forbidden([...exprPath, 'values'], "may not be specified when `operator` is 'Exists' or 'DoesNotExist'", `Operator ${operator} takes no values: remove values, or use ${operator === 'Exists' ? 'In' : 'NotIn'} to match specific values.`, [...exprPath, 'values'], 'key');
        }
        break;
      default: {
        const near = SELECTOR_OPERATORS.find((op) => op.toLowerCase() === operator.toLowerCase());
        out.invalid([...exprPath, 'operator'], operator, 'not a valid selector operator', `"${operator}" is not a selector operator: use In, NotIn, Exists or DoesNotExist (case-sensitive)${near ? `, here "${near}"` : ''}.`, isSet(expr['operator']) ? [...exprPath, 'operator'] : exprPath);
      }
    }
    const rawKey = expr['key'];
    const key = asString(rawKey) ?? '';
    const keyMsgs = isSet(rawKey) && typeof rawKey !== 'string' ? [] : isQualifiedName(key);
    for (const msg of keyMsgs) {
      out.invalid([...exprPath, 'key'], key, msg, key === '' ? 'A match expression needs a key: the label name to test, e.g. key: app.' : `Label key "${key}" is invalid: ${msg}.`, isSet(rawKey) ? [...exprPath, 'key'] : exprPath);
    }
    values.forEach((v, j) => {
      if (typeof v !== 'string') return;
      for (const msg of isValidLabelValue(v)) {
        out.invalid([...exprPath, 'values', j], v, msg, `Label value "${v}" is invalid: ${msg}.`);
      }
    });
  });
}

function validatePort(port: Obj, path: readonly PathSegment[], out: Issues): void {
  const protocol = port['protocol'];
  if (typeof protocol === 'string' && !(SUPPORTED_PROTOCOLS as readonly string[]).includes(protocol)) {
    const near = SUPPORTED_PROTOCOLS.find((p) => p === protocol.toUpperCase());
    out.notSupported([...path, 'protocol'], protocol, SUPPORTED_PROTOCOLS, `protocol "${protocol}" is not supported: use TCP, UDP or SCTP (upper case)${near ? `, here ${near}` : ''}; leave it out for TCP.`);
  }
  const value = port['port'];
  const portNumber = asInt32(value);
  // a port or endPort of the wrong type (or beyond int32) is a decoding error the schema reports
  const portMistyped = isSet(value) && portNumber === undefined && typeof value !== 'string';
  const endPort = asInt32(port['endPort']);
  const hasEndPort = endPort !== undefined;
  if (portMistyped) return;
  if (portNumber !== undefined) {
    for (const msg of isValidPortNum(portNumber)) {
      out.invalid([...path, 'port'], portNumber, msg, `Port ${portNumber} is out of range: a port number must be between 1 and 65535.`);
    }
    if (hasEndPort) {
      if (endPort < portNumber) {
        // pkg/apis/networking/validation ValidateNetworkPolicyPort quotes port.Port.IntVal here, not endPort
        out.invalid([...path, 'endPort'], portNumber, 'must be greater than or equal to `port`', `endPort ${endPort} is below port ${portNumber}: a range runs from port up to endPort, e.g. port: ${Math.min(portNumber, endPort)} with endPort: ${Math.max(portNumber, endPort)}.`);
      }
      for (const msg of isValidPortNum(endPort)) {
        out.invalid([...path, 'endPort'], endPort, msg, `endPort ${endPort} is out of range: a port number must be between 1 and 65535.`);
      }
    }
  } else if (typeof value === 'string') {
    if (hasEndPort) {
      out.invalid([...path, 'endPort'], endPort, 'may not be specified when `port` is non-numeric', `endPort needs a numeric port: "${value}" is a named port, so either use a number for port or remove endPort.`);
    }
    // one finding per message, as the API server returns one error per message
    const numeric = /^\d+$/.test(value);
    for (const msg of isValidPortName(value)) {
      out.invalid(
        [...path, 'port'],
        value,
        msg,
        numeric
          ? `Port "${value}" is a string, so the API reads it as a port name, and names need a letter: write port: ${value} without quotes.`
          : `Port name "${value}" is invalid: it ${msg}. A named port is up to 15 lower-case letters, digits and '-', with at least one letter, e.g. "http-metrics".`,
      );
    }
  } else if (hasEndPort) {
    out.invalid([...path, 'endPort'], endPort, 'may not be specified when `port` is not specified', 'endPort needs a port: add port: <first port of the range>, or remove endPort to allow every port.');
  }
}

// pkg/apis/networking/validation ValidateIPBlock, with IsValidCIDRForLegacyField(strict=false)
function validateIPBlock(ipBlock: Obj, path: readonly PathSegment[], out: Issues): void {
  const rawCidr = ipBlock['cidr'];
  if (isSet(rawCidr) && typeof rawCidr !== 'string') return;
  const cidr = asString(rawCidr) ?? '';
  if (cidr === '') {
    out.required([...path, 'cidr'], '', 'ipBlock needs a cidr, e.g. cidr: 10.0.0.0/8 (IPv4) or 2001:db8::/32 (IPv6).', isSet(rawCidr) ? [...path, 'cidr'] : path, isSet(rawCidr) ? 'value' : 'key');
    return;
  }
  const net = parseCIDRSloppy(cidr);
  if (!net) {
    out.invalid([...path, 'cidr'], cidr, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)', cidrHint(cidr));
    return;
  }
  asArray(ipBlock['except']).forEach((raw, i) => {
    const exceptPath = [...path, 'except', i];
    if (raw !== null && typeof raw !== 'string') return;
    const text = raw ?? '';
    const except = parseCIDRSloppy(text);
    if (!except) {
      out.invalid(exceptPath, text, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)', cidrHint(text));
      return;
    }
    if (!ipNetContains(net, except.ip) || net.ones >= except.ones) {
      out.invalid(exceptPath, text, 'must be a strict subset of `cidr`', `except ${text} is not strictly inside cidr ${cidr}: each except must be a smaller block within the cidr (e.g. ${exampleExcept(cidr, net.isIPv4)}).`);
    }
  });
}

function cidrHint(value: string): string {
  if (value === '') return 'An except entry cannot be empty: give a CIDR such as 10.0.1.0/24.';
  if (!value.includes('/')) return `"${value}" is an address, not a CIDR: add the prefix length, e.g. ${value}/${value.includes(':') ? '128' : '32'} for this address alone.`;
  return `"${value}" is not a valid CIDR: write an IPv4 or IPv6 network and prefix length, e.g. 10.9.8.0/24 or 2001:db8::/64.`;
}

function exampleExcept(cidr: string, isIPv4: boolean): string {
  const net = parseCIDRSloppy(cidr);
  if (!net) return '10.0.1.0/24 inside 10.0.0.0/16';
  if (isIPv4) {
    const bits = Math.min(32, net.ones + 4);
    return `${Array.from(net.ip).join('.')}/${bits} inside ${cidr}`;
  }
  return `a /${Math.min(128, net.ones + 16)} inside ${cidr}`;
}

// pkg/apis/networking/validation ValidateNetworkPolicyPeer
function validatePeer(peer: Obj, path: readonly PathSegment[], out: Issues): void {
  // A field of the wrong type still counts as set: the schema reports it, and "must specify a
  // peer" on top of that would be wrong.
  let numPeers = 0;
  for (const [key, validate] of [
    ['podSelector', validateLabelSelector],
    ['namespaceSelector', validateLabelSelector],
    ['ipBlock', validateIPBlock],
  ] as const) {
    const value = peer[key];
    if (!isSet(value)) continue;
    numPeers++;
    const obj = asObj(value);
    if (obj) validate(obj, [...path, key], out);
  }
  if (numPeers === 0) {
    out.required(path, 'must specify a peer', 'This peer selects nothing: set podSelector, namespaceSelector or ipBlock (an empty podSelector: {} means every pod in the namespace).');
  } else if (numPeers > 1 && isSet(peer['ipBlock'])) {
    out.forbidden(path, 'may not specify both ipBlock and another peer', 'ipBlock cannot be combined with podSelector or namespaceSelector in one peer: split them into two list items ("- ipBlock: ..." and "- podSelector: ...").', [...path, 'ipBlock'], 'key');
  }
}

function validateRules(spec: Obj, direction: 'ingress' | 'egress', out: Issues): void {
  const peersKey = direction === 'ingress' ? 'from' : 'to';
  asArray(spec[direction]).forEach((raw, i) => {
    const rule = asItemObj(raw);
    if (!rule) return;
    const rulePath: PathSegment[] = ['spec', direction, i];
    asArray(rule['ports']).forEach((p, j) => {
      const port = asItemObj(p);
      if (port) validatePort(port, [...rulePath, 'ports', j], out);
    });
    asArray(rule[peersKey]).forEach((p, j) => {
      const peer = asItemObj(p);
      if (peer) validatePeer(peer, [...rulePath, peersKey, j], out);
    });
  });
}

// pkg/apis/networking/validation ValidateNetworkPolicySpec
function validateSpec(spec: Obj, out: Issues): void {
  validateLabelSelector(asObj(spec['podSelector']) ?? {}, ['spec', 'podSelector'], out);
  validateRules(spec, 'ingress', out);
  validateRules(spec, 'egress', out);
  const policyTypes = asArray(spec['policyTypes']);
  if (policyTypes.length > SUPPORTED_POLICY_TYPES.length) {
    out.invalid(['spec', 'policyTypes'], policyTypes, 'may not specify more than two policyTypes', 'policyTypes lists at most two values: Ingress and/or Egress.');
    return;
  }
  policyTypes.forEach((raw, i) => {
    if (raw !== null && typeof raw !== 'string') return;
    const value = raw ?? '';
    if (!(SUPPORTED_POLICY_TYPES as readonly string[]).includes(value)) {
      const near = SUPPORTED_POLICY_TYPES.find((t) => t.toLowerCase() === value.toLowerCase());
      out.notSupported(['spec', 'policyTypes', i], value, SUPPORTED_POLICY_TYPES, `policyTypes entry "${value}" is not supported: use Ingress or Egress (case-sensitive)${near ? `, here ${near}` : ''}.`);
    }
  });
}

/** ValidateNetworkPolicy on create: metadata, then spec. */
export function networkPolicyIssues(policy: Obj): ValidationIssue[] {
  const out = new Issues();
  // metadata of the wrong type is a decoding error the schema reports
  if (!isSet(policy['metadata']) || asObj(policy['metadata'])) validateObjectMeta(asObj(policy['metadata']), out);
  validateSpec(asObj(policy['spec']) ?? {}, out);
  return out.list;
}
