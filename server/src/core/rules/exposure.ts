import { isEmptySelector } from '../selectors/labelSelector';
import { forEachRule, peerIsAllPods, ruleIsEffective } from './ruleShapes';
import { policyName, policyRange, type GuardrailRule, inScope } from './rule';

/** namespaceSelector: {} narrowed by a podSelector still spans every namespace, present and future. */
export const broadNamespaceSelector: GuardrailRule = {
  id: 'broad-namespace-selector',
  severity: 'warning',
  description: 'namespaceSelector: {} exposes pods to every namespace, including namespaces created later.',
  defaultOptions: {},
  check({ inventory, scope }, out) {
    for (const policy of inScope(scope, inventory.policies)) {
      forEachRule(policy, (rule, direction, i, peersKey) => {
        if (!ruleIsEffective(policy, direction)) return;
        rule.peers.forEach((peer, j) => {
          if (!peer.namespaceSelector || !isEmptySelector(peer.namespaceSelector)) return;
          if (peerIsAllPods(peer)) return; // that is allow-all-*
          out.policy(policy, 
            policyRange(policy, ['spec', direction, i, peersKey, j, 'namespaceSelector'], 'key'),
            `namespaceSelector: {} in ${policyName(policy)} matches every namespace, including ones created later: select the namespaces by label, e.g. kubernetes.io/metadata.name: <namespace>.`,
          );
        });
      });
    }
  },
};

export const hostNetworkWorkload: GuardrailRule = {
  id: 'host-network-workload',
  severity: 'info',
  description: 'A hostNetwork workload: NetworkPolicies do not govern its traffic.',
  defaultOptions: {},
  check({ inventory, scope }, out) {
    for (const workload of inScope(scope, inventory.workloads)) {
      if (!workload.hostNetwork) continue;
      out.workload(workload, `${workload.kind} ${workload.namespace}/${workload.name} uses hostNetwork: NetworkPolicies do not apply to its traffic, whatever they select.`);
    }
  },
};

export { policyName };
