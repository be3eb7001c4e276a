import type { Protocol } from '../inventory/model';
import type { ConnectivityMap } from './engine';
import { isAll, portSetToJson } from './portSet';

/**
 * The connectivity map as the JSON contract of the CLI (documented in the README):
 * `{ version: 1, endpoints: [...], connections: [{ src, dst, all, ports? }] }`. A pair that is
 * absent has no allowed connection; `all: true` means every port of TCP, UDP and SCTP.
 */

export interface WorkloadEndpointJson {
  readonly id: string;
  readonly type: 'workload';
  readonly namespace: string;
  readonly name: string;
  readonly kind: string;
  /** extra: set when the workload uses the host's network (policies do not govern it) */
  readonly hostNetwork?: true;
}

export interface ExternalEndpointJson {
  readonly id: string;
  readonly type: 'external';
  /** extra: 4 or 6 */
  readonly family: 4 | 6;
}

export type EndpointJson = WorkloadEndpointJson | ExternalEndpointJson;

export interface ConnectionJson {
  readonly src: string;
  readonly dst: string;
  readonly all: boolean;
  readonly ports?: Partial<Record<Protocol, [number, number][]>>;
}

export interface ConnectivityJson {
  readonly version: 1;
  readonly endpoints: readonly EndpointJson[];
  readonly connections: readonly ConnectionJson[];
}

export function connectivityJson(map: ConnectivityMap): ConnectivityJson {
  const index = map.index;
  const endpoints: EndpointJson[] = index.endpoints.map((e) =>
    e.type === 'workload'
      ? { id: e.id, type: 'workload', namespace: e.namespace, name: e.name, kind: e.kind, ...(e.workload.hostNetwork ? { hostNetwork: true as const } : {}) }
      : { id: e.id, type: 'external', family: e.range.family },
  );
  const connections: ConnectionJson[] = [];
  const cache = new Map<number, ConnectionJson['ports']>();
  for (const { source, destination, ports } of map.connections()) {
    const set = index.portSet(ports);
    const src = index.endpoints[source]!.id;
    const dst = index.endpoints[destination]!.id;
    if (isAll(set)) {
      connections.push({ src, dst, all: true });
      continue;
    }
    let json = cache.get(ports);
    if (!json) cache.set(ports, (json = portSetToJson(set)));
    connections.push({ src, dst, all: false, ports: json });
  }
  return { version: 1, endpoints, connections };
}
