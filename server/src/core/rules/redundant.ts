import type { Direction, NetworkPolicyInfo } from '../inventory/model';
import { redundancyOf, type RuleRef } from './redundancy';
import { policyName, policyRange, related, type GuardrailRule } from './rule';

/** `redundant-rule` and `redundant-policy`: rules and policies that allow nothing the others do not. */

const SHOWN = 3;

function title(direction: Direction): string {
  return direction === 'ingress' ? 'Ingress' : 'Egress';
}

function ruleLabel(rule: RuleRef, from: NetworkPolicyInfo): string {
  const own = rule.policy === from;
  return own ? `rule ${rule.index + 1}` : `${policyName(rule.policy)} ${rule.direction} rule ${rule.index + 1}`;
}

function list(items: readonly string[]): string {
  if (items.length <= SHOWN) return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
  return `${items.slice(0, SHOWN).join(', ')} and ${items.length - SHOWN} more`;
}

/** The namespaces whose policies the run looks at (those in scope, or all). */
function namespaces(policiesByNamespace: ReadonlyMap<string, readonly NetworkPolicyInfo[]>, scope: ReadonlySet<string> | undefined): [string, readonly NetworkPolicyInfo[]][] {
  return [...policiesByNamespace].filter(([ns]) => !scope || scope.has(ns));
}

export const redundantRule: GuardrailRule = {
  id: 'redundant-rule',
  severity: 'info',
  description: 'A rule that allows nothing beyond what other rules for the same pods already allow.',
  defaultOptions: {},
  check({ inventory, scope }, out) {
    for (const [, policies] of namespaces(inventory.policiesByNamespace, scope)) {
      for (const r of redundancyOf(policies).rules) {
        const pods = r.direction === 'ingress' ? 'to the pods it selects' : 'from the pods it selects';
        const by = list(r.coveredBy.map((c) => ruleLabel(c, r.policy)));
        out.policy(
          r.policy,
          policyRange(r.policy, ['spec', r.direction, r.index]),
          `${title(r.direction)} rule ${r.index + 1} of ${policyName(r.policy)} adds nothing: ${by} already allow${r.coveredBy.length === 1 ? 's' : ''} all of its traffic (the same or wider peers and ports) ${pods}. Remove it, or change it if it was meant to allow more.`,
          r.coveredBy.map((c) => related(policyRange(c.policy, ['spec', c.direction, c.index]), `${policyName(c.policy)} ${c.direction} rule ${c.index + 1}`)),
        );
      }
    }
  },
};

export const redundantPolicy: GuardrailRule = {
  id: 'redundant-policy',
  severity: 'warning',
  description: 'A NetworkPolicy that isolates and allows nothing that other policies of its namespace do not already.',
  defaultOptions: {},
  check({ inventory, scope }, out) {
    for (const [, policies] of namespaces(inventory.policiesByNamespace, scope)) {
      for (const r of redundancyOf(policies).policies) {
        const by = list(r.coveredBy.map(policyName));
        const directions = r.policy.policyTypes.map((t) => t.toLowerCase()).join(' and ');
        out.policy(
          r.policy,
          r.policy.source,
          `NetworkPolicy ${policyName(r.policy)} adds nothing: ${by} already isolate${r.coveredBy.length === 1 ? 's' : ''} the pods it selects for ${directions} and allow${r.coveredBy.length === 1 ? 's' : ''} everything it allows. Remove it, or fix its podSelector or rules if it was meant for more.`,
          r.coveredBy.map((p) => related(p.source, `${policyName(p)} covers it`)),
        );
      }
    }
  },
};
