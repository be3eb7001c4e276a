import { isolatingPolicies } from '../selectors/peers';
import { inScope, type GuardrailRule } from './rule';
import { directionsOption } from './ruleShapes';

/** A workload no policy selects for a direction accepts (or sends) all traffic. */
export const workloadNotIsolated: GuardrailRule = {
  id: 'workload-not-isolated',
  severity: 'warning',
  description: 'A workload is selected by no NetworkPolicy for ingress or egress, so all such traffic is allowed.',
  defaultOptions: { directions: ['ingress', 'egress'] },
  check({ inventory, options, scope }, out) {
    const directions = directionsOption(options);
    for (const workload of inScope(scope, inventory.workloads)) {
      if (workload.hostNetwork) continue;
      const missing = directions.filter((d) => isolatingPolicies(inventory, workload, d).length === 0);
      if (missing.length === 0) continue;
      const what = missing.join(' and ');
      out.workload(workload, `${workload.kind} ${workload.namespace}/${workload.name} is not isolated for ${what}: no NetworkPolicy selects its pods (${Object.entries(workload.podLabels).map(([k, v]) => `${k}=${v}`).join(', ') || 'no labels'}) for ${what}, so all ${what} traffic is allowed.`,
      );
    }
  },
};
