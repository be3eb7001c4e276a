import { NAMESPACE_NAME_LABEL, type Direction, type Inventory, type NetworkPolicyInfo, type PolicyPeer, type PolicyRule, type Workload } from '../inventory/model';
import { isEmptySelector, selectorImplies, selectorMatches, type Labels } from '../selectors/labelSelector';
import { isolatingPolicies, namespaceLabels, peerSelectsNamespace, peerSelectsWorkload, policySelects } from '../selectors/peers';
import { isQualifiedName, isValidLabelValue } from '../validate/k8sNames';
import { cidrInputProblem, labelInputProblem, namespaceInputProblem, parsePortList } from './inputChecks';
import { appendPolicy, policyOf, workloadOf, type AuthoringAction, type AuthoringContext } from './context';
import { clientNamespaces } from './knownClients';
import { labelsSelector, portsValue, selectorValue, type PortSpec, type YValue } from './policyText';
import { addRuleEdit, validNamespace, workloadPeer, WORKLOAD_KIND_SET } from './templates';
import { isJsonText, objectAt, yamlString, type ObjectText } from './yamlText';

/**
 * Templates that take the user's input: allow ingress from a namespace or from pods with given
 * labels, allow egress to a workload or to a CIDR with excepts. On a NetworkPolicy they add a rule
 * to it (only where it already isolates that direction, so the rule can only allow more); on a
 * workload they write a new policy for its pods. The same input always gives the same edit, and an
 * input the target already allows gives none, so applying one twice adds nothing.
 */

export type TemplateId = 'allowFromNamespace' | 'allowFromPods' | 'allowEgressToWorkload' | 'allowEgressToCidr';

export type TemplateInput =
  | { readonly template: 'allowFromNamespace'; readonly namespace: string }
  /** pods of `namespace` (the target's own when absent) carrying every one of `labels` */
  | { readonly template: 'allowFromPods'; readonly labels: Labels; readonly namespace?: string }
  | { readonly template: 'allowEgressToWorkload'; readonly namespace: string; readonly name: string; readonly kind?: string }
  /** `ports` as `TCP 443, UDP 53, TCP 8000-8100` (every port when absent or empty) */
  | { readonly template: 'allowEgressToCidr'; readonly cidr: string; readonly except?: readonly string[]; readonly ports?: string };

export const TEMPLATE_DIRECTION: Record<TemplateId, Direction> = {
  allowFromNamespace: 'ingress',
  allowFromPods: 'ingress',
  allowEgressToWorkload: 'egress',
  allowEgressToCidr: 'egress',
};

/** What the templates apply to: the policy under the cursor, or the workload under it. */
export type TemplateTarget =
  | { readonly type: 'policy'; readonly policy: NetworkPolicyInfo; readonly object: ObjectText; readonly namespace: string; readonly label: string }
  | { readonly type: 'workload'; readonly workload: Workload; readonly object: ObjectText; readonly namespace: string; readonly label: string };

function validLabels(labels: Labels): boolean {
  return Object.entries(labels).every(([k, v]) => isQualifiedName(k).length === 0 && isValidLabelValue(v).length === 0);
}

export function templateTarget(ctx: AuthoringContext, offset: number): TemplateTarget | undefined {
  // JSON manifests: neither a YAML rule nor a YAML document fits in them
  if (isJsonText(ctx.text)) return undefined;
  const object = objectAt(ctx.text, offset);
  if (!object) return undefined;
  const kind = object.map.get('kind');
  if (kind === 'NetworkPolicy') {
    const policy = policyOf(ctx, object);
    if (!policy || !validNamespace(policy.namespace)) return undefined;
    return { type: 'policy', policy, object, namespace: policy.namespace, label: policy.name };
  }
  if (typeof kind === 'string' && WORKLOAD_KIND_SET.has(kind)) {
    const workload = workloadOf(ctx, object);
    // hostNetwork pods are outside NetworkPolicy; pods without (valid) labels cannot be selected
    if (!workload || workload.hostNetwork || Object.keys(workload.podLabels).length === 0 || !validLabels(workload.podLabels) || !validNamespace(workload.namespace)) return undefined;
    return { type: 'workload', workload, object, namespace: workload.namespace, label: `${workload.kind} ${workload.name}` };
  }
  return undefined;
}

/**
 * Whether a policy is the namespace's deny for a direction: every pod, no rule. Allows belong in
 * policies of their own ("start with a clean deny-all posture, add precise allows"), so the
 * templates leave it alone.
 */
function deniesAll(policy: NetworkPolicyInfo, direction: Direction): boolean {
  return isEmptySelector(policy.podSelector) && (direction === 'ingress' ? policy.ingress : policy.egress).length === 0;
}

