import { analyzeText } from '../analyzer';
import type { GuardrailConfig } from '../config/config';
import { buildInventory } from '../inventory/buildInventory';
import { NAMESPACE_NAME_LABEL, type Inventory, type NamespaceInfo, type NetworkPolicyInfo, type Protocol, type Workload } from '../inventory/model';
import { NEVER_CANCELLED, type CancellationToken } from '../model/finding';
import { rangeId } from '../reachability/addresses';
import { ReachabilityIndex, computeConnectivity } from '../reachability/engine';
import { PortSetTable, contains, formatPortSet, portRange, subtract, isEmpty } from '../reachability/portSet';
import { runGuardrails } from '../rules/runRules';
import { cidrRange, type AddressRange } from '../selectors/ipRanges';
import { selectorMatches } from '../selectors/labelSelector';
import type { AggregatedFlow, FlowEndpoint } from './model';
import { widenAddresses, type SynthesisOptions, type SynthesisResult } from './synthesize';

/**
 * The guarantees of a synthesized policy set, checked with the reachability engine on the
 * inventory's workloads (plus the workloads only the flows show) and the generated policies
 * alone (hand-written policies are additive, so they could only allow more):
 * 1. every forwarded flow synthesis admitted is allowed, on its protocol and port;
 * 2. no allowed connection from or to a policed workload goes beyond what a forwarded flow between
 *    the two (or the DNS egress rule) justifies: no other pair, no other port;
 * 3. the generated text has no API error;
 * 4. the guardrails find nothing in the policed namespaces (public-cidr aside, which is expected
 *    for an external service seen on a public address and is reported with the rest).
 */

export interface BlockedFlow {
  readonly flow: AggregatedFlow;
  readonly reason: string;
}

export interface UnjustifiedConnection {
  readonly source: string;
  readonly destination: string;
  /** the ports allowed beyond what flows justify */
  readonly ports: string;
}

export interface SynthesisVerification {
  /** forwarded flows checked against the generated policies */
  readonly checked: number;
  readonly blocked: readonly BlockedFlow[];
  readonly unjustified: readonly UnjustifiedConnection[];
  readonly apiErrors: readonly { readonly file: string; readonly message: string }[];
  readonly guardrails: readonly { readonly file: string; readonly ruleId: string; readonly message: string }[];
}

const OBSERVED_FILE = '(observed flows)';

/** Guardrails about what the policies leave open, reported wherever they are placed. */
const ISOLATION_RULES: ReadonlySet<string> = new Set(['missing-default-deny', 'workload-not-isolated', 'egress-blocks-dns']);

function addressOf(cidr: string): string {
  const slash = cidr.indexOf('/');
  return slash < 0 ? cidr : cidr.slice(0, slash);
}

function indexBy<T extends { readonly namespace: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(item.namespace);
    if (list) list.push(item);
    else out.set(item.namespace, [item]);
  }
  return out;
}

/** The inventory's namespaces and workloads, the flows' other workloads as Pods, and `policies`. */
function checkInventory(inventory: Inventory, flows: readonly AggregatedFlow[], policies: readonly NetworkPolicyInfo[]): { inventory: Inventory; pseudo: Map<string, Workload> } {
  const defined = new Set(inventory.workloads.map((w) => `${w.namespace}/${w.name}`));
  const pseudo = new Map<string, Workload>();
  const namespaces = new Map<string, NamespaceInfo>(inventory.namespaces);
  const add = (e: FlowEndpoint): void => {
    if (e.type !== 'workload') return;
    if (!namespaces.has(e.namespace)) namespaces.set(e.namespace, { name: e.namespace, labels: { [NAMESPACE_NAME_LABEL]: e.namespace }, explicit: false, source: undefined });
    if (e.endpointId !== undefined) return;
    const key = `${e.namespace}/${e.name}`;
    if (pseudo.has(key) || defined.has(key)) return;
    pseudo.set(key, { kind: 'Pod', name: e.name, namespace: e.namespace, podLabels: e.labels, ports: [], hostNetwork: false, source: { file: OBSERVED_FILE, range: { start: 0, end: 0 } } });
  };
  for (const flow of flows) {
    add(flow.source);
    add(flow.destination);
  }
  for (const p of policies) {
    if (!namespaces.has(p.namespace)) namespaces.set(p.namespace, { name: p.namespace, labels: { [NAMESPACE_NAME_LABEL]: p.namespace }, explicit: false, source: undefined });
  }
  const workloads = [...inventory.workloads, ...pseudo.values()];
  return {
    inventory: {
      namespaces,
      workloads,
      policies,
      defaultNamespace: inventory.defaultNamespace,
      workloadsByNamespace: indexBy(workloads),
      policiesByNamespace: indexBy(policies),
    },
    pseudo,
  };
}

