import type { NetworkPolicyInfo } from '../inventory/model';
import { forEachRule, isSplitPortsRule } from './ruleShapes';
import { policyName, policyRange, related, type GuardrailRule, inScope } from './rule';

export const protocolOmitted: GuardrailRule = {
  id: 'protocol-omitted',
  severity: 'info',
  description: 'A port without protocol: TCP is assumed.',
  defaultOptions: {},
  check({ inventory, scope }, out) {
    for (const policy of inScope(scope, inventory.policies)) {
      forEachRule(policy, (rule, direction, i) => {
        rule.ports.forEach((port, j) => {
          if (port.protocolExplicit) return;
          const at = port.port === undefined ? ['spec', direction, i, 'ports', j] : ['spec', direction, i, 'ports', j, 'port'];
          out.policy(policy, policyRange(policy, at, 'key'), `No protocol on this port of ${policyName(policy)}: TCP is assumed. Write protocol: TCP (or UDP/SCTP) to make it explicit.`);
        });
      });
    }
  },
};

export const namespaceMissing: GuardrailRule = {
  id: 'namespace-missing',
  severity: 'warning',
  description: 'The policy has no metadata.namespace, so it lands in whatever namespace kubectl targets (the configured default here).',
  defaultOptions: {},
  check({ inventory, scope }, out) {
    for (const policy of inScope(scope, inventory.policies)) {
      if (policy.namespaceExplicit) continue;
      out.policy(policy, 
        policyRange(policy, ['metadata']),
        `NetworkPolicy ${policy.name} has no metadata.namespace: it lands in the namespace kubectl targets (taken as "${policy.namespace}" here). Add namespace: ${policy.namespace} to be sure.`,
      );
    }
  },
};

export const duplicatePolicy: GuardrailRule = {
  id: 'duplicate-policy',
  severity: 'error',
  description: 'Two NetworkPolicies with the same namespace and name: one overwrites the other.',
  defaultOptions: {},
  check({ inventory, scope }, out) {
    const seen = new Map<string, NetworkPolicyInfo>();
    for (const policy of inScope(scope, inventory.policies)) {
      if (!policy.name) continue;
      const key = policyName(policy);
      const first = seen.get(key);
      if (!first) {
        seen.set(key, policy);
        continue;
      }
      out.policy(policy, policy.source, `NetworkPolicy ${key} is defined twice: applying both keeps only the last one.`, [related(first.source, 'first definition')]);
    }
  },
};

export const portsSplitFromPeers: GuardrailRule = {
  id: 'ports-split-from-peers',
  severity: 'error',
  description: 'A `- ports:` item became its own rule, next to a rule with only peers: those ports are open to everyone.',
  defaultOptions: {},
  check({ inventory, scope }, out) {
    for (const policy of inScope(scope, inventory.policies)) {
      for (const [direction, peersKey, rules] of [
        ['ingress', 'from', policy.ingress],
        ['egress', 'to', policy.egress],
      ] as const) {
        rules.forEach((_, i) => {
          if (!isSplitPortsRule(rules, i)) return;
          out.policy(policy, 
            policyRange(policy, ['spec', direction, i, 'ports'], 'key'),
            `In ${policyName(policy)}, "- ports:" starts a separate ${direction} rule, so these ports are allowed ${direction === 'ingress' ? 'from' : 'to'} everyone and the neighbouring rule's ${peersKey} peers on every port. Remove the "-" before ports to join them into one rule.`,
          );
        });
      }
    }
  },
};
