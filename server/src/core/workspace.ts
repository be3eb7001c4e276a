import { ManifestAnalyzer, type AnalysisOptions, DEFAULT_ANALYSIS_OPTIONS, type FileAnalysis } from './analyzer';
import { DEFAULT_CONFIG, type GuardrailConfig } from './config/config';
import { fileContribution, mergeContributions, type InventoryContribution } from './inventory/buildInventory';
import type { Inventory } from './inventory/model';
import { NEVER_CANCELLED, type CancellationToken, type Finding } from './model/finding';
import { runGuardrails } from './rules/runRules';
import type { WorkspaceFinding } from './rules/rule';
import type { ManifestObject } from './parse/manifest';
import { coverage, type CoverageReport } from './coverage';
import { applySuppressions } from './config/suppressions';
import { ALL_RULES } from './model/ruleCatalog';
import { GUARDRAIL_RULES } from './rules/registry';
import { inClusterMessage, withClusterObjects, type ClusterObjects, type InventorySourceMode } from './inventory/clusterObjects';
import type { ObservedFlows } from './flows/check';
import { remapFlows, type StoredFlowPiece } from './flows/aggregate';

/** The rules run per namespace scope; the observed-flow rules always run over the whole workspace. */
const SCOPED_RULES = GUARDRAIL_RULES.filter((r) => !r.requiresFlows);
const FLOW_RULES = GUARDRAIL_RULES.filter((r) => r.requiresFlows);

/** Every rule id a finding can carry: the API and parsing rules and the guardrails. */
export const KNOWN_RULE_IDS: ReadonlySet<string> = new Set([...ALL_RULES.map((r) => r.id), ...GUARDRAIL_RULES.map((r) => r.id)]);

/**
 * The workspace: every file's own analysis (kept incrementally, one analyzer per file) plus the
 * guardrails over the inventory of all of them. The language server and the CLI both use this,
 * so the same files give the same findings.
 */
export class WorkspaceAnalysis {
  private readonly files = new Map<string, { analyzer: ManifestAnalyzer; result: FileAnalysis; text: string; contribution?: InventoryContribution }>();
  /** the inventory of the current files, rebuilt (from per-file contributions) after a change */
  private inventoryCache: Inventory | undefined;
  /** the files' inventory alone (what hovers call "the workspace") when cluster objects are merged */
  private workspaceInventoryCache: Inventory | undefined;
  /** the connected cluster's objects and how they take part (the inventorySource setting) */
  private cluster: { readonly objects: ClusterObjects; readonly mode: InventorySourceMode } | undefined;
  /**
   * The guardrail findings of the last run, by the namespace they are about, with what they were
   * computed from; and the files changed since, with their inventory contribution before the
   * change. An edit re-runs the rules only for the namespaces it touches (see `changedScope`).
   */
  private guardrails: { readonly byNamespace: Map<string, WorkspaceFinding[]>; readonly worldView: string } | undefined;
  private readonly changedFiles = new Map<string, InventoryContribution | undefined>();
  /** traffic observed in the cluster, for the observed-flow rules and the coverage summary */
  private observedFlows: ObservedFlows | undefined;
  /**
   * The flow files as read, when given so (setFlowPieces): the observed flows are then mapped to
   * this workspace's workloads again after an edit changes the workloads (a Deployment added,
   * relabelled, removed), without reading the files again. `flowsStale` says a mapping is due;
   * `flowChangedFiles` holds, as changedFiles does, the contributions before the changes since.
   */
  private flowPieces: readonly StoredFlowPiece[] | undefined;
  private flowsStale = false;
  private readonly flowChangedFiles = new Map<string, InventoryContribution | undefined>();
  /** the observed-flow rules' findings, and what they were computed from */
  private flowFindings: { readonly inventory: Inventory; readonly flows: ObservedFlows; readonly config: GuardrailConfig; readonly findings: readonly WorkspaceFinding[] } | undefined;
  /** per file: the findings returned last time and what they were made from */
  private readonly fileFindings = new Map<string, { readonly own: FileAnalysis; readonly guardrails: readonly WorkspaceFinding[]; readonly text: string; readonly out: Finding[] }>();

