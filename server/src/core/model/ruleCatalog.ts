import type { Severity } from './finding';

/** Every finding's ruleId is listed here once, with its default severity and what it means. */
export interface RuleInfo {
  readonly id: string;
  readonly severity: Severity;
  readonly description: string;
}

export const RULES = {
  yamlSyntax: { id: 'yaml-syntax', severity: 'error', description: 'The file is not valid YAML or JSON at this place.' },
  templateSkipped: {
    id: 'template-skipped',
    severity: 'info',
    description: 'The file contains Helm or Go template syntax ({{ ... }}) and is not analysed until rendered.',
  },
  fileSkipped: {
    id: 'file-skipped',
    severity: 'info',
    description: 'The file is too large, binary, not UTF-8 text, or too deeply nested to analyse.',
  },
  apiVersion: {
    id: 'api-version',
    severity: 'error',
    description: 'The NetworkPolicy uses an API version the API server no longer serves.',
  },
  unknownField: {
    id: 'api-unknown-field',
    severity: 'error',
    description: 'A field that the NetworkPolicy schema does not declare (strict field validation rejects it).',
  },
  wrongType: {
    id: 'api-type',
    severity: 'error',
    description: 'A value of the wrong type (for example a list where a map goes), which the API server cannot decode.',
  },
  invalid: { id: 'api-invalid', severity: 'error', description: 'A value the API server rejects as invalid.' },
  required: { id: 'api-required', severity: 'error', description: 'A value the API server requires is missing or empty.' },
  forbidden: { id: 'api-forbidden', severity: 'error', description: 'A field the API server forbids in this combination.' },
  notSupported: {
    id: 'api-not-supported',
    severity: 'error',
    description: 'A value outside the set the API server supports (protocols, policy types).',
  },
  tooLong: { id: 'api-too-long', severity: 'error', description: 'A value longer than the API server allows.' },
  config: {
    id: 'config-invalid',
    severity: 'error',
    description: 'The .netpol-guardrails.yaml configuration has an error here; the defaults apply in its place.',
  },
  suppressionUnknownRule: {
    id: 'suppression-unknown-rule',
    severity: 'warning',
    description: 'A netpol-guardrails-disable comment names a rule that does not exist.',
  },
} as const satisfies Record<string, RuleInfo>;

export type RuleKey = keyof typeof RULES;

export const ALL_RULES: readonly RuleInfo[] = Object.values(RULES);
