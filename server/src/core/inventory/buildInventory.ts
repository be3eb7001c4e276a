import type { OffsetRange } from '../model/finding';
import type { ManifestObject } from '../parse/manifest';
import { rangeForPath, type PathSegment } from '../parse/manifest';
import { isNetworkPolicy } from '../validate/validateObject';
import { EMPTY_SELECTOR, parseLabelSelector, type Labels } from '../selectors/labelSelector';
import {
  NAMESPACE_NAME_LABEL,
  WORKLOAD_KINDS,
  type ContainerPort,
  type Inventory,
  type NamespaceInfo,
  type NetworkPolicyInfo,
  type OwnerReference,
  type PolicyPeer,
  type PolicyPort,
  type PolicyRule,
  type Protocol,
  type SourceRef,
  type Workload,
  type WorkloadKind,
} from './model';

export interface InventoryInput {
  readonly file: string;
  readonly objects: readonly ManifestObject[];
}

type Obj = Record<string, unknown>;
function asObj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}
function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function asString(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}
function asLabels(v: unknown): Labels {
  const out: Record<string, string> = {};
  const obj = asObj(v);
  if (obj) for (const [k, val] of Object.entries(obj)) if (typeof val === 'string') out[k] = val;
  return out;
}
function asProtocol(v: unknown): Protocol | undefined {
  return v === 'TCP' || v === 'UDP' || v === 'SCTP' ? v : undefined;
}

/** metadata.namespace, where `namespace: ""` means unset as it does for kubectl and the API server. */
function namespaceOf(object: ManifestObject, defaultNamespace: string): string {
  return asString(object.namespace) ?? defaultNamespace;
}

/** The range of metadata.name, or of the object's first line: where object-level findings go. */
export function sourceOf(file: string, object: ManifestObject): SourceRef {
  return lazySource(file, object, ['metadata', 'name'], 'value');
}

/**
 * The place of a node of an object, computed when a finding or a hover first reads its range: it
 * needs the object's nodes, which the analyzer builds lazily (most objects never have anything to
 * report, and building their nodes would double the cost of a cold check).
 */
export function lazySource(file: string, object: ManifestObject, path: readonly PathSegment[], target: 'key' | 'value'): SourceRef {
  let range: OffsetRange | undefined;
  return {
    file,
    get range(): OffsetRange {
      if (!range) {
        const relative = rangeForPath(object.node, path, target, object.chunkText);
        range = { start: relative.start + object.baseOffset, end: relative.end + object.baseOffset };
      }
      return range;
    },
  };
}

/** The pod template of a workload: its metadata and spec. */
function podTemplate(kind: WorkloadKind, value: Obj): { metadata: Obj; spec: Obj } | undefined {
  const spec = asObj(value['spec']);
  if (kind === 'Pod') return { metadata: asObj(value['metadata']) ?? {}, spec: spec ?? {} };
  if (!spec) return undefined;
  const template = kind === 'CronJob' ? asObj(asObj(asObj(spec['jobTemplate'])?.['spec'])?.['template']) : asObj(spec['template']);
  if (!template) return undefined;
  return { metadata: asObj(template['metadata']) ?? {}, spec: asObj(template['spec']) ?? {} };
}

function containerPorts(podSpec: Obj): ContainerPort[] {
  const ports: ContainerPort[] = [];
  // init containers with restartPolicy: Always are sidecars, which serve traffic too
  const sidecars = asArray(podSpec['initContainers']).filter((c) => asObj(c)?.['restartPolicy'] === 'Always');
  for (const c of [...asArray(podSpec['containers']), ...sidecars]) {
    for (const p of asArray(asObj(c)?.['ports'])) {
      const port = asObj(p);
      const number = port?.['containerPort'];
      if (!port || typeof number !== 'number') continue;
      ports.push({ name: asString(port['name']), port: number, protocol: asProtocol(port['protocol']) ?? 'TCP' });
    }
  }
  return ports;
}

/** apimachinery metav1.GetControllerOf: the ownerReference with controller: true, if any. */
function controllerOwner(value: Obj): { owner?: OwnerReference } {
  for (const ref of asArray(asObj(value['metadata'])?.['ownerReferences'])) {
    const r = asObj(ref);
    const kind = asString(r?.['kind']);
    const name = asString(r?.['name']);
    if (r?.['controller'] === true && kind !== undefined && name !== undefined) return { owner: { kind, name } };
  }
  return {};
}

function policyPort(value: unknown): PolicyPort {
  const p = asObj(value) ?? {};
  const protocol = asProtocol(p['protocol']);
  const port = p['port'];
  const endPort = p['endPort'];
  return {
    protocol: protocol ?? 'TCP',
    protocolExplicit: p['protocol'] !== undefined && p['protocol'] !== null,
    port: typeof port === 'number' || typeof port === 'string' ? port : undefined,
    endPort: typeof endPort === 'number' ? endPort : undefined,
  };
}

function policyPeer(value: unknown): PolicyPeer {
  const p = asObj(value) ?? {};
  const ipBlock = asObj(p['ipBlock']);
  return {
    podSelector: parseLabelSelector(p['podSelector']),
    namespaceSelector: parseLabelSelector(p['namespaceSelector']),
    ipBlock: ipBlock
      ? { cidr: typeof ipBlock['cidr'] === 'string' ? ipBlock['cidr'] : '', except: asArray(ipBlock['except']).filter((e): e is string => typeof e === 'string') }
      : undefined,
  };
}

