import type { Direction, NetworkPolicyInfo } from '../inventory/model';
import { isEmptySelector } from '../selectors/labelSelector';
import { inScope, type GuardrailRule } from './rule';
import { directionsOption } from './ruleShapes';

/**
 * A namespace's default deny for a direction: a policy with podSelector: {} that isolates every pod
 * for it. A rule with neither peers nor ports (`- {}`) in that direction allows all of it again, so
 * such a policy is an allow-all (the "allow all ingress" example of the Kubernetes docs), not a deny.
 */
export function isDefaultDeny(policy: NetworkPolicyInfo, direction: Direction): boolean {
  const type = direction === 'ingress' ? 'Ingress' : 'Egress';
  const rules = direction === 'ingress' ? policy.ingress : policy.egress;
  return isEmptySelector(policy.podSelector) && policy.policyTypes.includes(type) && !rules.some((r) => r.peers.length === 0 && r.ports.length === 0);
}

/** A namespace with workloads lacks a policy whose empty podSelector isolates every pod. */
export const missingDefaultDeny: GuardrailRule = {
  id: 'missing-default-deny',
  severity: 'warning',
  description: 'A namespace with workloads has no default-deny policy (podSelector: {}) for ingress or egress.',
  defaultOptions: { directions: ['ingress', 'egress'] },
  check({ inventory, options, scope }, out) {
    const directions = directionsOption(options);
    const namespacesWithWorkloads = new Set(inScope(scope, inventory.workloads).filter((w) => !w.hostNetwork).map((w) => w.namespace));
    for (const namespace of namespacesWithWorkloads) {
      const info = inventory.namespaces.get(namespace);
      const firstWorkload = (inventory.workloadsByNamespace.get(namespace) ?? []).find((w) => !w.hostNetwork);
      const source = info?.source ?? firstWorkload?.source;
      if (!source) continue;
      for (const direction of directions) {
        const type = direction === 'ingress' ? 'Ingress' : 'Egress';
        const covered = (inventory.policiesByNamespace.get(namespace) ?? []).some((p) => isDefaultDeny(p, direction));
        if (covered) continue;
        out.namespace(namespace, source, `Namespace "${namespace}" has no default-deny ${direction} policy: add a NetworkPolicy with podSelector: {} and policyTypes: [${type}] so pods are isolated for ${direction} unless a policy allows it.`,
        );
      }
    }
  },
};
