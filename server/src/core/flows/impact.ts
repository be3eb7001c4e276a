import type { Inventory } from '../inventory/model';
import { NEVER_CANCELLED, type CancellationToken } from '../model/finding';
import { describeFlow } from './aggregate';
import { judgeFlows } from './check';
import { ReachabilityIndex } from '../reachability/engine';
import type { AggregatedFlow } from './model';

/**
 * The observed flows an edit cuts off or newly allows: each flow judged against the policies
 * before and after the edit (flows/check.ts, so with the reachability engine's semantics).
 * - cut off: traffic the cluster forwarded, allowed before and denied after: the edit breaks it;
 * - newly allowed: a flow denied before and allowed after (traffic the policies blocked, or the
 *   cluster dropped, that the edit lets through).
 */

export interface FlowChange {
  readonly flow: AggregatedFlow;
  /** `shop/web -> shop/api TCP 8080` */
  readonly text: string;
  /** observations that count for the change: forwarded ones for a cut, all for an opening */
  readonly observations: number;
}

export interface FlowImpact {
  /** by observations, most first */
  readonly cutOff: readonly FlowChange[];
  readonly newlyAllowed: readonly FlowChange[];
  readonly cutOffObservations: number;
  readonly newlyAllowedObservations: number;
  /** flows not judged on both sides (an end one of the inventories does not define) */
  readonly notEvaluated: number;
}

function byObservations(a: FlowChange, b: FlowChange): number {
  return b.observations - a.observations || a.text.localeCompare(b.text);
}

/** What changing `before` into `after` does to the observed flows. */
export function flowImpact(before: Inventory, after: Inventory, flows: readonly AggregatedFlow[], token: CancellationToken = NEVER_CANCELLED): FlowImpact {
  const old = allowedByPolicies(before, flows, token);
  const now = allowedByPolicies(after, flows, token);
  const cutOff: FlowChange[] = [];
  const newlyAllowed: FlowChange[] = [];
  let notEvaluated = 0;
  for (const flow of flows) {
    const was = old.get(flow);
    const is = now.get(flow);
    // judged on both sides only: a workload the edit adds or removes is not a policy change
    if (was === undefined || is === undefined) {
      notEvaluated++;
      continue;
    }
    if (was && !is && flow.forwarded > 0) cutOff.push({ flow, text: describeFlow(flow), observations: flow.forwarded });
    else if (!was && is) newlyAllowed.push({ flow, text: describeFlow(flow), observations: flow.forwarded + flow.dropped + flow.unknown });
  }
  cutOff.sort(byObservations);
  newlyAllowed.sort(byObservations);
  return {
    cutOff,
    newlyAllowed,
    cutOffObservations: cutOff.reduce((n, c) => n + c.observations, 0),
    newlyAllowedObservations: newlyAllowed.reduce((n, c) => n + c.observations, 0),
    notEvaluated,
  };
}

/** Per flow the inventory can judge: whether its policies allow it. */
function allowedByPolicies(inventory: Inventory, flows: readonly AggregatedFlow[], token: CancellationToken): Map<AggregatedFlow, boolean> {
  const judged = judgeFlows(new ReachabilityIndex(inventory, token), flows, token);
  const out = new Map<AggregatedFlow, boolean>();
  judged.forEach((j, i) => {
    if (j) out.set(flows[i]!, j.deniedBy.length === 0);
  });
  return out;
}
