import { mergeContributions, type InventoryContribution } from '../inventory/buildInventory';
import type { Direction, NetworkPolicyInfo, PolicyPeer, PolicyPort, PolicyRule } from '../inventory/model';
import { NEVER_CANCELLED, type CancellationToken } from '../model/finding';
import { formatRequirement, type LabelSelector } from '../selectors/labelSelector';
import { diffConnectivity } from '../reachability/diff';
import { formatPortSet, isEmpty, type PortSet } from '../reachability/portSet';

/**
 * Drift between the repository's NetworkPolicies and a cluster's: the policies on one side only,
 * the policies whose meaning differs, and what that does to connectivity over the cluster's real
 * workloads.
 *
 * "Changed" is semantic: both sides are compared after the API server's defaulting and with the
 * ordering Kubernetes ignores left out, so a policy applied from the repository and read back
 * (server-set metadata, managedFields, `protocol: TCP` filled in, policyTypes filled in) is equal.
 * - policyTypes: pkg/apis/networking/v1/defaults.go SetDefaults_NetworkPolicy: when omitted,
 *   Ingress, plus Egress when the egress list is non-empty (the inventory already applies it);
 *   the list is a set;
 * - protocol: SetDefaults_NetworkPolicyPort sets TCP when omitted;
 * - `ports: []` and no ports mean every port, `from: []`/`to: []` and none mean every peer
 *   (NetworkPolicyIngressRule docs: "If this field is empty or missing, this rule matches all");
 * - rules, peers and ports are ORed and matchLabels/matchExpressions ANDed, so their order and
 *   duplicates do not matter, nor the order of In/NotIn values (a set in
 *   apimachinery labels.NewRequirement) or of ipBlock.except;
 * - a matchLabels entry `k: v` is the requirement `k In (v)` (metav1 LabelSelectorAsSelector);
 * - in a peer, an absent podSelector next to a namespaceSelector selects every pod, as `{}` does
 *   (NetworkPolicyPeer docs); an absent namespaceSelector means the policy's own namespace, which
 *   `{}` (every namespace) does not;
 * - the rules of a direction the policy's policyTypes leave out have no effect (the engine ignores
 *   them too), so they are not compared;
 * - only the spec counts: labels, annotations (kubectl.kubernetes.io/last-applied-configuration)
 *   and the server's metadata (uid, resourceVersion, generation, managedFields, timestamps) do not
 *   change what a policy does.
 */

export interface DriftPolicyRef {
  readonly namespace: string;
  readonly name: string;
  readonly policy: NetworkPolicyInfo;
}

/** One difference of a changed policy: a field path and its meaning on each side. */
export interface DriftChange {
  /**
   * e.g. `spec.podSelector`, `spec.policyTypes`, `spec.ingress[1].ports`, `spec.egress[0]`: a rule's
   * index is the repository's, or the cluster's for a rule only the cluster has
   */
  readonly path: string;
  /** the value in the repository, in words; undefined when the repository has no such rule */
  readonly repository: string | undefined;
  /** the value in the cluster, in words; undefined when the cluster has no such rule */
  readonly cluster: string | undefined;
}

export interface ChangedPolicy {
  readonly namespace: string;
  readonly name: string;
  readonly repository: NetworkPolicyInfo;
  readonly cluster: NetworkPolicyInfo;
  readonly changes: readonly DriftChange[];
}

/** A connection one side allows and the other does not (on these ports). */
export interface DriftConnection {
  readonly src: string;
  readonly dst: string;
  /** the ports only this side allows */
  readonly ports: PortSet;
  /** what the side allows in all */
  readonly allowed: PortSet;
}

export interface DriftInput {
  /** the repository's policies (those kube-apiserver would reject already left out) */
  readonly repository: readonly NetworkPolicyInfo[];
  /** the cluster's namespaces, workloads (Pods and their controllers) and policies */
  readonly cluster: InventoryContribution;
  /** compare every namespace, not only those the repository defines policies for */
  readonly allNamespaces?: boolean;
}