function policyRules(value: unknown, peersKey: 'from' | 'to'): PolicyRule[] {
  return asArray(value).map((r) => {
    const rule = asObj(r) ?? {};
    return { ports: asArray(rule['ports']).map(policyPort), peers: asArray(rule[peersKey]).map(policyPeer) };
  });
}

function policyInfo(file: string, object: ManifestObject, defaultNamespace: string): NetworkPolicyInfo {
  const value = object.value;
  const spec = asObj(value['spec']) ?? {};
  const declared = asArray(spec['policyTypes']).filter((t): t is string => typeof t === 'string');
  const egress = policyRules(spec['egress'], 'to');
  // pkg/apis/networking/v1/defaults.go SetDefaults_NetworkPolicy: with no policyTypes, Ingress
  // always applies and Egress applies when the egress list is non-empty.
  const policyTypes: ('Ingress' | 'Egress')[] =
    declared.length === 0
      ? egress.length > 0
        ? ['Ingress', 'Egress']
        : ['Ingress']
      : (['Ingress', 'Egress'] as const).filter((t) => declared.includes(t));
  return {
    name: object.name ?? '',
    namespace: namespaceOf(object, defaultNamespace),
    namespaceExplicit: object.namespace !== undefined && object.namespace !== '',
    podSelector: parseLabelSelector(spec['podSelector']) ?? EMPTY_SELECTOR,
    declaredPolicyTypes: declared,
    policyTypes,
    ingress: policyRules(spec['ingress'], 'from'),
    egress,
    source: sourceOf(file, object),
    object,
  };
}

/** The inventory of a set of files: namespaces (explicit and implied), workloads and policies. */
/** What one file adds to the inventory; cached per file by WorkspaceAnalysis. */
export interface InventoryContribution {
  readonly namespaces: readonly NamespaceInfo[];
  readonly workloads: readonly Workload[];
  readonly policies: readonly NetworkPolicyInfo[];
}

export function fileContribution(file: string, objects: readonly ManifestObject[], defaultNamespace = 'default'): InventoryContribution {
  const namespaces: NamespaceInfo[] = [];
  const workloads: Workload[] = [];
  const policies: NetworkPolicyInfo[] = [];
  for (const object of objects) {
    if (object.kind === 'Namespace' && object.apiVersion === 'v1' && object.name) {
      const labels = { ...asLabels(asObj(object.value['metadata'])?.['labels']), [NAMESPACE_NAME_LABEL]: object.name };
      namespaces.push({ name: object.name, labels, explicit: true, source: sourceOf(file, object) });
      continue;
    }
    if (isNetworkPolicy(object)) {
      // a policy the API server would reject is never applied: it neither isolates nor allows
      if (object.hasApiErrors) continue;
      policies.push(policyInfo(file, object, defaultNamespace));
      continue;
    }
    const kind = WORKLOAD_KINDS.find((k) => k === object.kind);
    if (!kind || !object.name) continue;
    const template = podTemplate(kind, object.value);
    if (!template) continue;
    workloads.push({
      kind,
      name: object.name,
      namespace: namespaceOf(object, defaultNamespace),
      podLabels: asLabels(template.metadata['labels']),
      ports: containerPorts(template.spec),
      hostNetwork: template.spec['hostNetwork'] === true,
      source: sourceOf(file, object),
      ...controllerOwner(object.value),
    });
  }
  return { namespaces, workloads, policies };
}

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The inventory from the files' contributions: namespaces implied by their objects are added. */
export function mergeContributions(contributions: readonly InventoryContribution[], defaultNamespace = 'default'): Inventory {
  const namespaces = new Map<string, NamespaceInfo>();
  const workloads: Workload[] = [];
  const policies: NetworkPolicyInfo[] = [];
  const workloadsByNamespace = new Map<string, Workload[]>();
  const policiesByNamespace = new Map<string, NetworkPolicyInfo[]>();
  for (const c of contributions) {
    for (const ns of c.namespaces) if (!namespaces.has(ns.name)) namespaces.set(ns.name, ns);
    for (const w of c.workloads) {
      workloads.push(w);
      pushTo(workloadsByNamespace, w.namespace, w);
    }
    for (const p of c.policies) {
      policies.push(p);
      pushTo(policiesByNamespace, p.namespace, p);
    }
  }
  for (const name of [...workloadsByNamespace.keys(), ...policiesByNamespace.keys()]) {
    if (!namespaces.has(name)) namespaces.set(name, { name, labels: { [NAMESPACE_NAME_LABEL]: name }, explicit: false, source: undefined });
  }
  return { namespaces, workloads, policies, defaultNamespace, workloadsByNamespace, policiesByNamespace };
}

/** The inventory of a set of files: namespaces (explicit and implied), workloads and policies. */
export function buildInventory(inputs: readonly InventoryInput[], defaultNamespace = 'default'): Inventory {
  return mergeContributions(
    inputs.map(({ file, objects }) => fileContribution(file, objects, defaultNamespace)),
    defaultNamespace,
  );
}
