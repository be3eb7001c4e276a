import { policyName, policyRange, type GuardrailRule, inScope } from './rule';

/** policyTypes omitted: say what Kubernetes infers (pkg/apis/networking/v1/defaults.go). */
export const policyTypesMissing: GuardrailRule = {
  id: 'policy-types-missing',
  severity: 'info',
  description: 'policyTypes is omitted, so Kubernetes infers it: Ingress always, Egress only when egress rules exist.',
  defaultOptions: {},
  check({ inventory, scope }, out) {
    for (const policy of inScope(scope, inventory.policies)) {
      if (policy.declaredPolicyTypes.length > 0) continue;
      const inferred = policy.policyTypes.join(', ');
      const egressNote = policy.policyTypes.includes('Egress') ? '' : ' It does not isolate egress: add Egress if you meant to.';
      out.policy(policy, 
        policyRange(policy, ['spec']),
        `${policyName(policy)} omits policyTypes, so Kubernetes infers [${inferred}].${egressNote} Write policyTypes: [${inferred}] to make it explicit.`,
      );
    }
  },
};

/** Rules of a direction whose type is not in an explicit policyTypes list do nothing. */
export const rulesIgnoredByPolicyTypes: GuardrailRule = {
  id: 'rules-ignored-by-policy-types',
  severity: 'warning',
  description: 'ingress or egress rules are present but policyTypes does not list their type, so they have no effect.',
  defaultOptions: {},
  check({ inventory, scope }, out) {
    for (const policy of inScope(scope, inventory.policies)) {
      if (policy.declaredPolicyTypes.length === 0) continue;
      for (const [direction, type, rules] of [
        ['ingress', 'Ingress', policy.ingress],
        ['egress', 'Egress', policy.egress],
      ] as const) {
        if (rules.length === 0 || policy.policyTypes.includes(type)) continue;
        out.policy(policy, 
          policyRange(policy, ['spec', direction]),
          `The ${direction} rules of ${policyName(policy)} are ignored: policyTypes [${policy.declaredPolicyTypes.join(', ')}] does not list ${type}. Add ${type} to policyTypes, or remove these rules.`,
        );
      }
    }
  },
};