export function verifySynthesis(
  flows: readonly AggregatedFlow[],
  inventory: Inventory,
  config: GuardrailConfig,
  result: SynthesisResult,
  options: SynthesisOptions,
  token: CancellationToken = NEVER_CANCELLED,
): SynthesisVerification {
  const apiErrors: { file: string; message: string }[] = [];
  const generated = result.namespaces.map((ns) => {
    const analysis = analyzeText(ns.text);
    for (const f of analysis.findings) if (f.severity === 'error') apiErrors.push({ file: ns.fileName, message: f.message });
    return { file: ns.fileName, objects: analysis.objects };
  });
  const policies = buildInventory(generated, inventory.defaultNamespace).policies;
  const { inventory: checked, pseudo } = checkInventory(inventory, flows, policies);
  const externalCidrs = flows.flatMap((f) => [f.source, f.destination].flatMap((e) => (e.type === 'external' ? [e.cidr] : [])));
  const index = new ReachabilityIndex(checked, token, externalCidrs);
  const byWorkload = new Map<Workload, number>();
  for (let i = 0; i < index.workloadCount; i++) {
    const e = index.endpoint(i);
    if (e.type === 'workload') for (const m of e.members) byWorkload.set(m, i);
  }
  const endpointOf = (e: FlowEndpoint): number | undefined => {
    if (e.type === 'external') return index.find(addressOf(e.cidr));
    if (e.endpointId !== undefined) {
      const found = index.find(e.endpointId);
      if (found !== undefined) return found;
    }
    const w = pseudo.get(`${e.namespace}/${e.name}`) ?? checked.workloads.find((x) => x.namespace === e.namespace && x.name === e.name);
    return w ? byWorkload.get(w) : undefined;
  };

  // 1. every admitted flow is allowed
  const uncovered = new Set(result.uncovered.map((u) => u.flow));
  const blocked: BlockedFlow[] = [];
  const table = index.table;
  const justified = new Map<string, number>();
  /** per workload endpoint and direction: the external addresses seen per port */
  const externalSeen = new Map<string, Map<string, { family: 4 | 6; value: bigint }[]>>();
  let count = 0;
  for (const flow of flows) {
    if (token.isCancellationRequested) break;
    if (flow.forwarded <= 0 || uncovered.has(flow)) continue;
    if (flow.source.type === 'external' && flow.destination.type === 'external') continue;
    count++;
    const s = endpointOf(flow.source);
    const d = endpointOf(flow.destination);
    if (s === undefined || d === undefined) {
      blocked.push({ flow, reason: 'an endpoint of the flow is not in the checked inventory' });
      continue;
    }
    if (!contains(index.portSet(index.pairAllows(s, d)), flow.protocol, flow.port)) blocked.push({ flow, reason: `not allowed on ${flow.protocol} ${flow.port}` });
    const ports = table.intern(portRange(flow.protocol, flow.port));
    const key = `${s},${d}`;
    justified.set(key, table.union(justified.get(key) ?? PortSetTable.NONE, ports));
    for (const [self, other, direction] of [
      [flow.source, flow.destination, 'egress'],
      [flow.destination, flow.source, 'ingress'],
    ] as const) {
      if (other.type !== 'external' || self.type === 'external') continue;
      const selfIndex = self === flow.source ? s : d;
      const range = cidrRange(other.cidr);
      if (!range) continue;
      const seenKey = `${selfIndex},${direction}`;
      let byPort = externalSeen.get(seenKey);
      if (!byPort) externalSeen.set(seenKey, (byPort = new Map<string, { family: 4 | 6; value: bigint }[]>()));
      const portKey = `${flow.protocol}/${flow.port}`;
      const list = byPort.get(portKey) ?? [];
      list.push({ family: range.family, value: range.start });
      byPort.set(portKey, list);
    }
  }

  // what the widened CIDRs justify: per (workload, direction), the ports an address range may use
  const externalJustified = new Map<string, { range: AddressRange; ports: number }[]>();
  for (const [key, byPort] of externalSeen) {
    const list: { range: AddressRange; ports: number }[] = [];
    for (const [port, addresses] of byPort) {
      const [protocol, number] = port.split('/') as [Protocol, string];
      const ports = table.intern(portRange(protocol, Number(number)));
      for (const w of widenAddresses(addresses, options.widenIPv4, options.widenIPv6)) list.push({ range: cidrRange(w.cidr)!, ports });
    }
    externalJustified.set(key, list);
  }

  // 2. nothing else is allowed from or to a policed workload
  const policed = new Set(result.policed);
  const isPoliced = (i: number): boolean => {
    if (i >= index.workloadCount) return false;
    const e = index.endpoint(i);
    return e.type === 'workload' && policed.has(e.namespace) && !e.workload.hostNetwork;
  };
  const dns = config.selectors.dns;
  const dnsPorts = (d: number): number => {
    const e = index.endpoint(d);
    if (e.type !== 'workload' || e.namespace !== dns.namespace || !selectorMatches(dns.podSelector, e.workload.podLabels)) return PortSetTable.NONE;
    const port = dns.port ?? 53;
    let id = PortSetTable.NONE;
    for (const protocol of ['UDP', 'TCP'] as const) {
      if (typeof port === 'number') id = table.union(id, table.intern(portRange(protocol, port)));
      else for (const p of e.workload.ports) if (p.name === port && p.protocol === protocol) id = table.union(id, table.intern(portRange(protocol, p.port)));
    }
    return id;
  };
  const unjustified: { source: string; destination: string; ports: string; range: AddressRange | undefined }[] = [];
  const map = computeConnectivity(index, token);
  for (const { source, destination, ports } of map.connections()) {
    if (token.isCancellationRequested) break;
    const sPoliced = isPoliced(source);
    const dPoliced = isPoliced(destination);
    if (!sPoliced && !dPoliced) continue;
    let allowedByFlows = justified.get(`${source},${destination}`) ?? PortSetTable.NONE;
    if (sPoliced) allowedByFlows = table.union(allowedByFlows, dnsPorts(destination));
    const external = destination >= index.workloadCount ? { self: source, other: destination, direction: 'egress' } : source >= index.workloadCount ? { self: destination, other: source, direction: 'ingress' } : undefined;
    if (external) {
      const range = (index.endpoint(external.other) as { range: AddressRange }).range;
      for (const j of externalJustified.get(`${external.self},${external.direction}`) ?? []) {
        if (j.range.family === range.family && j.range.start <= range.start && range.end <= j.range.end) allowedByFlows = table.union(allowedByFlows, j.ports);
      }
    }
    const extra = subtract(index.portSet(ports), index.portSet(allowedByFlows));
    if (isEmpty(extra)) continue;
    const formatted = formatPortSet(extra);
    const last = unjustified[unjustified.length - 1];
    const to = index.endpoint(destination);
    // adjacent address ranges (cut at every flow's address) read as one
    if (last && last.source === index.endpoint(source).id && last.ports === formatted && last.range && to.type === 'external' && last.range.family === to.range.family && last.range.end + 1n === to.range.start) {
      last.range = { family: to.range.family, start: last.range.start, end: to.range.end };
      last.destination = rangeId(last.range);
      continue;
    }
    unjustified.push({ source: index.endpoint(source).id, destination: to.id, ports: formatted, range: to.type === 'external' ? to.range : undefined });
  }

  // 3 and 4: the generated text through the analyzer (above) and the guardrails
  // findings on the generated files, and the isolation ones wherever they land (a workload's file)
  const files = new Set(result.namespaces.map((ns) => ns.fileName));
  const guardrails = runGuardrails(checked, config, token)
    .findings.filter((f) => policed.has(f.namespace) && (files.has(f.file) || ISOLATION_RULES.has(f.finding.ruleId)))
    .map((f) => ({ file: f.file, ruleId: f.finding.ruleId, message: f.finding.message }));
  return { checked: count, blocked, unjustified: unjustified.map(({ source, destination, ports }) => ({ source, destination, ports })), apiErrors, guardrails };
}
