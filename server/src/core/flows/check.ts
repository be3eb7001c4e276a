import type { Direction, Inventory } from '../inventory/model';
import { NEVER_CANCELLED, type CancellationToken } from '../model/finding';
import { ReachabilityIndex } from '../reachability/engine';
import { PortSetTable, contains } from '../reachability/portSet';
import type { AggregatedFlow, FlowEndpoint } from './model';

/**
 * Observed flows against the workspace's policies, with the reachability engine: for each flow,
 * whether the policies allow it, and if not which side denies it (the source's egress, the
 * destination's ingress, or both). A side denies when policies isolate it for that direction and
 * none of their rules allows the other end on the flow's protocol and port (the engine's
 * semantics, see reachability/engine.ts).
 *
 * - blocked: traffic the cluster forwarded (seen flowing) that the policies would deny; applying
 *   them would cut it off.
 * - unexpected: traffic the cluster only ever dropped that the policies allow: the workspace and
 *   the cluster disagree.
 * - not evaluated: a flow whose end is a workload the workspace does not define, or whose two
 *   ends are both outside the cluster (NetworkPolicies govern neither).
 * An address is found in the index's external ranges: every address of a range has the same
 * connectivity (reachability/addresses.ts), so no range needs cutting for the flows.
 */

/** The observed flows given to the flow rules (RuleContext.flows). */
export interface ObservedFlows {
  readonly flows: readonly AggregatedFlow[];
}

export interface FlowVerdictEntry {
  readonly flow: AggregatedFlow;
  /** endpoint indexes in the check's index */
  readonly from: number;
  readonly to: number;
  /** the sides whose policies deny the flow (empty when allowed) */
  readonly deniedBy: readonly Direction[];
}

export interface FlowCheckSummary {
  readonly flows: number;
  /** forwarded flows the policies allow / deny, and the observations they stand for */
  readonly allowed: number;
  readonly blocked: number;
  readonly allowedObservations: number;
  readonly blockedObservations: number;
  /** dropped-only flows the policies allow */
  readonly unexpected: number;
  /** dropped-only flows the policies deny too (the cluster and the workspace agree) */
  readonly droppedDenied: number;
  /** flows with an end the workspace does not define, or with two external ends */
  readonly notEvaluated: number;
}

export interface FlowCheck {
  readonly index: ReachabilityIndex;
  readonly blocked: readonly FlowVerdictEntry[];
  readonly unexpected: readonly FlowVerdictEntry[];
  readonly summary: FlowCheckSummary;
}

/** The endpoint of the index a flow endpoint stands for; undefined when the workspace lacks it. */
export function findFlowEndpoint(index: ReachabilityIndex, e: FlowEndpoint): number | undefined {
  if (e.type === 'external') {
    const found = index.find(e.cidr.replace(/\/(32|128)$/, ''));
    return found !== undefined && found >= index.workloadCount ? found : undefined;
  }
  const byId = e.endpointId !== undefined ? index.find(e.endpointId) : undefined;
  if (byId !== undefined && byId < index.workloadCount) return byId;
  for (const id of e.kind !== undefined ? [`${e.namespace}/${e.name}`, `${e.namespace}/${e.kind}/${e.name}`] : [`${e.namespace}/${e.name}`]) {
    const found = index.find(id);
    if (found !== undefined && found < index.workloadCount) return found;
  }
  return undefined;
}

export interface FlowJudgement {
  /** endpoint indexes in the index */
  readonly from: number;
  readonly to: number;
  /** the sides whose policies deny the flow (empty when allowed) */
  readonly deniedBy: readonly Direction[];
}

/**
 * Whether the index's policies allow each flow, side by side with `flows`: undefined for a flow
 * that cannot be judged (an end the inventory does not define, or two ends outside the cluster).
 */
export function judgeFlows(index: ReachabilityIndex, flows: readonly AggregatedFlow[], token: CancellationToken = NEVER_CANCELLED): (FlowJudgement | undefined)[] {
  const table = index.table;
  // per ordered pair: the port set ids each side allows (-1: the side is not isolated)
  const sides = new Map<number, readonly [number, number]>();
  const n = index.size;
  const out: (FlowJudgement | undefined)[] = [];
  for (const flow of flows) {
    if (token.isCancellationRequested) break;
    const from = findFlowEndpoint(index, flow.source);
    const to = findFlowEndpoint(index, flow.destination);
    // two addresses outside the cluster: NetworkPolicies govern neither end. A workload talking to
    // itself (two pods of one Deployment) is judged like any pair: the rules' peers may select it
    if (from === undefined || to === undefined || (from >= index.workloadCount && to >= index.workloadCount)) {
      out.push(undefined);
      continue;
    }
    const key = from * n + to;
    let pair = sides.get(key);
    if (!pair) {
      pair = [index.sideAllows('egress', from, to) ?? -1, index.sideAllows('ingress', from, to) ?? -1];
      sides.set(key, pair);
    }
    const deniedBy: Direction[] = [];
    if (pair[0] !== -1 && (pair[0] === PortSetTable.NONE || !contains(table.get(pair[0]), flow.protocol, flow.port))) deniedBy.push('egress');
    if (pair[1] !== -1 && (pair[1] === PortSetTable.NONE || !contains(table.get(pair[1]), flow.protocol, flow.port))) deniedBy.push('ingress');
    out.push({ from, to, deniedBy });
  }
  return out;
}

/** Checks every flow against the inventory's policies (`index` when the caller has one built). */
export function checkFlows(inventory: Inventory, flows: readonly AggregatedFlow[], token: CancellationToken = NEVER_CANCELLED, index: ReachabilityIndex = new ReachabilityIndex(inventory, token)): FlowCheck {
  const blocked: FlowVerdictEntry[] = [];
  const unexpected: FlowVerdictEntry[] = [];
  let allowed = 0;
  let allowedObservations = 0;
  let blockedObservations = 0;
  let droppedDenied = 0;
  let notEvaluated = 0;
  const judged = judgeFlows(index, flows, token);
  judged.forEach((judgement, i) => {
    const flow = flows[i]!;
    if (!judgement) {
      notEvaluated++;
      return;
    }
    const entry = { flow, ...judgement };
    if (flow.forwarded > 0) {
      if (judgement.deniedBy.length === 0) {
        allowed++;
        allowedObservations += flow.forwarded;
      } else {
        blocked.push(entry);
        blockedObservations += flow.forwarded;
      }
    } else if (flow.dropped > 0) {
      if (judgement.deniedBy.length === 0) unexpected.push(entry);
      else droppedDenied++;
    }
  });
  return {
    index,
    blocked,
    unexpected,
    summary: { flows: flows.length, allowed, blocked: blocked.length, allowedObservations, blockedObservations, unexpected: unexpected.length, droppedDenied, notEvaluated },
  };
}

const memo = new WeakMap<Inventory, WeakMap<ObservedFlows, FlowCheck>>();

/** checkFlows, once per inventory and set of flows (both flow rules and the summary read it). */
export function checkObservedFlows(inventory: Inventory, observed: ObservedFlows, token: CancellationToken = NEVER_CANCELLED): FlowCheck {
  let byFlows = memo.get(inventory);
  if (!byFlows) memo.set(inventory, (byFlows = new WeakMap()));
  let check = byFlows.get(observed);
  if (!check) {
    check = checkFlows(inventory, observed.flows, token);
    if (!token.isCancellationRequested) byFlows.set(observed, check);
  }
  return check;
}
