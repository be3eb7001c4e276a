import type { Inventory, Workload } from '../inventory/model';
import type { AddressRange } from '../selectors/ipRanges';
import { rangeId } from './addresses';

/**
 * The endpoints of the connectivity map. A workload's pod template is one endpoint named
 * `namespace/name` after the workload; a bare Pod is one by its own name; a Pod (or ReplicaSet,
 * Job) with a controller ownerReference is folded into its owner: into the owning workload when the
 * inputs define it (following the chain Pod -> ReplicaSet -> Deployment), else into an endpoint
 * named after the owner. Pods of an owner the inputs do not define are only grouped when they carry
 * the same labels and ports; otherwise (a StatefulSet's per-pod labels, say) each pod stays its own
 * endpoint, so that one endpoint never stands for pods that policies treat differently.
 * When two endpoints would share `namespace/name` (a Deployment and a StatefulSet both called
 * `web`), both are named `namespace/Kind/name`.
 */

export interface WorkloadEndpoint {
  readonly type: 'workload';
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly kind: string;
  /** the object whose pod template (or Pod) stands for the endpoint: labels, ports, hostNetwork */
  readonly workload: Workload;
  /** every inventory object folded into this endpoint, the representative first */
  readonly members: readonly Workload[];
}

export interface ExternalEndpoint {
  readonly type: 'external';
  /** `first-last` */
  readonly id: string;
  readonly range: AddressRange;
}

export type Endpoint = WorkloadEndpoint | ExternalEndpoint;

const MAX_OWNER_DEPTH = 8;

function objectKey(namespace: string, kind: string, name: string): string {
  return `${namespace}/${kind}/${name}`;
}

/** Equal for workloads whose pods policies cannot tell apart: labels, container ports, hostNetwork. */
function shapeKey(w: Workload): string {
  let key = w.hostNetwork ? 'h' : 'p';
  for (const k of Object.keys(w.podLabels).sort()) key += `\u0001${k}\u0002${w.podLabels[k]}`;
  key += '\u0003';
  for (const p of w.ports.map((p) => `${p.name ?? ''}:${p.port}/${p.protocol}`).sort()) key += `\u0001${p}`;
  return key;
}

interface Group {
  readonly namespace: string;
  readonly kind: string;
  readonly name: string;
  /** the owning workload when the inputs define it */
  readonly root: Workload | undefined;
  readonly members: Workload[];
}

/** The workload endpoints of an inventory, sorted by namespace, name and kind, with unique ids. */
export function workloadEndpoints(inventory: Inventory): WorkloadEndpoint[] {
  const byKey = new Map<string, Workload>();
  for (const w of inventory.workloads) {
    const key = objectKey(w.namespace, w.kind, w.name);
    // the same object defined twice (two files): the first definition counts
    if (!byKey.has(key)) byKey.set(key, w);
  }
  const groups = new Map<string, Group>();
  for (const w of byKey.values()) {
    let root = w;
    for (let depth = 0; depth < MAX_OWNER_DEPTH && root.owner; depth++) {
      const owner = byKey.get(objectKey(root.namespace, root.owner.kind, root.owner.name));
      if (!owner || owner === w) break;
      root = owner;
    }
    const ownerOutside = root.owner !== undefined && !byKey.has(objectKey(root.namespace, root.owner.kind, root.owner.name));
    const kind = ownerOutside ? root.owner!.kind : root.kind;
    const name = ownerOutside ? root.owner!.name : root.name;
    const key = objectKey(root.namespace, kind, name);
    let group = groups.get(key);
    if (!group) {
      group = { namespace: root.namespace, kind, name, root: ownerOutside ? undefined : root, members: [] };
      groups.set(key, group);
    }
    group.members.push(w);
  }
  const endpoints: Omit<WorkloadEndpoint, 'id'>[] = [];
  for (const group of groups.values()) {
    if (group.root) {
      const root = group.root;
      endpoints.push({ type: 'workload', namespace: group.namespace, name: group.name, kind: group.kind, workload: root, members: [root, ...group.members.filter((m) => m !== root)] });
      continue;
    }
    const members = [...group.members].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const first = members[0]!;
    const shape = members.length === 1 ? '' : shapeKey(first);
    if (members.length === 1 || members.every((m) => shapeKey(m) === shape)) {
      endpoints.push({ type: 'workload', namespace: group.namespace, name: group.name, kind: group.kind, workload: first, members });
    } else {
      for (const m of members) endpoints.push({ type: 'workload', namespace: m.namespace, name: m.name, kind: m.kind, workload: m, members: [m] });
    }
  }
  endpoints.sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name) || compare(a.kind, b.kind));
  const count = new Map<string, number>();
  for (const e of endpoints) count.set(`${e.namespace}/${e.name}`, (count.get(`${e.namespace}/${e.name}`) ?? 0) + 1);
  return endpoints.map((e) => {
    const short = `${e.namespace}/${e.name}`;
    return { ...e, id: (count.get(short) ?? 0) > 1 ? `${e.namespace}/${e.kind}/${e.name}` : short };
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function externalEndpoints(ranges: readonly AddressRange[]): ExternalEndpoint[] {
  return ranges.map((range) => ({ type: 'external', id: rangeId(range), range }));
}
