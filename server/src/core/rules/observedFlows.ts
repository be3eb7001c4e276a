import { checkObservedFlows, type FlowVerdictEntry } from '../flows/check';
import { describeFlow, flowEndpointId } from '../flows/aggregate';
import type { AggregatedFlow } from '../flows/model';
import type { Direction, NetworkPolicyInfo, SourceRef } from '../inventory/model';
import type { RelatedInformation } from '../model/finding';
import { explainConnection, type Explanation, type SideExplanation } from '../reachability/explain';
import { formatPortSet, isEmpty } from '../reachability/portSet';
import type { ReachabilityIndex } from '../reachability/engine';
import { policyName, related, type GuardrailRule } from './rule';

/**
 * The workspace's policies against traffic observed in the cluster (flows loaded with the
 * `--flows` option or the netpolGuardrails.flows setting; without flows these rules say nothing).
 * The judgement is the reachability engine's (flows/check.ts), and each finding carries the
 * explanation of its first flows (explainConnection): the policies that isolate the side, and the
 * rules that allow the other end, on which ports.
 */

const LISTED = 5;

function examples(flow: AggregatedFlow): string {
  const first = flow.examples[0];
  return first ? `, e.g. ${first.file}:${first.line}` : '';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function byObservations(a: FlowVerdictEntry, b: FlowVerdictEntry): number {
  return b.flow.forwarded + b.flow.dropped - (a.flow.forwarded + a.flow.dropped) || describeFlow(a.flow).localeCompare(describeFlow(b.flow));
}

function sideOf(e: Explanation, direction: Direction): SideExplanation {
  return direction === 'egress' ? e.egress : e.ingress;
}

/** The other end of the flow than the side's, named as the flow names it (an address, not its range). */
function otherEnd(flow: AggregatedFlow, direction: Direction): string {
  return flowEndpointId(direction === 'egress' ? flow.destination : flow.source);
}

/** What the side allows between the pair, as the explanation says it. */
function sideAllowsText(e: Explanation, direction: Direction, other: string): string {
  const side = sideOf(e, direction);
  return isEmpty(side.allowed) ? `no rule allows ${other}` : `${direction} allows ${other} only ${formatPortSet(side.allowed)}`;
}

function policiesById(index: ReachabilityIndex): Map<SourceRef, NetworkPolicyInfo> {
  const out = new Map<SourceRef, NetworkPolicyInfo>();
  for (const p of index.policies) out.set(p.policy.source, p.policy);
  return out;
}

/** Flows seen flowing that the workspace's policies would deny, on the policies that isolate the side that denies. */
export const observedFlowBlocked: GuardrailRule = {
  id: 'observed-flow-blocked',
  severity: 'error',
  description: 'Traffic observed in the cluster (loaded flows) that the workspace policies would deny: applying them cuts it off.',
  defaultOptions: {},
  requiresFlows: true,
  check({ inventory, flows, token }, out) {
    if (!flows) return;
    const check = checkObservedFlows(inventory, flows, token);
    const index = check.index;
    // one finding per isolated side that denies: (direction, the endpoint whose policies decide)
    const groups = new Map<string, { direction: Direction; endpoint: number; entries: FlowVerdictEntry[] }>();
    for (const entry of check.blocked) {
      for (const direction of entry.deniedBy) {
        const endpoint = direction === 'egress' ? entry.from : entry.to;
        const key = `${direction}:${endpoint}`;
        let group = groups.get(key);
        if (!group) groups.set(key, (group = { direction, endpoint, entries: [] }));
        group.entries.push(entry);
      }
    }
    const sorted = [...groups.values()].sort((a, b) => index.endpoint(a.endpoint).id.localeCompare(index.endpoint(b.endpoint).id) || a.direction.localeCompare(b.direction));
    for (const { direction, endpoint, entries } of sorted) {
      const isolating = (direction === 'egress' ? index.egressPolicies : index.ingressPolicies)[endpoint]!.map((p) => index.policies[p]!.policy);
      const first = isolating[0];
      if (!first) continue;
      entries.sort(byObservations);
      const observations = entries.reduce((n, e) => n + e.flow.forwarded, 0);
      const id = index.endpoint(endpoint).id;
      const relatedInfo: RelatedInformation[] = isolating.slice(1).map((p) => related(p.source, `NetworkPolicy ${policyName(p)} also isolates ${id} for ${direction}`));
      const listed = entries.slice(0, LISTED).map((e) => {
        // explained on every port: asked for the flow's port, no rule of a denying side allows it
        const any = explainConnection(index, e.from, e.to);
        const other = otherEnd(e.flow, direction);
        for (const rule of sideOf(any, direction).allowingRules) relatedInfo.push(related(rule.source, `${rule.policy.namespace}/${rule.policy.name} ${direction} rule ${rule.ruleIndex + 1} allows ${other} only ${formatPortSet(rule.ports)}`));
        return `${describeFlow(e.flow)} (${plural(e.flow.forwarded, 'observation')}${examples(e.flow)}; ${sideAllowsText(any, direction, other)})`;
      });
      const more = entries.length > LISTED ? `; and ${entries.length - LISTED} more` : '';
      out.policy(
        first,
        first.source,
        `${plural(entries.length, 'observed flow')} (${plural(observations, 'observation')}) ${direction === 'egress' ? 'from' : 'to'} ${id} would be blocked: ${id} is isolated for ${direction} by ${isolating.map(policyName).join(', ')}, and no rule allows ${entries.length === 1 ? 'it' : 'them'}: ${listed.join('; ')}${more}. Allow ${entries.length === 1 ? 'it' : 'them'}, or applying these policies cuts ${entries.length === 1 ? 'it' : 'them'} off.`,
        dedupe(relatedInfo),
      );
    }
  },
};

/** Flows the cluster only ever dropped that the workspace's policies allow, on the rule that allows them. */
export const observedFlowUnexpected: GuardrailRule = {
  id: 'observed-flow-unexpected',
  severity: 'warning',
  description: 'Traffic the cluster dropped (in the loaded flows) that the workspace policies allow: the cluster and the workspace disagree.',
  defaultOptions: {},
  requiresFlows: true,
  check({ inventory, flows, token }, out) {
    if (!flows) return;
    const check = checkObservedFlows(inventory, flows, token);
    const index = check.index;
    const policies = policiesById(index);
    const groups = new Map<string, { at: SourceRef; policy: NetworkPolicyInfo | undefined; namespace: string; what: string; entries: FlowVerdictEntry[] }>();
    for (const entry of check.unexpected) {
      const explanation = explainConnection(index, entry.from, entry.to, { protocol: entry.flow.protocol, port: entry.flow.port });
      // the rule that lets it in (the destination's ingress), else the one that lets it out
      const rule = explanation.ingress.allowingRules[0] ?? explanation.egress.allowingRules[0];
      let at: SourceRef | undefined;
      let policy: NetworkPolicyInfo | undefined;
      let namespace: string;
      let what: string;
      if (rule) {
        at = rule.source;
        policy = policies.get(rule.policy.source);
        namespace = rule.policy.namespace;
        what = `${rule.policy.namespace}/${rule.policy.name} ${rule.direction} rule ${rule.ruleIndex + 1} allows`;
      } else {
        // neither end isolated: on the namespace of the workload end (the destination's first)
        const workloadEnd = index.endpoint(entry.to).type === 'workload' ? index.endpoint(entry.to) : index.endpoint(entry.from);
        namespace = workloadEnd.type === 'workload' ? workloadEnd.namespace : '';
        const info = inventory.namespaces.get(namespace);
        at = info?.source ?? (workloadEnd.type === 'workload' ? workloadEnd.workload.source : undefined);
        what = `no policy isolates ${flowEndpointId(entry.flow.destination)} for ingress nor ${flowEndpointId(entry.flow.source)} for egress, so namespace ${namespace} allows`;
      }
      if (!at) continue;
      const key = `${at.file}\u0000${at.range.start}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { at, policy, namespace, what, entries: [] }));
      group.entries.push(entry);
    }
    for (const group of groups.values()) {
      group.entries.sort(byObservations);
      const dropped = group.entries.reduce((n, e) => n + e.flow.dropped, 0);
      const listed = group.entries.slice(0, LISTED).map((e) => `${describeFlow(e.flow)} (${plural(e.flow.dropped, 'drop')}${examples(e.flow)})`);
      const more = group.entries.length > LISTED ? `; and ${group.entries.length - LISTED} more` : '';
      const them = group.entries.length === 1 ? 'it' : 'them';
      const message = `${plural(group.entries.length, 'observed flow')} the cluster dropped (${plural(dropped, 'drop')}) ${group.what} ${them}: ${listed.join('; ')}${more}. The policies in the cluster differ from these, or this allows more than intended.`;
      if (group.policy) out.policy(group.policy, group.at, message);
      else out.namespace(group.namespace, group.at, message);
    }
  },
};

function dedupe(items: readonly RelatedInformation[]): RelatedInformation[] {
  const seen = new Set<string>();
  return items.filter((r) => {
    const key = `${r.file ?? ''}\u0000${r.range.start}\u0000${r.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