  constructor(
    private config: GuardrailConfig = DEFAULT_CONFIG,
    private options: AnalysisOptions = DEFAULT_ANALYSIS_OPTIONS,
  ) {}

  setConfig(config: GuardrailConfig, options: AnalysisOptions = this.options): void {
    this.config = config;
    this.options = options;
    // re-analyse with the new options; skipped files keep their one finding
    for (const [file, entry] of this.files) {
      if (entry.result.analysed || entry.text !== '') this.update(file, entry.text);
      else delete entry.contribution;
    }
    this.inventoryCache = undefined;
    this.workspaceInventoryCache = undefined;
    this.guardrails = undefined;
    this.flowsStale = true;
  }

  /**
   * The connected cluster's objects (undefined: none) and how they take part in the inventory
   * (inventory/clusterObjects.ts). Every guardrail runs again on the next findings().
   */
  setCluster(objects: ClusterObjects | undefined, mode: InventorySourceMode): void {
    const next = objects && mode !== 'workspace' ? { objects, mode } : undefined;
    if (next?.objects === this.cluster?.objects && next?.mode === this.cluster?.mode) return;
    this.cluster = next;
    this.inventoryCache = undefined;
    this.guardrails = undefined;
    this.flowsStale = true;
  }

  /** Whether cluster objects take part in the inventory now. */
  hasCluster(): boolean {
    return this.cluster !== undefined;
  }

  /** Remembers a file's contribution before its first change since the last findings(). */
  private changing(file: string): void {
    if (!this.changedFiles.has(file)) this.changedFiles.set(file, this.files.get(file)?.contribution);
    if (this.flowPieces && !this.flowChangedFiles.has(file)) this.flowChangedFiles.set(file, this.files.get(file)?.contribution);
    this.inventoryCache = undefined;
    this.workspaceInventoryCache = undefined;
  }

  /** Loads (or, with undefined, unloads) observed flows, mapped once and for all: the observed-flow rules check them. */
  setFlows(flows: ObservedFlows | undefined): void {
    this.observedFlows = flows;
    this.flowPieces = undefined;
    this.flowChangedFiles.clear();
    this.flowFindings = undefined;
  }

  /**
   * Loads observed flows as read from their files (flowFiles.ts' `pieces`), mapped to this
   * workspace's workloads now and again whenever the workloads change.
   */
  setFlowPieces(pieces: readonly StoredFlowPiece[]): void {
    this.flowPieces = pieces;
    this.flowsStale = true;
    this.flowChangedFiles.clear();
    this.flowFindings = undefined;
  }

  /** The observed flows, mapped to the current workloads. */
  flows(): ObservedFlows | undefined {
    const pieces = this.flowPieces;
    if (!pieces) return this.observedFlows;
    const inventory = this.inventory();
    for (const [file, before] of this.flowChangedFiles) {
      const after = this.files.get(file)?.contribution;
      if (!before && !after) continue;
      if (!before || !after || workloadsView(before) !== workloadsView(after)) this.flowsStale = true;
    }
    this.flowChangedFiles.clear();
    if (this.flowsStale || !this.observedFlows) {
      this.observedFlows = { flows: remapFlows(pieces, { inventory }).flows };
      this.flowsStale = false;
    }
    return this.observedFlows;
  }

  /** The guardrail configuration in force (templates read its selectors). */
  configuration(): GuardrailConfig {
    return this.config;
  }

  /** Adds or replaces a file's text; returns its own analysis. */
  update(file: string, text: string, token: CancellationToken = NEVER_CANCELLED): FileAnalysis {
    let entry = this.files.get(file);
    this.changing(file);
    const analyzer = entry?.analyzer ?? new ManifestAnalyzer();
    const result = analyzer.analyze(text, this.options, token);
    entry = { analyzer, result, text };
    this.files.set(file, entry);
    return result;
  }

  /** Adds a file analysed elsewhere (the CLI's worker threads): its text and its own analysis. */
  setAnalysed(file: string, text: string, result: FileAnalysis): void {
    this.changing(file);
    this.files.set(file, { analyzer: new ManifestAnalyzer(), result, text });
  }

