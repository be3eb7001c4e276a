import type { Protocol, Workload } from '../inventory/model';
import { peerSelectsWorkload, policySelects } from '../selectors/peers';
import { forEachRule, ruleIsEffective } from './ruleShapes';
import { policyName, policyRange, type GuardrailRule, inScope } from './rule';

function defines(workload: Workload, name: string, protocol: Protocol): boolean {
  return workload.ports.some((p) => p.name === name && p.protocol === protocol);
}

/**
 * A named port resolves against the destination pods' container ports (name and protocol). For
 * ingress the destination is the policy's own pods; for egress, the pods its peers select; toward
 * an ipBlock a name never resolves.
 */
export const namedPortUnresolved: GuardrailRule = {
  id: 'named-port-unresolved',
  severity: 'warning',
  description: 'A named port that no destination container defines with that protocol, so it allows nothing.',
  defaultOptions: {},
  check({ inventory, scope }, out) {
    for (const policy of inScope(scope, inventory.policies)) {
      forEachRule(policy, (rule, direction, i) => {
        if (!ruleIsEffective(policy, direction)) return;
        rule.ports.forEach((port, j) => {
          if (typeof port.port !== 'string') return;
          const name = port.port;
          const at = policyRange(policy, ['spec', direction, i, 'ports', j, 'port'], 'value');
          let destinations: Workload[];
          if (direction === 'ingress') {
            destinations = (inventory.workloadsByNamespace.get(policy.namespace) ?? []).filter((w) => policySelects(policy, w));
          } else {
            if (rule.peers.length > 0 && rule.peers.every((p) => p.ipBlock !== undefined)) {
              out.policy(policy, at, `Named port "${name}" in ${policyName(policy)} cannot resolve: its destinations are ipBlocks, which have no container ports. Use a port number.`);
              return;
            }
            destinations =
              rule.peers.length === 0 ? [...inventory.workloads] : inventory.workloads.filter((w) => rule.peers.some((peer) => peerSelectsWorkload(inventory, policy, peer, w)));
          }
          if (destinations.length === 0) return; // nothing known to judge by
          if (destinations.some((w) => defines(w, name, port.protocol))) return;
          const otherProtocol = destinations.find((w) => w.ports.some((p) => p.name === name));
          const hint = otherProtocol
            ? ` ${otherProtocol.namespace}/${otherProtocol.name} defines "${name}" as ${otherProtocol.ports.find((p) => p.name === name)?.protocol ?? ''}, not ${port.protocol}.`
            : ` Known port names there: ${[...new Set(destinations.flatMap((w) => w.ports.map((p) => p.name).filter((n): n is string => n !== undefined)))].join(', ') || 'none'}.`;
          out.policy(policy, at, `Named port "${name}"/${port.protocol} in ${policyName(policy)} matches no container port of its ${direction === 'ingress' ? 'selected pods' : 'destinations'} (${destinations.map((w) => `${w.namespace}/${w.name}`).slice(0, 3).join(', ')}).${hint}`);
        });
      });
    }
  },
};
