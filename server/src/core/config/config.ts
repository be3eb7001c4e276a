import type { Severity } from '../model/finding';

/** Per-rule configuration: its severity (or off) and options over the rule's defaults. */
export interface RuleSetting {
  readonly severity?: Severity | 'off';
  readonly options?: Readonly<Record<string, unknown>>;
}

/** The guardrail configuration (.netpol-guardrails.yaml), with defaults filled in. */
export interface GuardrailConfig {
  /** the namespace of objects without metadata.namespace */
  readonly defaultNamespace: string;
  readonly rules: Readonly<Record<string, RuleSetting>>;
}

export const DEFAULT_CONFIG: GuardrailConfig = { defaultNamespace: 'default', rules: {} };
