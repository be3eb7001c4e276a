import type { Inventory } from '../inventory/model';
import { NEVER_CANCELLED, type CancellationToken } from '../model/finding';
import { ipBlockCidrs } from './addresses';
import { ReachabilityIndex, computeConnectivity } from './engine';
import { NO_PORTS, equals, isEmpty, subtract, type PortSet } from './portSet';

/**
 * What an edit changes: the connections added, removed and changed between two inventories. Both
 * maps are computed over the same external ranges (cut by the ipBlocks of both sides), so an
 * external endpoint means the same addresses before and after.
 */

export interface ConnectionChange {
  readonly src: string;
  readonly dst: string;
  readonly before: PortSet;
  readonly after: PortSet;
  /** allowed after but not before */
  readonly opened: PortSet;
  /** allowed before but not after */
  readonly closed: PortSet;
}

export interface ConnectivityDiff {
  /** pairs with no connection before */
  readonly added: readonly ConnectionChange[];
  /** pairs with no connection after */
  readonly removed: readonly ConnectionChange[];
  /** pairs connected on both sides, on different ports */
  readonly changed: readonly ConnectionChange[];
}

function connections(index: ReachabilityIndex, token: CancellationToken): Map<string, { src: string; dst: string; ports: PortSet }> {
  const out = new Map<string, { src: string; dst: string; ports: PortSet }>();
  for (const c of computeConnectivity(index, token).connections()) {
    const src = index.endpoint(c.source).id;
    const dst = index.endpoint(c.destination).id;
    out.set(`${src}\u0000${dst}`, { src, dst, ports: index.portSet(c.ports) });
  }
  return out;
}

export function diffConnectivity(before: Inventory, after: Inventory, token: CancellationToken = NEVER_CANCELLED): ConnectivityDiff {
  const cidrs = [...ipBlockCidrs(before.policies), ...ipBlockCidrs(after.policies)];
  const old = connections(new ReachabilityIndex(before, token, cidrs), token);
  const now = connections(new ReachabilityIndex(after, token, cidrs), token);
  const added: ConnectionChange[] = [];
  const removed: ConnectionChange[] = [];
  const changed: ConnectionChange[] = [];
  for (const [key, b] of old) {
    const a = now.get(key);
    if (!a) removed.push({ src: b.src, dst: b.dst, before: b.ports, after: NO_PORTS, opened: NO_PORTS, closed: b.ports });
    else if (!equals(a.ports, b.ports)) {
      changed.push({ src: b.src, dst: b.dst, before: b.ports, after: a.ports, opened: subtract(a.ports, b.ports), closed: subtract(b.ports, a.ports) });
    }
  }
  for (const [key, a] of now) {
    if (!old.has(key)) added.push({ src: a.src, dst: a.dst, before: NO_PORTS, after: a.ports, opened: a.ports, closed: NO_PORTS });
  }
  return { added, removed, changed };
}

export function isUnchanged(diff: ConnectivityDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.every((c) => isEmpty(c.opened) && isEmpty(c.closed));
}