  /** A file that is skipped before reading (size, binary): its one finding. */
  setSkipped(file: string, finding: Finding): void {
    this.changing(file);
    this.files.set(file, { analyzer: new ManifestAnalyzer(), result: { findings: [finding], objects: [], analysed: false }, text: '' });
  }

  remove(file: string): void {
    this.changing(file);
    this.files.delete(file);
    this.fileFindings.delete(file);
  }

  has(file: string): boolean {
    return this.files.has(file);
  }

  /** The objects parsed from a file (none for skipped files). */
  objectsOf(file: string): readonly ManifestObject[] {
    return this.files.get(file)?.result.objects ?? [];
  }

  /** The text a file was analysed with ('' for skipped files). */
  textOf(file: string): string | undefined {
    return this.files.get(file)?.text;
  }

  fileNames(): string[] {
    return [...this.files.keys()];
  }

  /** The inventory the analysis reads: the files', with the cluster's objects when they take part. */
  inventory(): Inventory {
    if (this.inventoryCache) return this.inventoryCache;
    const contributions = this.fileContributions();
    this.inventoryCache = this.cluster
      ? mergeContributions(withClusterObjects(contributions, this.cluster.objects, this.cluster.mode), this.config.defaultNamespace)
      : mergeContributions(contributions, this.config.defaultNamespace);
    return this.inventoryCache;
  }

  /** The files' inventory alone, whatever the cluster. */
  workspaceInventory(): Inventory {
    if (!this.cluster) return this.inventory();
    return (this.workspaceInventoryCache ??= mergeContributions(this.fileContributions(), this.config.defaultNamespace));
  }

  private fileContributions(): InventoryContribution[] {
    const contributions: InventoryContribution[] = [];
    for (const [file, entry] of this.files) {
      entry.contribution ??= fileContribution(file, entry.result.objects, this.config.defaultNamespace);
      contributions.push(entry.contribution);
    }
    return contributions;
  }

  /** The per-namespace coverage summary of this workspace. */
  coverage(): CoverageReport {
    return coverage(this.inventory(), this.config, this.flows());
  }

  /** Findings of every file: its own (validation) and the guardrails placed in it. */
  findings(token: CancellationToken = NEVER_CANCELLED): Map<string, Finding[]> {
    const byFile = new Map<string, WorkspaceFinding[]>();
    for (const list of [...this.guardrailFindings(token).values(), this.observedFlowFindings(token)]) {
      for (const f of list) {
        const forFile = byFile.get(f.file);
        if (forFile) forFile.push(f);
        else byFile.set(f.file, [f]);
      }
    }
    const out = new Map<string, Finding[]>();
    for (const [file, entry] of this.files) {
      const guardrails = byFile.get(file) ?? [];
      byFile.delete(file);
      const last = this.fileFindings.get(file);
      // unchanged own findings, text and guardrail findings (the same objects): the same answer
      if (last && last.own === entry.result && last.text === entry.text && sameItems(last.guardrails, guardrails)) {
        out.set(file, last.out);
        continue;
      }
      let list = [...entry.result.findings, ...guardrails.map((g) => g.finding)];
      if (entry.text) list = applySuppressions(entry.text, list, KNOWN_RULE_IDS);
      list.sort(byPosition);
      this.fileFindings.set(file, { own: entry.result, guardrails, text: entry.text, out: list });
      out.set(file, list);
    }
    // findings placed in objects the workspace does not hold: the cluster's; their message says so
    const context = this.cluster?.objects.context;
    for (const [file, guardrails] of byFile) {
      const list = guardrails.map((g) => (context === undefined ? g.finding : { ...g.finding, message: inClusterMessage(context, g.finding.message) }));
      out.set(file, list.sort(byPosition));
    }
    return out;
  }

