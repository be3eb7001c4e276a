/** The analysis engine's public face: pure functions and plain data, no editor, no I/O. */
export { ManifestAnalyzer, analyzeText, fileTooLargeFinding, DEFAULT_ANALYSIS_OPTIONS } from './analyzer';
export type { AnalysisOptions, FileAnalysis } from './analyzer';
export type { Finding, OffsetRange, RelatedInformation, Severity, CancellationToken } from './model/finding';
export { SEVERITY_ORDER, NEVER_CANCELLED } from './model/finding';
export { ALL_RULES, RULES } from './model/ruleCatalog';
export type { RuleInfo } from './model/ruleCatalog';
export { decodeManifestBytes } from './parse/decode';
export type { ManifestObject } from './parse/manifest';
export { LineIndex } from './model/lineIndex';
export { WorkspaceAnalysis, KNOWN_RULE_IDS } from './workspace';
export { parseConfig } from './config/parseConfig';
export { CONFIG_FILE_NAME } from './config/config';
export { DEFAULT_CONFIG } from './config/config';
export type { GuardrailConfig, RuleSetting } from './config/config';
export { GUARDRAIL_RULES } from './rules/registry';
export type { GuardrailRule, WorkspaceFinding } from './rules/rule';
export { buildInventory } from './inventory/buildInventory';
export type { Inventory, Workload, NamespaceInfo, NetworkPolicyInfo } from './inventory/model';
