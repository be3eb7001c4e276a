import type { Direction, Inventory, NetworkPolicyInfo, PolicyPeer, PolicyPort, PolicyRule, Protocol } from '../inventory/model';
import { selectorMatches } from '../selectors/labelSelector';
import { peerSelectsWorkload } from '../selectors/peers';
import { ipNetContains, parseCIDRSloppy } from '../validate/cidr';
import { externalRanges, ipBlockCidrs, type Address } from './addresses';
import { externalEndpoints, workloadEndpoints, type Endpoint, type WorkloadEndpoint } from './endpoints';
import { ALL_PORTS, NO_PORTS, allPortsOf, intersect, isEmpty, portRange, union, type PortSet } from './portSet';

/**
 * The straightforward evaluator: for one pair, every policy and every rule, read as the
 * NetworkPolicy documentation words it, with no index, no memo and no address ranges (ipBlocks are
 * tested against a concrete address with Go's net.IPNet.Contains). Tests compare the engine with
 * it, and the benchmark measures the engine against it.
 */

export type ReferencePeer = { readonly workload: WorkloadEndpoint } | { readonly address: Address };

function addressBytes(address: Address): Uint8Array {
  const length = address.family === 4 ? 4 : 16;
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = Number((address.value >> BigInt(8 * (length - 1 - i))) & 0xffn);
  return bytes;
}

function ipBlockContains(peer: PolicyPeer, address: Address): boolean {
  if (!peer.ipBlock) return false;
  const bytes = addressBytes(address);
  const net = parseCIDRSloppy(peer.ipBlock.cidr);
  if (!net || !ipNetContains(net, bytes) || (net.isIPv4 ? 4 : 6) !== address.family) return false;
  return !peer.ipBlock.except.some((e) => {
    const except = parseCIDRSloppy(e);
    return except !== undefined && (except.isIPv4 ? 4 : 6) === address.family && ipNetContains(except, bytes);
  });
}

function peerMatches(inventory: Inventory, policy: NetworkPolicyInfo, peer: PolicyPeer, target: ReferencePeer): boolean {
  if ('address' in target) return ipBlockContains(peer, target.address);
  // hostNetwork pods are not matched by pod or namespace selectors (see engine.ts)
  if (target.workload.workload.hostNetwork) return false;
  return peerSelectsWorkload(inventory, policy, peer, target.workload.workload);
}

function ruleMatches(inventory: Inventory, policy: NetworkPolicyInfo, rule: PolicyRule, peer: ReferencePeer): boolean {
  return rule.peers.length === 0 || rule.peers.some((p) => peerMatches(inventory, policy, p, peer));
}

function portAllows(port: PolicyPort, destination: ReferencePeer, protocol: Protocol, number: number): boolean {
  if (port.protocol !== protocol) return false;
  if (port.port === undefined) return true;
  if (typeof port.port === 'number') return number >= port.port && number <= (port.endPort ?? port.port);
  if ('address' in destination) return false;
  return destination.workload.workload.ports.some((p) => p.name === port.port && p.protocol === protocol && p.port === number);
}

function portSetOf(port: PolicyPort, destination: ReferencePeer): PortSet {
  if (port.port === undefined) return allPortsOf(port.protocol);
  if (typeof port.port === 'number') return portRange(port.protocol, port.port, port.endPort ?? port.port);
  if ('address' in destination) return NO_PORTS;
  let out = NO_PORTS;
  for (const p of destination.workload.workload.ports) {
    if (p.name === port.port && p.protocol === port.protocol) out = union(out, portRange(p.protocol, p.port));
  }
  return out;
}

/** The policies that select the workload and have the direction in their policyTypes. */
function isolating(inventory: Inventory, self: WorkloadEndpoint, direction: Direction): NetworkPolicyInfo[] {
  if (self.workload.hostNetwork) return [];
  const type = direction === 'ingress' ? 'Ingress' : 'Egress';
  return inventory.policies.filter(
    (p) => p.namespace === self.workload.namespace && selectorMatches(p.podSelector, self.workload.podLabels) && p.policyTypes.includes(type),
  );
}

function sideAllowed(inventory: Inventory, direction: Direction, source: ReferencePeer, destination: ReferencePeer): PortSet {
  const self = direction === 'egress' ? source : destination;
  const peer = direction === 'egress' ? destination : source;
  if ('address' in self) return ALL_PORTS;
  const policies = isolating(inventory, self.workload, direction);
  if (policies.length === 0) return ALL_PORTS;
  let allowed = NO_PORTS;
  for (const policy of policies) {
    for (const rule of direction === 'egress' ? policy.egress : policy.ingress) {
      if (!ruleMatches(inventory, policy, rule, peer)) continue;
      const ports = rule.ports.length === 0 ? ALL_PORTS : rule.ports.reduce((acc, p) => union(acc, portSetOf(p, destination)), NO_PORTS);
      allowed = union(allowed, ports);
    }
  }
  return allowed;
}

/** The ports allowed from source to destination; nothing between two external addresses. */
export function referenceAllowed(inventory: Inventory, source: ReferencePeer, destination: ReferencePeer): PortSet {
  if ('address' in source && 'address' in destination) return NO_PORTS;
  return intersect(sideAllowed(inventory, 'egress', source, destination), sideAllowed(inventory, 'ingress', source, destination));
}

function sideAllows(inventory: Inventory, direction: Direction, source: ReferencePeer, destination: ReferencePeer, protocol: Protocol, port: number): boolean {
  const self = direction === 'egress' ? source : destination;
  const peer = direction === 'egress' ? destination : source;
  if ('address' in self) return true;
  const policies = isolating(inventory, self.workload, direction);
  if (policies.length === 0) return true;
  return policies.some((policy) =>
    (direction === 'egress' ? policy.egress : policy.ingress).some(
      (rule) => ruleMatches(inventory, policy, rule, peer) && (rule.ports.length === 0 || rule.ports.some((p) => portAllows(p, destination, protocol, port))),
    ),
  );
}

/** Whether one connection (protocol and port) from source to destination is allowed. */
export function referenceAllows(inventory: Inventory, source: ReferencePeer, destination: ReferencePeer, protocol: Protocol, port: number): boolean {
  if ('address' in source && 'address' in destination) return false;
  return sideAllows(inventory, 'egress', source, destination, protocol, port) && sideAllows(inventory, 'ingress', source, destination, protocol, port);
}

export interface ReferenceConnection {
  readonly source: string;
  readonly destination: string;
  readonly ports: PortSet;
}

function asPeer(endpoint: Endpoint): ReferencePeer {
  return endpoint.type === 'workload' ? { workload: endpoint } : { address: { family: endpoint.range.family, value: endpoint.range.start } };
}

/** Every allowed ordered pair of distinct endpoints (externals by their first address). */
export function referenceConnectivity(inventory: Inventory): { endpoints: Endpoint[]; connections: ReferenceConnection[] } {
  const endpoints: Endpoint[] = [...workloadEndpoints(inventory), ...externalEndpoints(externalRanges(ipBlockCidrs(inventory.policies)))];
  const connections: ReferenceConnection[] = [];
  for (const source of endpoints) {
    for (const destination of endpoints) {
      if (source === destination) continue;
      const ports = referenceAllowed(inventory, asPeer(source), asPeer(destination));
      if (!isEmpty(ports)) connections.push({ source: source.id, destination: destination.id, ports });
    }
  }
  return { endpoints, connections };
}
