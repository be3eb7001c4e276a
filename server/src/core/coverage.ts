import type { GuardrailConfig } from './config/config';
import type { Direction, Inventory } from './inventory/model';
import { isolatingPolicies } from './selectors/peers';
import { allowAllEgress, allowAllIngress } from './rules/allowAll';
import { egressBlocksDns } from './rules/egressBlocksDns';
import { isDefaultDeny } from './rules/missingDefaultDeny';
import { publicCidr } from './rules/publicCidr';
import { runGuardrails } from './rules/runRules';
import { checkObservedFlows, type FlowCheckSummary, type ObservedFlows } from './flows/check';

/** How far one namespace follows "deny by default, then narrow allows". */
export interface NamespaceCoverage {
  readonly namespace: string;
  /** workloads whose traffic NetworkPolicies govern (hostNetwork ones excluded) */
  readonly workloads: number;
  readonly defaultDenyIngress: boolean;
  readonly defaultDenyEgress: boolean;
  readonly isolatedIngress: number;
  readonly isolatedEgress: number;
  /** egress-isolated workloads that may reach DNS on UDP and TCP 53 */
  readonly dnsEgressAllowed: number;
  /** rules allowing every source or destination */
  readonly allowAllRules: number;
  /** ipBlocks reaching public address space */
  readonly publicExposures: number;
}

export interface CoverageReport {
  readonly version: 1;
  readonly namespaces: readonly NamespaceCoverage[];
  readonly totals: Omit<NamespaceCoverage, 'namespace' | 'defaultDenyIngress' | 'defaultDenyEgress'> & {
    readonly namespaces: number;
    readonly defaultDenyIngress: number;
    readonly defaultDenyEgress: number;
  };
  /** with flows loaded: how many observed flows the policies allow and block */
  readonly observedFlows?: FlowCheckSummary;
}

function defaultDeny(inventory: Inventory, namespace: string, direction: Direction): boolean {
  return (inventory.policiesByNamespace.get(namespace) ?? []).some((p) => isDefaultDeny(p, direction));
}

/** The per-namespace coverage summary, over every namespace the inventory knows. */
export function coverage(inventory: Inventory, config: GuardrailConfig, flows?: ObservedFlows): CoverageReport {
  // the exposure counts come from the rules themselves, whatever their configured severity
  const rules = [allowAllIngress, allowAllEgress, publicCidr, egressBlocksDns];
  const forced: GuardrailConfig = { ...config, rules: {} };
  const { findings } = runGuardrails(inventory, forced, undefined, rules);
  const count = (namespace: string, ids: readonly string[]): number => findings.filter((f) => f.namespace === namespace && ids.includes(f.finding.ruleId)).length;

  const namespaces = [...inventory.namespaces.keys()].sort().map((namespace): NamespaceCoverage => {
    const workloads = (inventory.workloadsByNamespace.get(namespace) ?? []).filter((w) => !w.hostNetwork);
    const isolatedEgress = workloads.filter((w) => isolatingPolicies(inventory, w, 'egress').length > 0).length;
    return {
      namespace,
      workloads: workloads.length,
      defaultDenyIngress: defaultDeny(inventory, namespace, 'ingress'),
      defaultDenyEgress: defaultDeny(inventory, namespace, 'egress'),
      isolatedIngress: workloads.filter((w) => isolatingPolicies(inventory, w, 'ingress').length > 0).length,
      isolatedEgress,
      dnsEgressAllowed: isolatedEgress - count(namespace, [egressBlocksDns.id]),
      allowAllRules: count(namespace, [allowAllIngress.id, allowAllEgress.id]),
      publicExposures: count(namespace, [publicCidr.id]),
    };
  });
  const sum = (key: keyof NamespaceCoverage): number => namespaces.reduce((n, ns) => n + (typeof ns[key] === 'number' ? ns[key] : ns[key] ? 1 : 0), 0);
  return {
    version: 1,
    namespaces,
    totals: {
      namespaces: namespaces.length,
      workloads: sum('workloads'),
      defaultDenyIngress: sum('defaultDenyIngress'),
      defaultDenyEgress: sum('defaultDenyEgress'),
      isolatedIngress: sum('isolatedIngress'),
      isolatedEgress: sum('isolatedEgress'),
      dnsEgressAllowed: sum('dnsEgressAllowed'),
      allowAllRules: sum('allowAllRules'),
      publicExposures: sum('publicExposures'),
    },
    ...(flows ? { observedFlows: checkObservedFlows(inventory, flows).summary } : {}),
  };
}

/** One line: the observed flows the policies allow and block. */
export function formatFlowSummary(s: FlowCheckSummary): string {
  const parts = [`${s.allowed} allowed (${s.allowedObservations} observations)`, `${s.blocked} blocked (${s.blockedObservations} observations)`, `${s.unexpected} dropped by the cluster but allowed`];
  if (s.droppedDenied > 0) parts.push(`${s.droppedDenied} dropped and denied`);
  if (s.notEvaluated > 0) parts.push(`${s.notEvaluated} not evaluated (an end the manifests do not define)`);
  return `observed flows: ${parts.join(', ')}, of ${s.flows}`;
}

/** A fixed-width table for terminals. */
export function formatCoverageText(report: CoverageReport): string {
  const header = ['namespace', 'workloads', 'deny-in', 'deny-out', 'isolated-in', 'isolated-out', 'dns-ok', 'allow-all', 'public'];
  const rows = report.namespaces.map((n) => [
    n.namespace,
    String(n.workloads),
    n.defaultDenyIngress ? 'yes' : 'NO',
    n.defaultDenyEgress ? 'yes' : 'NO',
    `${n.isolatedIngress}/${n.workloads}`,
    `${n.isolatedEgress}/${n.workloads}`,
    `${n.dnsEgressAllowed}/${n.isolatedEgress}`,
    String(n.allowAllRules),
    String(n.publicExposures),
  ]);
  const t = report.totals;
  rows.push([
    `total (${t.namespaces})`,
    String(t.workloads),
    `${t.defaultDenyIngress}/${t.namespaces}`,
    `${t.defaultDenyEgress}/${t.namespaces}`,
    `${t.isolatedIngress}/${t.workloads}`,
    `${t.isolatedEgress}/${t.workloads}`,
    `${t.dnsEgressAllowed}/${t.isolatedEgress}`,
    String(t.allowAllRules),
    String(t.publicExposures),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const table = [line(header), ...rows.map(line)].join('\n');
  return report.observedFlows ? `${table}\n${formatFlowSummary(report.observedFlows)}` : table;
}