export interface DriftReport {
  /** the namespaces compared, sorted; every namespace of both sides with allNamespaces */
  readonly namespaces: readonly string[];
  readonly allNamespaces: boolean;
  /** in the repository, not in the cluster */
  readonly missingInCluster: readonly DriftPolicyRef[];
  /** in the cluster, not in the repository */
  readonly missingInRepository: readonly DriftPolicyRef[];
  readonly changed: readonly ChangedPolicy[];
  /** policies on both sides that mean the same */
  readonly unchanged: number;
  /** repository policies defined more than once (same namespace and name): the first counts */
  readonly duplicates: readonly DriftPolicyRef[];
  readonly connectivity: {
    /** connections the cluster's policies allow and the repository's would not */
    readonly clusterOnly: readonly DriftConnection[];
    /** connections the repository's policies allow and the cluster's do not */
    readonly repositoryOnly: readonly DriftConnection[];
  };
}

export function hasDrift(report: DriftReport): boolean {
  return (
    report.missingInCluster.length > 0 ||
    report.missingInRepository.length > 0 ||
    report.changed.length > 0 ||
    report.connectivity.clusterOnly.length > 0 ||
    report.connectivity.repositoryOnly.length > 0
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function key(p: { namespace: string; name: string }): string {
  return `${p.namespace}/${p.name}`;
}

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compare);
}

/** The selector's requirements in kubectl's syntax, sorted and without duplicates: equal for equal selectors. */
export function selectorRequirements(selector: LabelSelector): string[] {
  const parts: string[] = Object.entries(selector.matchLabels).map(([k, v]) => `${k}=${v}`);
  for (const req of selector.matchExpressions) {
    const values = sortedUnique(req.values);
    const only = values.length === 1 ? values[0] : undefined;
    // `k In (v)` is the matchLabels entry `k: v`, so both read `k=v`
    if (only !== undefined && req.operator === 'In') parts.push(`${req.key}=${only}`);
    else if (only !== undefined && req.operator === 'NotIn') parts.push(`${req.key}!=${only}`);
    else parts.push(formatRequirement({ key: req.key, operator: req.operator, values }));
  }
  return sortedUnique(parts);
}

function selectorText(selector: LabelSelector): string {
  const requirements = selectorRequirements(selector);
  return requirements.length === 0 ? '' : requirements.join(', ');
}

/** The policy's podSelector in words. */
function podSelectorText(selector: LabelSelector): string {
  const text = selectorText(selector);
  return text === '' ? 'every pod in the namespace ({})' : `pods ${text}`;
}

function peerText(peer: PolicyPeer): string {
  if (peer.ipBlock) {
    const except = sortedUnique(peer.ipBlock.except);
    return `ipBlock ${peer.ipBlock.cidr}${except.length > 0 ? ` except ${except.join(', ')}` : ''}`;
  }
  const pods = peer.podSelector === undefined ? '' : selectorText(peer.podSelector);
  const podsText = pods === '' ? 'every pod' : `pods ${pods}`;
  if (peer.namespaceSelector === undefined) return `${podsText} in the policy's namespace`;
  const namespaces = selectorText(peer.namespaceSelector);
  return `${podsText} in ${namespaces === '' ? 'every namespace' : `namespaces ${namespaces}`}`;
}

function portText(port: PolicyPort): string {
  if (port.port === undefined) return `${port.protocol} all ports`;
  if (typeof port.port === 'string') return `${port.protocol} named port ${port.port}`;
  // endPort equal to port is the single port (validation: endPort >= port)
  return `${port.protocol} ${port.endPort !== undefined && port.endPort > port.port ? `${port.port}-${port.endPort}` : port.port}`;
}

interface CanonicalRule {
  readonly index: number;
  readonly peers: readonly string[];
  readonly ports: readonly string[];
  readonly key: string;
}

function peersText(peers: readonly string[], direction: Direction): string {
  return peers.length === 0 ? `every ${direction === 'ingress' ? 'source' : 'destination'}` : peers.join(' or ');
}

function portsText(ports: readonly string[]): string {
  return ports.length === 0 ? 'all ports' : ports.join(', ');
}

function ruleText(rule: CanonicalRule, direction: Direction): string {
  return `${portsText(rule.ports)} ${direction === 'ingress' ? 'from' : 'to'} ${peersText(rule.peers, direction)}`;
}

