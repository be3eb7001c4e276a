import type { Direction } from '../inventory/model';
import { describePorts, forEachRule, isSplitPortsRule, peerIsAllAddresses, peerIsAllPods, ruleIsEffective } from './ruleShapes';
import { policyName, policyRange, type GuardrailRule, inScope } from './rule';

function allowAllRule(direction: Direction): GuardrailRule {
  const sources = direction === 'ingress' ? 'source' : 'destination';
  return {
    id: `allow-all-${direction}`,
    severity: 'warning',
    description: `A rule allows ${direction} ${direction === 'ingress' ? 'from' : 'to'} every ${sources}: no peers, every pod of every namespace, or 0.0.0.0/0 / ::/0 without except.`,
    defaultOptions: {},
    check({ inventory, scope }, out) {
      for (const policy of inScope(scope, inventory.policies)) {
        if (!ruleIsEffective(policy, direction)) continue;
        forEachRule(policy, (rule, dir, i, peersKey) => {
          if (dir !== direction) return;
          const rules = direction === 'ingress' ? policy.ingress : policy.egress;
          if (rule.peers.length === 0) {
            if (isSplitPortsRule(rules, i)) return; // reported as ports-split-from-peers
            out.policy(policy, 
              policyRange(policy, ['spec', direction, i]),
              `${policyName(policy)} allows ${direction} ${direction === 'ingress' ? 'from' : 'to'} every ${sources} ${describePorts(rule)}: this rule has no ${peersKey} peers. List the peers that need it.`,
            );
            return;
          }
          rule.peers.forEach((peer, j) => {
            const at = policyRange(policy, ['spec', direction, i, peersKey, j]);
            if (peerIsAllPods(peer)) {
              out.policy(policy, at, `${policyName(policy)} allows ${direction} ${direction === 'ingress' ? 'from' : 'to'} every pod of every namespace ${describePorts(rule)}: namespaceSelector: {} with no narrowing podSelector.`);
            } else if (peerIsAllAddresses(peer)) {
              out.policy(policy, at, `${policyName(policy)} allows ${direction} ${direction === 'ingress' ? 'from' : 'to'} every address (${peer.ipBlock?.cidr ?? ''}) ${describePorts(rule)}: narrow the CIDR or add except entries.`);
            }
          });
        });
      }
    },
  };
}

export const allowAllIngress = allowAllRule('ingress');
export const allowAllEgress = allowAllRule('egress');
