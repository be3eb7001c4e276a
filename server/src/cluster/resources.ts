import type { ClusterKind } from './clusterTypes';
import type { Obj, ResourceType } from './reflector';

/**
 * The kinds the cache keeps, and what of each it keeps. List items come without apiVersion and
 * kind (the API server sets them on the list only), so slim() puts them back: the inventory
 * recognises objects by them. Dropping managedFields, annotations and most of the spec and status
 * keeps a 10,000-pod cluster's cache small.
 */

function obj(value: unknown): Obj | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : undefined;
}

function pick(from: Obj | undefined, keys: readonly string[]): Obj {
  const out: Obj = {};
  if (!from) return out;
  for (const key of keys) if (from[key] !== undefined) out[key] = from[key];
  return out;
}

function slimMetadata(object: Obj): Obj {
  return pick(obj(object['metadata']), ['name', 'namespace', 'uid', 'resourceVersion', 'labels', 'ownerReferences', 'creationTimestamp', 'deletionTimestamp']);
}

function slimContainers(value: unknown): unknown[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.map((c) => pick(obj(c), ['name', 'ports', 'restartPolicy']));
}

function slimPodSpec(spec: Obj | undefined): Obj {
  const out = pick(spec, ['hostNetwork', 'nodeName']);
  const containers = slimContainers(spec?.['containers']);
  if (containers) out['containers'] = containers;
  const initContainers = slimContainers(spec?.['initContainers']);
  if (initContainers) out['initContainers'] = initContainers;
  return out;
}

function slimController(kind: ClusterKind, apiVersion: string): (object: Obj) => Obj {
  return (object) => {
    const spec = obj(object['spec']);
    const template = obj(spec?.['template']);
    return {
      apiVersion,
      kind,
      metadata: slimMetadata(object),
      spec: {
        ...pick(spec, ['selector', 'replicas']),
        template: { metadata: pick(obj(template?.['metadata']), ['labels']), spec: slimPodSpec(obj(template?.['spec'])) },
      },
    };
  };
}

export const RESOURCE_TYPES: readonly ResourceType[] = [
  {
    kind: 'Namespace',
    apiVersion: 'v1',
    group: '',
    resource: 'namespaces',
    slim: (object) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: slimMetadata(object), status: pick(obj(object['status']), ['phase']) }),
  },
  {
    kind: 'Pod',
    apiVersion: 'v1',
    group: '',
    resource: 'pods',
    slim: (object) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: slimMetadata(object),
      spec: slimPodSpec(obj(object['spec'])),
      status: pick(obj(object['status']), ['phase', 'podIP', 'podIPs', 'hostIP']),
    }),
  },
  { kind: 'Deployment', apiVersion: 'apps/v1', group: 'apps', resource: 'deployments', slim: slimController('Deployment', 'apps/v1') },
  { kind: 'StatefulSet', apiVersion: 'apps/v1', group: 'apps', resource: 'statefulsets', slim: slimController('StatefulSet', 'apps/v1') },
  { kind: 'DaemonSet', apiVersion: 'apps/v1', group: 'apps', resource: 'daemonsets', slim: slimController('DaemonSet', 'apps/v1') },
  { kind: 'ReplicaSet', apiVersion: 'apps/v1', group: 'apps', resource: 'replicasets', slim: slimController('ReplicaSet', 'apps/v1') },
  {
    kind: 'NetworkPolicy',
    apiVersion: 'networking.k8s.io/v1',
    group: 'networking.k8s.io',
    resource: 'networkpolicies',
    slim: (object) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: slimMetadata(object), spec: object['spec'] ?? {} }),
  },
];