  /** The guardrail findings by namespace: re-run only for the namespaces changed since last time. */
  private guardrailFindings(token: CancellationToken): ReadonlyMap<string, WorkspaceFinding[]> {
    const inventory = this.inventory();
    const worldView = worldViewOf(inventory);
    const previous = this.guardrails;
    const scope = previous && previous.worldView === worldView ? this.changedScope(previous.byNamespace) : undefined;
    this.changedFiles.clear();
    if (previous && scope?.size === 0) return previous.byNamespace;
    const { findings } = runGuardrails(inventory, this.config, token, SCOPED_RULES, scope);
    if (token.isCancellationRequested) {
      // a partial run is no base for the next one
      this.guardrails = undefined;
      return groupByNamespace(findings);
    }
    const fresh = groupByNamespace(findings);
    if (!previous || !scope) {
      this.guardrails = { byNamespace: fresh, worldView };
      return fresh;
    }
    const byNamespace = new Map(previous.byNamespace);
    for (const namespace of scope) {
      const list = fresh.get(namespace);
      if (list) byNamespace.set(namespace, list);
      else byNamespace.delete(namespace);
    }
    this.guardrails = { byNamespace, worldView };
    return byNamespace;
  }

  /** The observed-flow rules' findings: re-run when the inventory, the flows or the configuration change. */
  private observedFlowFindings(token: CancellationToken): readonly WorkspaceFinding[] {
    const flows = this.flows();
    if (!flows) return [];
    const inventory = this.inventory();
    const last = this.flowFindings;
    if (last && last.inventory === inventory && last.flows === flows && last.config === this.config) return last.findings;
    const { findings } = runGuardrails(inventory, this.config, token, FLOW_RULES, undefined, flows);
    if (!token.isCancellationRequested) this.flowFindings = { inventory, flows, config: this.config, findings };
    return findings;
  }

  /**
   * The namespaces whose findings the changes since the last run may change, or undefined when
   * every namespace's may. A rule's findings about a subject in namespace N read the policies of
   * N and any workload or namespace (RuleContext.scope): so a change of workloads or namespaces
   * means a full run, while a change of policies re-runs their namespaces only. Findings placed in
   * a changed file (or pointing into one) are re-made too: the text around them may have moved.
   */
  private changedScope(previous: ReadonlyMap<string, WorkspaceFinding[]>): Set<string> | undefined {
    const scope = new Set<string>();
    for (const [file, before] of this.changedFiles) {
      const after = this.files.get(file)?.contribution;
      if (!before && !after) continue;
      if (!before || !after || workloadsView(before) !== workloadsView(after)) return undefined;
      for (const c of [before, after]) {
        for (const p of c.policies) scope.add(p.namespace);
        for (const w of c.workloads) scope.add(w.namespace);
        for (const n of c.namespaces) scope.add(n.name);
      }
    }
    const files = new Set(this.changedFiles.keys());
    for (const [namespace, list] of previous) {
      if (scope.has(namespace)) continue;
      if (list.some((f) => files.has(f.file) || f.finding.related.some((r) => r.file !== undefined && files.has(r.file)))) scope.add(namespace);
    }
    return scope;
  }
}

function byPosition(a: Finding, b: Finding): number {
  // a total order, so an incremental run lists a file's findings as a full run (the CLI) does
  return a.range.start - b.range.start || a.range.end - b.range.end || a.ruleId.localeCompare(b.ruleId) || a.message.localeCompare(b.message);
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

function groupByNamespace(findings: readonly WorkspaceFinding[]): Map<string, WorkspaceFinding[]> {
  const out = new Map<string, WorkspaceFinding[]>();
  for (const f of findings) {
    const list = out.get(f.namespace);
    if (list) list.push(f);
    else out.set(f.namespace, [f]);
  }
  return out;
}

/** What every rule may read across namespaces: the namespaces and their labels. */
function worldViewOf(inventory: Inventory): string {
  const parts: string[] = [];
  for (const [name, info] of inventory.namespaces) parts.push(`${name}\u0000${JSON.stringify(info.labels)}\u0000${info.explicit ? 1 : 0}`);
  return parts.sort().join('\n');
}

/** A file's workloads and namespaces as the rules see them (without their places in the text). */
function workloadsView(contribution: InventoryContribution): string {
  return JSON.stringify([
    contribution.workloads.map((w) => [w.kind, w.namespace, w.name, w.podLabels, w.ports, w.hostNetwork, w.owner ?? null]),
    contribution.namespaces.map((n) => [n.name, n.labels, n.explicit]),
  ]);
}
