import { computeConnectivity, formatPortSet, isAll, isEmpty, ReachabilityIndex, ruleSource, type CancellationToken, type Inventory } from '../core';
import type { SourceRef } from '../core/inventory/model';
import type { ConnectivityData, ReportEndpoint, ReportPolicy, ReportRule, SourceLink } from './model';

/** Above this many endpoints the report leaves the workload-level data out (namespace level stays). */
export const MAX_REPORT_ENDPOINTS = 20_000;

export const EXTERNAL_NAMESPACE = 'external';

/** Sorted ascending indexes as [first, end) pairs. */
function ranges(sorted: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i]!;
    if (out.length > 0 && out[out.length - 1] === v) out[out.length - 1] = v + 1;
    else out.push(v, v + 1);
  }
  return out;
}

function portsText(text: string): string {
  return text === 'nothing' ? '' : text;
}

/**
 * The connectivity of an inventory as the report embeds it (see ConnectivityData). `link` turns a
 * source into a file, line and link. Returns a reason instead when the inventory is too large.
 */
export function connectivityData(inventory: Inventory, link: (source: SourceRef) => SourceLink, token?: CancellationToken): ConnectivityData | { omitted: string } {
  const tooMany = (what: string): { omitted: string } => ({ omitted: `${what}: more than the report shows (${MAX_REPORT_ENDPOINTS} endpoints); run netpol-guardrails connectivity instead` });
  // workloads fold into endpoints (pods into their owners), never the other way: a cheap bound first
  if (inventory.workloads.length > MAX_REPORT_ENDPOINTS * 4) return tooMany(`${inventory.workloads.length} workloads`);
  const index = new ReachabilityIndex(inventory, token);
  if (index.size > MAX_REPORT_ENDPOINTS) return tooMany(`${index.workloadCount} workloads and ${index.size - index.workloadCount} address ranges`);
  const map = computeConnectivity(index, token);
  const portSetIndex = new Map<number, number>();
  const portSets: { text: string; all: boolean }[] = [];
  const localPortSet = (id: number): number => {
    let local = portSetIndex.get(id);
    if (local === undefined) {
      const set = index.portSet(id);
      portSetIndex.set(id, (local = portSets.length));
      portSets.push({ text: formatPortSet(set), all: isAll(set) });
    }
    return local;
  };
  const namespaceOf = index.endpoints.map((e) => (e.type === 'workload' ? e.namespace : EXTERNAL_NAMESPACE));
  const rowIndex = new Map<string, number>();
  const rows: number[][] = [];
  const rowOf: number[] = [];
  const edges = new Map<string, { from: string; to: string; pairs: number; allPorts: number }>();
  for (let s = 0; s < index.size; s++) {
    const { targets, ports } = map.row(s);
    const row: number[] = [];
    for (let i = 0; i < targets.length; i++) {
      const t = targets[i]!;
      const p = localPortSet(ports[i]!);
      const n = row.length;
      if (n > 0 && row[n - 2] === t && row[n - 1] === p) row[n - 2] = t + 1;
      else row.push(t, t + 1, p);
      const key = `${namespaceOf[s]}\u0000${namespaceOf[t]}`;
      let edge = edges.get(key);
      if (!edge) edges.set(key, (edge = { from: namespaceOf[s]!, to: namespaceOf[t]!, pairs: 0, allPorts: 0 }));
      edge.pairs++;
      if (portSets[p]!.all) edge.allPorts++;
    }
    const key = row.join(',');
    let r = rowIndex.get(key);
    if (r === undefined) {
      rowIndex.set(key, (r = rows.length));
      rows.push(row);
    }
    rowOf.push(r);
  }

  const policySetIndex = new Map<string, number>();
  const policySets: number[][] = [];
  const policySet = (list: readonly number[] | undefined): number => {
    const ids = list ?? [];
    const key = ids.join(',');
    let i = policySetIndex.get(key);
    if (i === undefined) {
      policySetIndex.set(key, (i = policySets.length));
      policySets.push([...ids]);
    }
    return i;
  };
  policySet([]);

  // one destination per container port signature, to resolve named ports as the engine does
  const bySignature = new Map<number, number>();
  for (let e = 0; e < index.workloadCount; e++) {
    const sig = index.portSignatureOf(e);
    if (!bySignature.has(sig)) bySignature.set(sig, e);
  }

  // many rules match the same endpoints (the same selectors in each namespace): store each list once
  const peerSetIndex = new Map<string, number>();
  const peerSets: number[][] = [];
  const peerSet = (peers: Int32Array): number => {
    const list = ranges(peers);
    const key = list.join(',');
    let i = peerSetIndex.get(key);
    if (i === undefined) {
      peerSetIndex.set(key, (i = peerSets.length));
      peerSets.push(list);
    }
    return i;
  };
  const rules: ReportRule[] = [];
  const policies: ReportPolicy[] = index.policies.map((entry, p) => {
    const ruleIds = { ingress: [] as number[], egress: [] as number[] };
    for (const direction of ['ingress', 'egress'] as const) {
      for (const rule of entry[direction]) {
        const numeric = index.portSet(rule.numeric);
        let portsBySignature: Record<string, string> | undefined;
        if (rule.named.length > 0) {
          portsBySignature = {};
          for (const [sig, e] of bySignature) {
            const set = index.portSet(index.rulePorts(rule, e));
            portsBySignature[String(sig)] = isEmpty(set) ? '' : formatPortSet(set);
          }
        }
        ruleIds[direction].push(rules.length);
        rules.push({
          ...link(ruleSource(entry.policy, direction, rule.ruleIndex)),
          policy: p,
          direction,
          index: rule.ruleIndex,
          ...(rule.peers ? { peers: peerSet(rule.peers) } : {}),
          ports: portsText(formatPortSet(numeric)),
          ...(portsBySignature ? { portsBySignature } : {}),
        });
      }
    }
    return { ...link(entry.policy.source), namespace: entry.policy.namespace, name: entry.policy.name, ingress: ruleIds.ingress, egress: ruleIds.egress };
  });

  const endpoints: ReportEndpoint[] = index.endpoints.map((e, i) => {
    const base = { id: e.id, row: rowOf[i]!, portSignature: index.portSignatureOf(i) };
    if (e.type === 'external') return { ...base, namespace: EXTERNAL_NAMESPACE, name: e.id, kind: 'addresses', ingress: 0, egress: 0 };
    return {
      ...base,
      namespace: e.namespace,
      name: e.name,
      kind: e.kind,
      ...(e.workload.hostNetwork ? { hostNetwork: true as const } : {}),
      ingress: policySet(index.ingressPolicies[i]),
      egress: policySet(index.egressPolicies[i]),
    };
  });
  return { endpoints, portSets, rows, policies, rules, policySets, peerSets, namespaceEdges: [...edges.values()], connections: map.connectionCount };
}
