import { ManifestAnalyzer, type AnalysisOptions, DEFAULT_ANALYSIS_OPTIONS, type FileAnalysis } from './analyzer';
import { DEFAULT_CONFIG, type GuardrailConfig } from './config/config';
import { fileContribution, mergeContributions, type InventoryContribution } from './inventory/buildInventory';
import type { Inventory } from './inventory/model';
import { NEVER_CANCELLED, type CancellationToken, type Finding } from './model/finding';
import { runGuardrails } from './rules/runRules';
import { coverage, type CoverageReport } from './coverage';
import { applySuppressions } from './config/suppressions';
import { ALL_RULES } from './model/ruleCatalog';
import { GUARDRAIL_RULES } from './rules/registry';

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
  }

  /** Adds or replaces a file's text; returns its own analysis. */
  update(file: string, text: string, token: CancellationToken = NEVER_CANCELLED): FileAnalysis {
    let entry = this.files.get(file);
    const analyzer = entry?.analyzer ?? new ManifestAnalyzer();
    const result = analyzer.analyze(text, this.options, token);
    entry = { analyzer, result, text };
    this.files.set(file, entry);
    this.inventoryCache = undefined;
    return result;
  }

  /** A file that is skipped before reading (size, binary): its one finding. */
  setSkipped(file: string, finding: Finding): void {
    this.files.set(file, { analyzer: new ManifestAnalyzer(), result: { findings: [finding], objects: [], analysed: false }, text: '' });
    this.inventoryCache = undefined;
  }

  remove(file: string): void {
    this.files.delete(file);
    this.inventoryCache = undefined;
  }

  has(file: string): boolean {
    return this.files.has(file);
  }

  /** The text a file was analysed with ('' for skipped files). */
  textOf(file: string): string | undefined {
    return this.files.get(file)?.text;
  }

  fileNames(): string[] {
    return [...this.files.keys()];
  }

  inventory(): Inventory {
    if (this.inventoryCache) return this.inventoryCache;
    const contributions: InventoryContribution[] = [];
    for (const [file, entry] of this.files) {
      entry.contribution ??= fileContribution(file, entry.result.objects, this.config.defaultNamespace);
      contributions.push(entry.contribution);
    }
    this.inventoryCache = mergeContributions(contributions, this.config.defaultNamespace);
    return this.inventoryCache;
  }

  /** The per-namespace coverage summary of this workspace. */
  coverage(): CoverageReport {
    return coverage(this.inventory(), this.config);
  }

  /** Findings of every file: its own (validation) and the guardrails placed in it. */
  findings(token: CancellationToken = NEVER_CANCELLED): Map<string, Finding[]> {
    const out = new Map<string, Finding[]>();
    for (const [file, entry] of this.files) out.set(file, [...entry.result.findings]);
    const { findings } = runGuardrails(this.inventory(), this.config, token);
    for (const { file, finding } of findings) {
      const list = out.get(file);
      if (list) list.push(finding);
      else out.set(file, [finding]);
    }
    for (const [file, list] of out) {
      const text = this.files.get(file)?.text;
      if (text) out.set(file, applySuppressions(text, list, KNOWN_RULE_IDS));
    }
    for (const list of out.values()) list.sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end || a.ruleId.localeCompare(b.ruleId));
    return out;
  }
}
