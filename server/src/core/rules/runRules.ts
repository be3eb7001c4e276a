import type { GuardrailConfig } from '../config/config';
import type { Inventory } from '../inventory/model';
import type { CancellationToken } from '../model/finding';
import { NEVER_CANCELLED } from '../model/finding';
import { GUARDRAIL_RULES } from './registry';
import type { GuardrailRule, WorkspaceFinding } from './rule';

/** Runs every enabled guardrail over the inventory; a rule that throws is reported, not fatal. */
export function runGuardrails(
  inventory: Inventory,
  config: GuardrailConfig,
  token: CancellationToken = NEVER_CANCELLED,
  rules: readonly GuardrailRule[] = GUARDRAIL_RULES,
): { findings: WorkspaceFinding[]; failures: { ruleId: string; error: string }[] } {
  const findings: WorkspaceFinding[] = [];
  const failures: { ruleId: string; error: string }[] = [];
  for (const rule of rules) {
    if (token.isCancellationRequested) break;
    const setting = config.rules[rule.id];
    if (setting?.severity === 'off') continue;
    const severity = setting?.severity ?? rule.severity;
    const options = { ...rule.defaultOptions, ...(setting?.options ?? {}) };
    try {
      rule.check(
        { inventory, options },
        {
          report(source, message, related = []) {
            findings.push({ file: source.file, finding: { ruleId: rule.id, severity, message, range: source.range, related } });
          },
        },
      );
    } catch (error) {
      failures.push({ ruleId: rule.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { findings, failures };
}