function canonicalRules(rules: readonly PolicyRule[]): CanonicalRule[] {
  return rules.map((rule, index) => {
    const peers = sortedUnique(rule.peers.map(peerText));
    const ports = sortedUnique(rule.ports.map(portText));
    return { index, peers, ports, key: `${ports.join('\u0001')}\u0000${peers.join('\u0001')}` };
  });
}

function directionChanges(repository: NetworkPolicyInfo, cluster: NetworkPolicyInfo, direction: Direction): DriftChange[] {
  const type = direction === 'ingress' ? 'Ingress' : 'Egress';
  const inRepository = repository.policyTypes.includes(type);
  const inCluster = cluster.policyTypes.includes(type);
  // a direction on one side only: the policyTypes change says it; its rules are listed as such
  if (!inRepository && !inCluster) return [];
  const field = direction === 'ingress' ? 'from' : 'to';
  const repoRules = inRepository ? canonicalRules(repository[direction]) : [];
  const clusterRules = inCluster ? canonicalRules(cluster[direction]) : [];
  const path = `spec.${direction}`;
  if (inRepository !== inCluster) {
    const rules = inRepository ? repoRules : clusterRules;
    const text = rules.length === 0 ? `${type} denied (no rules)` : rules.map((r) => ruleText(r, direction)).join('; ');
    return [{ path, repository: inRepository ? text : `not isolated for ${type}`, cluster: inCluster ? text : `not isolated for ${type}` }];
  }
  const clusterKeys = new Set(clusterRules.map((r) => r.key));
  const repoKeys = new Set(repoRules.map((r) => r.key));
  // the first of duplicate rules is the one shown
  const onlyRepo = repoRules.filter((r, i) => !clusterKeys.has(r.key) && repoRules.findIndex((o) => o.key === r.key) === i);
  const onlyCluster = clusterRules.filter((r, i) => !repoKeys.has(r.key) && clusterRules.findIndex((o) => o.key === r.key) === i);
  const changes: DriftChange[] = [];
  if (repoRules.length === 0 && clusterRules.length > 0) {
    changes.push({ path, repository: `${type} denied (no rules)`, cluster: clusterRules.map((r) => ruleText(r, direction)).join('; ') });
    return changes;
  }
  if (clusterRules.length === 0 && repoRules.length > 0) {
    changes.push({ path, repository: repoRules.map((r) => ruleText(r, direction)).join('; '), cluster: `${type} denied (no rules)` });
    return changes;
  }
  // rules are a set: an unmatched rule of one side is paired with the unmatched rule of the other
  // at the same position, so a one-rule edit reads as that rule's ports or peers changing
  const paired = Math.min(onlyRepo.length, onlyCluster.length);
  for (let i = 0; i < paired; i++) {
    const r = onlyRepo[i]!;
    const c = onlyCluster[i]!;
    const rulePath = `${path}[${r.index}]`;
    if (r.ports.join('\u0001') !== c.ports.join('\u0001')) changes.push({ path: `${rulePath}.ports`, repository: portsText(r.ports), cluster: portsText(c.ports) });
    if (r.peers.join('\u0001') !== c.peers.join('\u0001')) changes.push({ path: `${rulePath}.${field}`, repository: peersText(r.peers, direction), cluster: peersText(c.peers, direction) });
  }
  for (const r of onlyRepo.slice(paired)) changes.push({ path: `${path}[${r.index}]`, repository: ruleText(r, direction), cluster: undefined });
  for (const c of onlyCluster.slice(paired)) changes.push({ path: `${path}[${c.index}]`, repository: undefined, cluster: ruleText(c, direction) });
  return changes;
}

/** What differs in meaning between two versions of a policy; empty when they mean the same. */
export function policyChanges(repository: NetworkPolicyInfo, cluster: NetworkPolicyInfo): DriftChange[] {
  const changes: DriftChange[] = [];
  const repoSelector = podSelectorText(repository.podSelector);
  const clusterSelector = podSelectorText(cluster.podSelector);
  if (repoSelector !== clusterSelector) changes.push({ path: 'spec.podSelector', repository: repoSelector, cluster: clusterSelector });
  const repoTypes = sortedUnique(repository.policyTypes);
  const clusterTypes = sortedUnique(cluster.policyTypes);
  if (repoTypes.join() !== clusterTypes.join()) changes.push({ path: 'spec.policyTypes', repository: repoTypes.join(', '), cluster: clusterTypes.join(', ') });
  changes.push(...directionChanges(repository, cluster, 'ingress'), ...directionChanges(repository, cluster, 'egress'));
  return changes;
}