/**
 * The templates that make sense for a target: a policy only gets rules for the directions it
 * isolates (a rule elsewhere would change nothing), and a default deny none.
 */
export function templatesFor(target: TemplateTarget): TemplateId[] {
  const all: TemplateId[] = ['allowFromNamespace', 'allowFromPods', 'allowEgressToWorkload', 'allowEgressToCidr'];
  if (target.type === 'workload') return all;
  return all.filter((id) => {
    const direction = TEMPLATE_DIRECTION[id];
    return target.policy.policyTypes.includes(direction === 'ingress' ? 'Ingress' : 'Egress') && !deniesAll(target.policy, direction);
  });
}

/** Why an input cannot be used for this target, or undefined. */
export function templateInputProblem(ctx: AuthoringContext, target: TemplateTarget, input: TemplateInput): string | undefined {
  if (!templatesFor(target).includes(input.template)) {
    const direction = TEMPLATE_DIRECTION[input.template];
    if (target.type === 'policy' && deniesAll(target.policy, direction)) {
      return `${target.label} is the default deny of ${direction} in ${target.namespace}: put the allow in a policy of its own (the templates on a workload write one)`;
    }
    return `${target.label} does not isolate ${TEMPLATE_DIRECTION[input.template]}: a rule for it would change nothing (add ${TEMPLATE_DIRECTION[input.template] === 'ingress' ? 'Ingress' : 'Egress'} to its policyTypes first)`;
  }
  switch (input.template) {
    case 'allowFromNamespace':
      return namespaceInputProblem(input.namespace);
    case 'allowFromPods': {
      if (input.namespace !== undefined && namespaceInputProblem(input.namespace)) return namespaceInputProblem(input.namespace);
      const entries = Object.entries(input.labels);
      if (entries.length === 0) return 'give at least one label: a peer without labels would select every pod';
      for (const [key, value] of entries) {
        const problem = labelInputProblem(key, value);
        if (problem) return problem;
      }
      return undefined;
    }
    case 'allowEgressToWorkload': {
      const workload = findWorkload(ctx.inventory, input);
      if (!workload) return `no workload ${input.namespace}/${input.name} in the workspace`;
      if (Object.keys(workload.podLabels).length === 0 || !validLabels(workload.podLabels)) return `the pods of ${workload.kind} ${workload.name} carry no labels a selector can name`;
      if (workload.hostNetwork) return `${workload.kind} ${workload.name} uses the host network: NetworkPolicy peers do not select its pods`;
      return undefined;
    }
    case 'allowEgressToCidr': {
      const problem = cidrInputProblem(input.cidr, input.except ?? []);
      if (problem) return problem;
      const ports = parsePortList(input.ports ?? '');
      return typeof ports === 'string' ? ports : undefined;
    }
  }
}

function findWorkload(inventory: Inventory, input: { namespace: string; name: string; kind?: string }): Workload | undefined {
  const list = (inventory.workloadsByNamespace.get(input.namespace) ?? []).filter((w) => w.name === input.name && (input.kind === undefined || w.kind === input.kind));
  // a Deployment rather than the ReplicaSet or Pods of the same name
  return list.find((w) => w.owner === undefined) ?? list[0];
}

// ---- what a rule would allow, to keep every template idempotent ----

