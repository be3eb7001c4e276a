import { allowAllEgress, allowAllIngress } from './allowAll';
import { egressBlocksDns } from './egressBlocksDns';
import { broadNamespaceSelector, hostNetworkWorkload } from './exposure';
import { missingDefaultDeny } from './missingDefaultDeny';
import { namedPortUnresolved } from './namedPorts';
import { observedFlowBlocked, observedFlowUnexpected } from './observedFlows';
import { duplicatePolicy, namespaceMissing, portsSplitFromPeers, protocolOmitted } from './policyHygiene';
import { policyTypesMissing, rulesIgnoredByPolicyTypes } from './policyTypes';
import { publicCidr } from './publicCidr';
import { redundantPolicy, redundantRule } from './redundant';
import type { GuardrailRule } from './rule';
import { peerSelectsNothing, policySelectsNothing } from './selectsNothing';
import { workloadNotIsolated } from './workloadNotIsolated';

/** Every guardrail, in the order their findings are listed. Each has docs/rules/<id>.md. */
export const GUARDRAIL_RULES: readonly GuardrailRule[] = [
  missingDefaultDeny,
  workloadNotIsolated,
  policySelectsNothing,
  peerSelectsNothing,
  allowAllIngress,
  allowAllEgress,
  publicCidr,
  egressBlocksDns,
  policyTypesMissing,
  rulesIgnoredByPolicyTypes,
  protocolOmitted,
  namespaceMissing,
  duplicatePolicy,
  portsSplitFromPeers,
  namedPortUnresolved,
  broadNamespaceSelector,
  hostNetworkWorkload,
  redundantRule,
  redundantPolicy,
  observedFlowBlocked,
  observedFlowUnexpected,
];