function byKey(a: { namespace: string; name: string }, b: { namespace: string; name: string }): number {
  return compare(a.namespace, b.namespace) || compare(a.name, b.name);
}

function connectionsOf(list: { src: string; dst: string; ports: PortSet; allowed: PortSet }[]): DriftConnection[] {
  return list.filter((c) => !isEmpty(c.ports)).sort((a, b) => compare(a.src, b.src) || compare(a.dst, b.dst));
}

/**
 * The drift report. Scope: the namespaces the repository defines policies for (a repository often
 * manages a few namespaces of a shared cluster), or every namespace with allNamespaces. The
 * connectivity difference is computed over the cluster's namespaces and workloads: one side with
 * the repository's policies in the compared namespaces, the other with the cluster's; policies of
 * namespaces outside the scope are the cluster's on both sides, so only the drift shows.
 */
export function computeDrift(input: DriftInput, token: CancellationToken = NEVER_CANCELLED): DriftReport {
  const allNamespaces = input.allNamespaces === true;
  const repository = new Map<string, NetworkPolicyInfo>();
  const duplicates: DriftPolicyRef[] = [];
  for (const policy of input.repository) {
    const k = key(policy);
    if (repository.has(k)) duplicates.push({ namespace: policy.namespace, name: policy.name, policy });
    else repository.set(k, policy);
  }
  const scope = new Set<string>([...repository.values()].map((p) => p.namespace));
  if (allNamespaces) for (const p of input.cluster.policies) scope.add(p.namespace);
  const inScope = (namespace: string): boolean => allNamespaces || scope.has(namespace);

  const cluster = new Map<string, NetworkPolicyInfo>();
  for (const policy of input.cluster.policies) if (!cluster.has(key(policy))) cluster.set(key(policy), policy);

  const missingInCluster: DriftPolicyRef[] = [];
  const missingInRepository: DriftPolicyRef[] = [];
  const changed: ChangedPolicy[] = [];
  let unchanged = 0;
  for (const [k, policy] of repository) {
    const other = cluster.get(k);
    if (!other) {
      missingInCluster.push({ namespace: policy.namespace, name: policy.name, policy });
      continue;
    }
    const changes = policyChanges(policy, other);
    if (changes.length === 0) unchanged++;
    else changed.push({ namespace: policy.namespace, name: policy.name, repository: policy, cluster: other, changes });
  }
  for (const [k, policy] of cluster) {
    if (inScope(policy.namespace) && !repository.has(k)) missingInRepository.push({ namespace: policy.namespace, name: policy.name, policy });
  }

  const outside = [...cluster.values()].filter((p) => !inScope(p.namespace));
  const world = (policies: readonly NetworkPolicyInfo[]): InventoryContribution => ({ namespaces: input.cluster.namespaces, workloads: input.cluster.workloads, policies });
  const repositorySide = mergeContributions([world([...outside, ...repository.values()])]);
  const clusterSide = mergeContributions([world([...cluster.values()])]);
  const diff = diffConnectivity(repositorySide, clusterSide, token);
  const clusterOnly = connectionsOf([
    ...diff.added.map((c) => ({ src: c.src, dst: c.dst, ports: c.opened, allowed: c.after })),
    ...diff.changed.map((c) => ({ src: c.src, dst: c.dst, ports: c.opened, allowed: c.after })),
  ]);
  const repositoryOnly = connectionsOf([
    ...diff.removed.map((c) => ({ src: c.src, dst: c.dst, ports: c.closed, allowed: c.before })),
    ...diff.changed.map((c) => ({ src: c.src, dst: c.dst, ports: c.closed, allowed: c.before })),
  ]);

  const namespaces = new Set(scope);
  return {
    namespaces: [...namespaces].sort(compare),
    allNamespaces,
    missingInCluster: missingInCluster.sort(byKey),
    missingInRepository: missingInRepository.sort(byKey),
    changed: changed.sort(byKey),
    unchanged,
    duplicates,
    connectivity: { clusterOnly, repositoryOnly },
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The one-line count of a report: "2 missing in the cluster, 1 not in the repository, ...". */
export function driftSummary(report: DriftReport): string {
  if (!hasDrift(report)) {
    const policies = report.unchanged === 1 ? '1 policy matches' : `${report.unchanged} policies match`;
    return `No drift: ${policies} the cluster in ${plural(report.namespaces.length, 'namespace')}.`;
  }
  return [
    `${report.missingInCluster.length} missing in the cluster`,
    `${report.missingInRepository.length} not in the repository`,
    `${report.changed.length} changed`,
    `${report.unchanged} unchanged`,
    `${report.connectivity.clusterOnly.length} connection(s) only the cluster allows`,
    `${report.connectivity.repositoryOnly.length} only the repository allows`,
  ].join(', ');
}

/** The titles of the report's sections, the same in the CLI's text and the editor's view. */
export const DRIFT_SECTIONS = {
  missingInCluster: 'In the repository, missing in the cluster',
  missingInRepository: 'In the cluster, not in the repository',
  changed: 'Changed',
  clusterOnly: 'Connections the cluster allows and the repository would not',
  repositoryOnly: 'Connections the repository allows and the cluster does not',
} as const;

/** One difference of a changed policy in words: `spec.ingress[0].ports: repository: TCP 8080; cluster: ...`. */
export function formatDriftChange(change: DriftChange, code: (text: string) => string = (t) => t): string {
  return `${code(change.path)}: repository: ${change.repository ?? '(no such rule)'}; cluster: ${change.cluster ?? '(no such rule)'}`;
}

/**
 * The report as text, for the CLI (the editor's view, lsp/drift.ts, is Markdown with the same
 * sections): `where(policy)` gives a policy's place (file:line for the repository's, the cluster's
 * object for the cluster's), `code` quotes names.
 */
export function formatDrift(report: DriftReport, where: (policy: NetworkPolicyInfo) => string, code: (text: string) => string = (t) => t): string {
  const lines: string[] = [];
  const scope = report.allNamespaces ? 'all namespaces with policies' : 'the namespaces the repository has policies for';
  lines.push(`Compared ${scope}: ${report.namespaces.length === 0 ? '(none)' : report.namespaces.join(', ')}.`);
  const section = (title: string, entries: readonly string[]): void => {
    if (entries.length === 0) return;
    lines.push('', `${title}:`, ...entries);
  };
  section(
    DRIFT_SECTIONS.missingInCluster,
    report.missingInCluster.map((p) => `  ${code(`${p.namespace}/${p.name}`)} (${where(p.policy)})`),
  );
  section(
    DRIFT_SECTIONS.missingInRepository,
    report.missingInRepository.map((p) => `  ${code(`${p.namespace}/${p.name}`)} (${where(p.policy)})`),
  );
  section(
    DRIFT_SECTIONS.changed,
    report.changed.flatMap((c) => [`  ${code(`${c.namespace}/${c.name}`)} (${where(c.repository)})`, ...c.changes.map((d) => `    ${formatDriftChange(d)}`)]),
  );
  section(
    DRIFT_SECTIONS.clusterOnly,
    report.connectivity.clusterOnly.map((c) => `  ${code(`${c.src} -> ${c.dst}`)}: ${formatPortSet(c.ports)}`),
  );
  section(
    DRIFT_SECTIONS.repositoryOnly,
    report.connectivity.repositoryOnly.map((c) => `  ${code(`${c.src} -> ${c.dst}`)}: ${formatPortSet(c.ports)}`),
  );
  if (report.duplicates.length > 0) {
    section(
      'Defined more than once in the repository (the first definition is compared)',
      report.duplicates.map((p) => `  ${code(`${p.namespace}/${p.name}`)} (${where(p.policy)})`),
    );
  }
  lines.push('', driftSummary(report));
  return lines.join('\n');
}
