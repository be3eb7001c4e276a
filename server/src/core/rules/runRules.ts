import type { Exemption, GuardrailConfig } from '../config/config';
import type { Inventory, SourceRef } from '../inventory/model';
import type { CancellationToken, RelatedInformation, Severity } from '../model/finding';
import { NEVER_CANCELLED } from '../model/finding';
import { selectorImplies, selectorMatches } from '../selectors/labelSelector';
import { GUARDRAIL_RULES } from './registry';
import type { GuardrailRule, Subject, WorkspaceFinding } from './rule';
import type { ObservedFlows } from '../flows/check';

function exempt(exemptions: readonly Exemption[], ruleId: string, subject: Subject): boolean {
  return exemptions.some((e) => {
    if (e.rules && !e.rules.includes(ruleId)) return false;
    if (e.namespaces && !e.namespaces.includes(subject.namespace)) return false;
    if (e.podSelector) {
      if (subject.podLabels !== undefined) return selectorMatches(e.podSelector, subject.podLabels);
      // a policy is exempt when every pod it selects is: `podSelector: { app: ingress-nginx }` with
      // rules [allow-all-ingress] exempts the ingress controller's own policy
      return subject.podSelector !== undefined && selectorImplies(subject.podSelector, e.podSelector);
    }
    return e.namespaces !== undefined || e.rules !== undefined;
  });
}

/** Runs every enabled guardrail over the inventory; a rule that throws is reported, not fatal. */
export function runGuardrails(
  inventory: Inventory,
  config: GuardrailConfig,
  token: CancellationToken = NEVER_CANCELLED,
  rules: readonly GuardrailRule[] = GUARDRAIL_RULES,
  scope?: ReadonlySet<string>,
  flows?: ObservedFlows,
): { findings: WorkspaceFinding[]; failures: { ruleId: string; error: string }[] } {
  const findings: WorkspaceFinding[] = [];
  const failures: { ruleId: string; error: string }[] = [];
  for (const rule of rules) {
    if (token.isCancellationRequested) break;
    const setting = config.rules[rule.id];
    if (setting?.severity === 'off') continue;
    if (rule.requiresFlows && !flows) continue;
    const severity: Severity = setting?.severity ?? rule.severity;
    const options = { ...rule.defaultOptions, ...(setting?.options ?? {}) };
    const emit = (subject: Subject, at: SourceRef, message: string, related: readonly RelatedInformation[] = []): void => {
      if (scope && !scope.has(subject.namespace)) return;
      if (exempt(config.exemptions, rule.id, subject)) return;
      findings.push({ file: at.file, namespace: subject.namespace, finding: { ruleId: rule.id, severity, message, range: at.range, related } });
    };
    try {
      rule.check(
        { inventory, options, config, scope, flows, token },
        {
          policy: (policy, at, message, related) => emit({ namespace: policy.namespace, podSelector: policy.podSelector }, at, message, related),
          workload: (workload, message, related) => emit({ namespace: workload.namespace, podLabels: workload.podLabels }, workload.source, message, related),
          namespace: (namespace, at, message) => emit({ namespace }, at, message),
        },
      );
    } catch (error) {
      failures.push({ ruleId: rule.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { findings, failures };
}