/** The policies whose rules count for the target: the policy itself, or those isolating the workload. */
function rulesOf(ctx: AuthoringContext, target: TemplateTarget, direction: Direction): { policy: NetworkPolicyInfo; rule: PolicyRule }[] {
  const policies = target.type === 'policy' ? [target.policy] : isolatingPolicies(ctx.inventory, target.workload, direction);
  return policies.flatMap((policy) => (direction === 'ingress' ? policy.ingress : policy.egress).map((rule) => ({ policy, rule })));
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function peerAllows(ctx: AuthoringContext, policy: NetworkPolicyInfo, peer: PolicyPeer, input: TemplateInput, target: TemplateTarget): boolean {
  switch (input.template) {
    case 'allowFromNamespace':
      // every pod of the namespace: a namespaceSelector matching it with no (or an empty) podSelector
      return peer.ipBlock === undefined && peer.namespaceSelector !== undefined && selectorMatches(peer.namespaceSelector, namespaceLabels(ctx.inventory, input.namespace)) && (peer.podSelector === undefined || isEmptySelector(peer.podSelector));
    case 'allowFromPods':
      // every pod carrying the labels, whatever else it carries: a NotIn or DoesNotExist in the
      // peer may leave some of them out, so it only counts when the labels imply the peer
      return peerSelectsNamespace(ctx.inventory, policy, peer, input.namespace ?? target.namespace) && (peer.podSelector === undefined || selectorImplies({ matchLabels: input.labels, matchExpressions: [] }, peer.podSelector));
    case 'allowEgressToWorkload': {
      const workload = findWorkload(ctx.inventory, input);
      return workload !== undefined && peerSelectsWorkload(ctx.inventory, policy, peer, workload);
    }
    case 'allowEgressToCidr':
      return peer.ipBlock !== undefined && peer.ipBlock.cidr === input.cidr.trim() && sameSet(peer.ipBlock.except, (input.except ?? []).map((e) => e.trim()));
  }
}

/** Whether a rule's ports admit every one of `ports` (an empty list: every port, which only an empty rule list admits). */
function portsCovered(rulePorts: PolicyRule['ports'], ports: readonly PortSpec[]): boolean {
  if (rulePorts.length === 0) return true;
  if (ports.length === 0) return false;
  return ports.every((wanted) =>
    rulePorts.some((have) => {
      if (have.protocol !== wanted.protocol) return false;
      if (have.port === undefined) return true;
      if (typeof wanted.port === 'number' && typeof have.port === 'number') {
        const end = wanted.endPort ?? wanted.port;
        return have.port <= wanted.port && end <= (have.endPort ?? have.port);
      }
      return have.port === wanted.port && wanted.endPort === undefined;
    }),
  );
}

/** Whether a rule of the target already admits what the input asks for, on every port the template would add. */
export function alreadyAllowed(ctx: AuthoringContext, target: TemplateTarget, input: TemplateInput, ports: readonly PortSpec[]): boolean {
  return rulesOf(ctx, target, TEMPLATE_DIRECTION[input.template]).some(
    ({ policy, rule }) => (rule.peers.length === 0 || rule.peers.some((peer) => peerAllows(ctx, policy, peer, input, target))) && portsCovered(rule.ports, ports),
  );
}

// ---- the rule and the edit ----

function containerPortSpecs(workloads: readonly Workload[]): PortSpec[] {
  const seen = new Map<string, PortSpec>();
  for (const workload of workloads) {
    for (const port of workload.ports) {
      // k8s pkg/apis/networking/validation: a port number within 1-65535, a known protocol
      if (port.port < 1 || port.port > 65535 || !['TCP', 'UDP', 'SCTP'].includes(port.protocol)) continue;
      seen.set(`${port.protocol}/${port.port}`, { protocol: port.protocol, port: port.port });
    }
  }
  return [...seen.values()];
}

/** The pods the ingress rule protects: the workload, or those of the namespace the policy selects. */
function destinationPods(ctx: AuthoringContext, target: TemplateTarget): Workload[] {
  if (target.type === 'workload') return [target.workload];
  const policy = target.policy;
  return (ctx.inventory.workloadsByNamespace.get(policy.namespace) ?? []).filter((w) => policySelects(policy, w));
}

function describeLabels(labels: Labels): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

interface RulePlan {
  readonly rule: YValue;
  /** words for titles: `from namespace monitoring`, `to 10.0.0.0/8 except 10.0.1.0/24` */
  readonly what: string;
  /** a name fragment for a new policy */
  readonly nameSuffix: string;
  /** the ports of the rule (empty: every port) */
  readonly ports: readonly PortSpec[];
}

function nsPeer(namespace: string): YValue {
  return { map: [{ key: 'namespaceSelector', value: selectorValue(labelsSelector({ [NAMESPACE_NAME_LABEL]: namespace })) }] };
}

function rulePlan(ctx: AuthoringContext, target: TemplateTarget, input: TemplateInput): RulePlan {
  const withPorts = (key: 'from' | 'to', peer: YValue, ports: readonly PortSpec[]): YValue => ({
    map: [{ key, value: { seq: [peer] } }, ...(ports.length > 0 ? [{ key: 'ports', value: portsValue(ports) }] : [])],
  });
  switch (input.template) {
    case 'allowFromNamespace':
    {
      const ports = containerPortSpecs(destinationPods(ctx, target));
      return { rule: withPorts('from', nsPeer(input.namespace), ports), what: `from namespace ${input.namespace}`, nameSuffix: `from-${input.namespace}`, ports };
    }
    case 'allowFromPods': {
      const namespace = input.namespace ?? target.namespace;
      const pods: YValue = {
        map: [
          ...(namespace !== target.namespace ? [{ key: 'namespaceSelector', value: selectorValue(labelsSelector({ [NAMESPACE_NAME_LABEL]: namespace })) }] : []),
          { key: 'podSelector', value: selectorValue(labelsSelector(input.labels)) },
        ],
      };
      const where = namespace !== target.namespace ? ` in namespace ${namespace}` : '';
      const ports = containerPortSpecs(destinationPods(ctx, target));
      return {
        ports,
        rule: withPorts('from', pods, ports),
        what: `from pods ${describeLabels(input.labels)}${where}`,
        nameSuffix: `from-${Object.values(input.labels).join('-')}`,
      };
    }
    case 'allowEgressToWorkload': {
      const workload = findWorkload(ctx.inventory, input);
      if (!workload) throw new Error(`no workload ${input.namespace}/${input.name}`);
      const ports = containerPortSpecs([workload]);
      return {
        ports,
        rule: withPorts('to', workloadPeer(workload, target.namespace), ports),
        what: `to ${workload.kind} ${workload.namespace === target.namespace ? '' : `${workload.namespace}/`}${workload.name}`,
        nameSuffix: `to-${workload.name}`,
      };
    }
    case 'allowEgressToCidr': {
      const cidr = input.cidr.trim();
      const except = (input.except ?? []).map((e) => e.trim()).filter((e) => e !== '');
      const ipBlock: YValue = {
        map: [
          {
            key: 'ipBlock',
            value: {
              map: [
                { key: 'cidr', value: { scalar: yamlString(cidr) } },
                ...(except.length > 0 ? [{ key: 'except', value: { seq: except.map((e) => ({ scalar: yamlString(e) })) } }] : []),
              ],
            },
          },
        ],
      };
      const ports = parsePortList(input.ports ?? '');
      const portText = typeof ports === 'string' || ports.length === 0 ? '' : ` on ${ports.map((p) => `${p.protocol} ${String(p.port)}${p.endPort !== undefined ? `-${p.endPort}` : ''}`).join(', ')}`;
      return {
        ports: typeof ports === 'string' ? [] : ports,
        rule: withPorts('to', ipBlock, typeof ports === 'string' ? [] : ports),
        what: `to ${cidr}${except.length > 0 ? ` except ${except.join(', ')}` : ''}${portText}`,
        nameSuffix: `to-${cidr.replace(/[./:]+/g, '-')}`,
      };
    }
  }
}

export type InputTemplateResult = { readonly action: AuthoringAction } | { readonly problem: string };

/**
 * The edit for one template input at an offset: a rule added to the policy there, or a new policy
 * for the workload there. A problem (invalid input, nothing to apply it to, already allowed)
 * instead of an edit that the API would reject or that would change nothing.
 */
export function inputTemplateAction(ctx: AuthoringContext, offset: number, input: TemplateInput): InputTemplateResult {
  const target = templateTarget(ctx, offset);
  if (!target) return { problem: 'put the cursor in a NetworkPolicy or a workload (Deployment, StatefulSet, DaemonSet, Pod...) with pod labels' };
  const problem = templateInputProblem(ctx, target, input);
  if (problem) return { problem };
  const plan = rulePlan(ctx, target, input);
  if (alreadyAllowed(ctx, target, input, plan.ports)) return { problem: `${target.label} already allows ${TEMPLATE_DIRECTION[input.template]} ${plan.what}` };
  if (target.type === 'policy') {
    const direction = TEMPLATE_DIRECTION[input.template];
    const edits = addRuleEdit(ctx, target.object, direction, plan.rule);
    if (!edits) return { problem: `the ${direction} rules of ${target.policy.name} are written in a form this edit does not change (flow style or null): add the rule by hand` };
    const verb = direction === 'ingress' ? `Allow ingress to ${target.policy.name}` : `Allow egress from ${target.policy.name}`;
    return { action: { title: `${verb} ${plan.what}`, kind: 'refactor', id: input.template, edits } };
  }
  const workload = target.workload;
  const direction = TEMPLATE_DIRECTION[input.template];
  // a first policy of that direction isolates the pods: everything else that way is then denied
  const isolatesNow = isolatingPolicies(ctx.inventory, workload, direction).length === 0;
  const comments = [
    `Allow ${direction} ${direction === 'ingress' ? `to ${workload.kind} ${workload.name} ` : `from ${workload.kind} ${workload.name} `}${plan.what}.`,
    ...(isolatesNow ? [`This isolates ${workload.name} for ${direction}: any other ${direction}${direction === 'egress' ? ', DNS included,' : ''} is denied unless a policy allows it.`] : []),
  ];
  const { edit, newPolicy } = appendPolicy(ctx, `${workload.name}-${plan.nameSuffix}`, (name) => ({
    name,
    namespace: workload.namespace,
    podSelector: labelsSelector(workload.podLabels),
    policyTypes: [direction === 'ingress' ? 'Ingress' : 'Egress'],
    ...(direction === 'ingress' ? { ingress: [plan.rule] } : { egress: [plan.rule] }),
    comments,
  }));
  const verb = direction === 'ingress' ? `Allow ingress to ${target.label}` : `Allow egress from ${target.label}`;
  return { action: { title: `${verb} ${plan.what}`, kind: 'refactor', id: input.template, edits: [edit], newPolicy } };
}

// ---- the concrete choices offered as ready-made code actions, and the choices for the pickers ----

/** At most this many "Allow ingress from namespace X" actions at one place. */
export const MAX_NAMESPACE_ACTIONS = 3;

export interface NamespaceChoice {
  readonly name: string;
  readonly workloads: number;
  /** its egress policies that name the target's pods (clientNamespaces) */
  readonly clients: number;
}

/**
 * The namespaces ingress could come from, most relevant first: those holding known clients of
 * the target's pods, then those with the most workloads; the target's own namespace and those
 * already allowed are left out.
 */
export function namespaceChoices(ctx: AuthoringContext, target: TemplateTarget): NamespaceChoice[] {
  const clients = clientNamespaces(ctx.inventory, destinationPods(ctx, target));
  const out: NamespaceChoice[] = [];
  for (const name of ctx.inventory.namespaces.keys()) {
    if (name === target.namespace || !validNamespace(name)) continue;
    out.push({ name, workloads: ctx.inventory.workloadsByNamespace.get(name)?.length ?? 0, clients: clients.get(name) ?? 0 });
  }
  return out.sort((a, b) => b.clients - a.clients || b.workloads - a.workloads || a.name.localeCompare(b.name));
}

/** Ready-made "Allow ingress from namespace X" actions for the few most relevant namespaces. */
export function namespaceActions(ctx: AuthoringContext, offset: number): AuthoringAction[] {
  const target = templateTarget(ctx, offset);
  if (!target || !templatesFor(target).includes('allowFromNamespace')) return [];
  const out: AuthoringAction[] = [];
  for (const choice of namespaceChoices(ctx, target)) {
    if (out.length >= MAX_NAMESPACE_ACTIONS) break;
    // only namespaces with workloads: an empty one is rarely a source of traffic
    if (choice.workloads === 0) continue;
    const result = inputTemplateAction(ctx, offset, { template: 'allowFromNamespace', namespace: choice.name });
    if ('action' in result) out.push(result.action);
  }
  return out;
}

export interface LabelChoice {
  readonly key: string;
  readonly values: readonly { readonly value: string; readonly workloads: number }[];
}

/** Label keys and values of the workloads of a namespace, with how many workloads carry each. */
export function labelChoices(inventory: Inventory, namespace: string): LabelChoice[] {
  const byKey = new Map<string, Map<string, number>>();
  for (const workload of inventory.workloadsByNamespace.get(namespace) ?? []) {
    // a controller's pods once: the ReplicaSet and Pods of a Deployment carry its labels too
    if (workload.owner !== undefined) continue;
    for (const [key, value] of Object.entries(workload.podLabels)) {
      if (labelInputProblem(key, value)) continue;
      let values = byKey.get(key);
      if (!values) byKey.set(key, (values = new Map<string, number>()));
      values.set(value, (values.get(value) ?? 0) + 1);
    }
  }
  return [...byKey]
    .map(([key, values]) => ({ key, values: [...values].map(([value, workloads]) => ({ value, workloads })).sort((a, b) => b.workloads - a.workloads || a.value.localeCompare(b.value)) }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

export interface WorkloadChoice {
  readonly namespace: string;
  readonly name: string;
  readonly kind: string;
  /** `TCP 8080, UDP 53` */
  readonly ports: string;
}

/** The workloads egress could go to (every selectable one but the target's own pods), by namespace and name. */
export function workloadChoices(inventory: Inventory, target: TemplateTarget): WorkloadChoice[] {
  const out: WorkloadChoice[] = [];
  for (const workload of inventory.workloads) {
    if (workload.owner !== undefined || workload.hostNetwork || Object.keys(workload.podLabels).length === 0 || !validLabels(workload.podLabels)) continue;
    if (target.type === 'workload' && workload === target.workload) continue;
    out.push({ namespace: workload.namespace, name: workload.name, kind: workload.kind, ports: workload.ports.map((p) => `${p.protocol} ${p.port}`).join(', ') });
  }
  return out.sort((a, b) => (a.namespace === target.namespace ? 0 : 1) - (b.namespace === target.namespace ? 0 : 1) || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}
