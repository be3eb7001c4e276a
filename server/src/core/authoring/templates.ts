import type { PeerSelectorConfig } from '../config/config';
import { NAMESPACE_NAME_LABEL, WORKLOAD_KINDS, type Direction, type Inventory, type NetworkPolicyInfo, type PolicyPort, type Workload } from '../inventory/model';
import { isDefaultDeny } from '../rules/missingDefaultDeny';
import { EMPTY_SELECTOR, isEmptySelector, requiredLabels, selectorMatches, type Labels } from '../selectors/labelSelector';
import { isDNS1123Label, isQualifiedName, isValidLabelValue } from '../validate/k8sNames';
import { policySelects } from '../selectors/peers';
import { isMap, isSeq } from 'yaml';
import { appendPolicy, namespaceOfObject, policyOf, styleOf, workloadOf, type AuthoringAction, type AuthoringContext } from './context';
import { dnsName, emitItems, labelsSelector, portsValue, selectorValue, wellKnownPeer, type PortSpec, type YValue } from './policyText';
import { knownClients, mergeClients } from './knownClients';
import { insertAt, type TextEdit } from './textEdit';
import { addPairEdit, isJsonText, lineIndent, nextLineStart, objectAt, type ObjectText } from './yamlText';

/**
 * Templates: whole NetworkPolicies written for the user, appended to the current file as new
 * documents. Each is offered only while the workspace lacks what it would add, so applying one
 * twice is impossible (the second time it is no longer offered).
 */

const TYPES: Record<Direction, 'Ingress' | 'Egress'> = { ingress: 'Ingress', egress: 'Egress' };

export function validNamespace(namespace: string): boolean {
  return isDNS1123Label(namespace).length === 0;
}

/** Labels a selector can match exactly (a podSelector of invalid labels is itself invalid). */
function validLabels(labels: Labels): boolean {
  return Object.entries(labels).every(([k, v]) => isQualifiedName(k).length === 0 && isValidLabelValue(v).length === 0);
}

export function hasDefaultDeny(inventory: Inventory, namespace: string, direction: Direction): boolean {
  return (inventory.policiesByNamespace.get(namespace) ?? []).some((p) => isDefaultDeny(p, direction));
}

/** A default-deny policy for the given directions of a namespace. */
export function defaultDenyAction(ctx: AuthoringContext, namespace: string, directions: readonly Direction[], id = 'defaultDeny'): AuthoringAction {
  const which = directions.length === 2 ? 'ingress and egress' : directions.join('');
  const { edit, newPolicy } = appendPolicy(ctx, directions.length === 2 ? 'default-deny' : `default-deny-${directions[0] ?? ''}`, (name) => ({
    name,
    namespace,
    podSelector: EMPTY_SELECTOR,
    policyTypes: directions.map((d) => TYPES[d]),
    comments: [`Deny all ${which} traffic of every pod in ${namespace}, unless another policy allows it.`],
  }));
  return { title: `Add a default-deny ${which} policy for namespace ${namespace}`, kind: 'source', id, edits: [edit], newPolicy };
}

function dnsPortAllowed(port: PolicyPort, protocol: 'UDP' | 'TCP', dnsPort: number | string): boolean {
  if (port.protocol !== protocol) return false;
  if (port.port === undefined) return true;
  if (typeof port.port === 'number' && typeof dnsPort === 'number') return port.port <= dnsPort && dnsPort <= (port.endPort ?? port.port);
  return port.port === dnsPort;
}

/** Whether a policy selecting every pod of the namespace already allows egress to the DNS pods. */
export function namespaceAllowsDns(ctx: AuthoringContext, namespace: string, podsOf?: Workload): boolean {
  const dns = ctx.config.selectors.dns;
  const dnsPort = dns.port ?? 53;
  const nsLabels = ctx.inventory.namespaces.get(dns.namespace)?.labels ?? { [NAMESPACE_NAME_LABEL]: dns.namespace };
  const dnsPods = requiredLabels(dns.podSelector);
  return (ctx.inventory.policiesByNamespace.get(namespace) ?? []).some(
    (policy) =>
      (podsOf ? policySelects(policy, podsOf) : isEmptySelector(policy.podSelector)) &&
      policy.policyTypes.includes('Egress') &&
      policy.egress.some(
        (rule) =>
          (['UDP', 'TCP'] as const).every((protocol) => rule.ports.length === 0 || rule.ports.some((p) => dnsPortAllowed(p, protocol, dnsPort))) &&
          (rule.peers.length === 0 ||
            rule.peers.some((peer) => {
              if (peer.ipBlock) return false;
              const nsOk = peer.namespaceSelector ? selectorMatches(peer.namespaceSelector, nsLabels) : namespace === dns.namespace;
              return nsOk && (!peer.podSelector || selectorMatches(peer.podSelector, dnsPods));
            })),
      ),
  );
}

/** An egress rule to the cluster DNS (UDP and TCP on its port): the templates' and synthesis'. */
export function dnsEgressRule(dns: PeerSelectorConfig): YValue {
  const port = dns.port ?? 53;
  return {
    map: [
      { key: 'to', value: { seq: [wellKnownPeer(dns)] } },
      { key: 'ports', value: portsValue([{ protocol: 'UDP', port }, { protocol: 'TCP', port }]) },
    ],
  };
}

/** A policy allowing DNS egress: for every pod of the namespace, or for one workload's pods. */
export function dnsEgressAction(ctx: AuthoringContext, namespace: string, workload?: Workload): AuthoringAction {
  const dns = ctx.config.selectors.dns;
  const { edit, newPolicy } = appendPolicy(ctx, workload ? `${workload.name}-allow-dns-egress` : 'allow-dns-egress', (name) => ({
    name,
    namespace,
    podSelector: workload ? labelsSelector(workload.podLabels) : EMPTY_SELECTOR,
    policyTypes: ['Egress'],
    egress: [dnsEgressRule(dns)],
    comments: [`Allow DNS lookups (UDP and TCP ${String(dns.port ?? 53)}) to the cluster DNS in ${dns.namespace}.`],
  }));
  return {
    title: workload ? `Allow DNS egress for ${workload.kind} ${workload.name}` : `Allow DNS egress for every pod in namespace ${namespace}`,
    kind: 'source',
    id: 'allowDnsEgress',
    edits: [edit],
    newPolicy,
  };
}

function containerPorts(workload: Workload, only?: number | string): PortSpec[] {
  const seen = new Set<string>();
  const out: PortSpec[] = [];
  for (const port of workload.ports) {
    // k8s pkg/apis/networking/validation: a port number within 1-65535, a known protocol
    if (port.port < 1 || port.port > 65535 || !['TCP', 'UDP', 'SCTP'].includes(port.protocol)) continue;
    if (only !== undefined && port.port !== only && port.name !== only) continue;
    // numbers, except for the one port asked for by name (monitoring's `metrics`)
    const value = only !== undefined && typeof only === 'string' ? only : port.port;
    const key = `${port.protocol}/${String(value)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ protocol: port.protocol, port: value });
  }
  return out;
}

/** Whether a policy of the namespace selects exactly these pods (matchLabels equal to the labels). */
function hasExactPolicy(inventory: Inventory, workload: Workload): boolean {
  const labels = Object.entries(workload.podLabels);
  return (inventory.policiesByNamespace.get(workload.namespace) ?? []).some((p) => {
    const selected = Object.entries(p.podSelector.matchLabels);
    return p.podSelector.matchExpressions.length === 0 && selected.length === labels.length && labels.every(([k, v]) => p.podSelector.matchLabels[k] === v);
  });
}

/**
 * A peer selecting a workload's pods: its pod labels, and its namespace when that is not the
 * policy's (a podSelector alone selects pods of the policy's own namespace).
 */
export function workloadPeer(workload: Workload, policyNamespace: string, comment?: string): YValue {
  const entries = [
    ...(workload.namespace !== policyNamespace ? [{ key: 'namespaceSelector', value: selectorValue(labelsSelector({ [NAMESPACE_NAME_LABEL]: workload.namespace })) }] : []),
    { key: 'podSelector', value: selectorValue(labelsSelector(workload.podLabels)) },
  ];
  const [first, ...rest] = entries;
  return { map: first && comment ? [{ ...first, comments: [comment] }, ...rest] : entries };
}

/**
 * A policy for one workload: its pods exactly, ingress on its container ports from the clients the
 * workspace shows talking to it (knownClients), else from a placeholder peer that selects nothing.
 */
export function workloadPolicyAction(ctx: AuthoringContext, workload: Workload): AuthoringAction {
  const ports = containerPorts(workload);
  const clients = mergeClients([knownClients(ctx.inventory, workload), ctx.extraClients?.(workload) ?? []], workload);
  const peers: YValue[] = clients.map((client) =>
    workloadPeer(client.workload, workload.namespace, `${client.workload.kind} ${client.workload.namespace}/${client.workload.name} (its ${client.evidence})`),
  );
  if (peers.length === 0) {
    peers.push({
      map: [
        {
          key: 'podSelector',
          value: selectorValue(labelsSelector({ app: dnsName(`${workload.name}-client`) })),
          comments: [`TODO: the clients of ${workload.name}. This placeholder selects no pod, so nothing is allowed yet.`],
        },
      ],
    });
  }
  const rule: YValue = { map: [{ key: 'from', value: { seq: peers } }, ...(ports.length > 0 ? [{ key: 'ports', value: portsValue(ports) }] : [])] };
  const { edit, newPolicy } = appendPolicy(ctx, `${workload.name}-ingress`, (name) => ({
    name,
    namespace: workload.namespace,
    podSelector: labelsSelector(workload.podLabels),
    policyTypes: ['Ingress'],
    ingress: [rule],
    comments: [`Ingress to the pods of ${workload.kind} ${workload.name}.`],
  }));
  return { title: `Create a NetworkPolicy for ${workload.kind} ${workload.name}`, kind: 'refactor', id: 'createWorkloadPolicy', edits: [edit], newPolicy };
}

/** Whether a policy selecting the workload already allows ingress from the well-known peer. */
function allowsFrom(ctx: AuthoringContext, workload: Workload, peerConfig: PeerSelectorConfig): boolean {
  const nsLabels = ctx.inventory.namespaces.get(peerConfig.namespace)?.labels ?? { [NAMESPACE_NAME_LABEL]: peerConfig.namespace };
  const pods = requiredLabels(peerConfig.podSelector);
  return (ctx.inventory.policiesByNamespace.get(workload.namespace) ?? []).some(
    (policy: NetworkPolicyInfo) =>
      policySelects(policy, workload) &&
      policy.ingress.some((rule) =>
        rule.peers.some((peer) => peer.namespaceSelector !== undefined && selectorMatches(peer.namespaceSelector, nsLabels) && (!peer.podSelector || selectorMatches(peer.podSelector, pods))),
      ),
  );
}

function allowFromAction(ctx: AuthoringContext, workload: Workload, which: 'ingressController' | 'monitoring'): AuthoringAction | undefined {
  const peerConfig = ctx.config.selectors[which];
  if (allowsFrom(ctx, workload, peerConfig)) return undefined;
  const ports = which === 'monitoring' ? containerPorts(workload, peerConfig.port ?? 'metrics') : containerPorts(workload).filter((p) => p.protocol === 'TCP');
  // monitoring scrapes one port: without it on the workload there is nothing to allow
  if (ports.length === 0) return undefined;
  const label = which === 'monitoring' ? 'monitoring' : 'the ingress controller';
  const { edit, newPolicy } = appendPolicy(ctx, `${workload.name}-from-${which === 'monitoring' ? 'monitoring' : 'ingress-controller'}`, (name) => ({
    name,
    namespace: workload.namespace,
    podSelector: labelsSelector(workload.podLabels),
    policyTypes: ['Ingress'],
    ingress: [{ map: [{ key: 'from', value: { seq: [wellKnownPeer(peerConfig)] } }, { key: 'ports', value: portsValue(ports) }] }],
    comments: [`Allow ${label} (namespace ${peerConfig.namespace}) to reach ${workload.kind} ${workload.name}.`],
  }));
  return {
    title: `Allow ingress to ${workload.kind} ${workload.name} from ${label}`,
    kind: 'refactor',
    id: which === 'monitoring' ? 'allowFromMonitoring' : 'allowFromIngressController',
    edits: [edit],
    newPolicy,
  };
}

/**
 * An ingress rule from a well-known peer added to the policy under the cursor. Offered only when
 * the policy already isolates its pods for ingress, so the rule can only allow more, and when no
 * rule of it admits that peer yet.
 */
function addRuleAction(ctx: AuthoringContext, object: ObjectText, policy: NetworkPolicyInfo, which: 'ingressController' | 'monitoring'): AuthoringAction | undefined {
  if (!policy.policyTypes.includes('Ingress')) return undefined;
  const peerConfig = ctx.config.selectors[which];
  const nsLabels = ctx.inventory.namespaces.get(peerConfig.namespace)?.labels ?? { [NAMESPACE_NAME_LABEL]: peerConfig.namespace };
  const pods = requiredLabels(peerConfig.podSelector);
  if (policy.ingress.some((rule) => rule.peers.length === 0 || rule.peers.some((peer) => peer.namespaceSelector !== undefined && selectorMatches(peer.namespaceSelector, nsLabels) && (!peer.podSelector || selectorMatches(peer.podSelector, pods))))) return undefined;
  const selected = (ctx.inventory.workloadsByNamespace.get(policy.namespace) ?? []).filter((w) => policySelects(policy, w));
  let ports: PortSpec[];
  if (which === 'monitoring') {
    const port = peerConfig.port ?? 'metrics';
    // monitoring scrapes one port: only where a selected container has it
    if (!selected.some((w) => w.ports.some((p) => p.port === port || p.name === port))) return undefined;
    ports = [{ protocol: 'TCP', port }];
  } else {
    const seen = new Map<string, PortSpec>();
    for (const w of selected) for (const p of containerPorts(w)) if (p.protocol === 'TCP') seen.set(String(p.port), p);
    ports = [...seen.values()];
  }
  const rule: YValue = { map: [{ key: 'from', value: { seq: [wellKnownPeer(peerConfig)] } }, ...(ports.length > 0 ? [{ key: 'ports', value: portsValue(ports) }] : [])] };
  const edits = addRuleEdit(ctx, object, 'ingress', rule);
  if (!edits) return undefined;
  const label = which === 'monitoring' ? 'monitoring' : 'the ingress controller';
  return { title: `Add an ingress rule from ${label} to ${policy.name}`, kind: 'refactor', id: which === 'monitoring' ? 'addRuleFromMonitoring' : 'addRuleFromIngressController', edits };
}

/**
 * Edits adding a rule at the end of a policy's `spec.ingress` or `spec.egress` block sequence, in
 * the file's own indentation; an empty `[]` becomes a block sequence of the rule (a comment after
 * it stays on its line); an absent key is added after policyTypes/podSelector. Undefined for a flow
 * spec, a flow sequence with items, or an explicit `ingress: null` (left to the user).
 */
export function addRuleEdit(ctx: AuthoringContext, object: ObjectText, direction: Direction, rule: YValue): TextEdit[] | undefined {
  const style = styleOf(ctx.text);
  const spec = object.map.get('spec', true);
  if (!isMap(spec) || spec.flow) return undefined;
  const rules = spec.get(direction, true);
  if (isSeq(rules) && !rules.flow && rules.items.length > 0) {
    const first = rules.items[0] as { range?: [number, number, number] } | null;
    const last = rules.items[rules.items.length - 1] as { range?: [number, number, number] } | null;
    if (!first?.range || !last?.range) return undefined;
    const dash = lineIndent(object.chunk, first.range[0]);
    const at = object.chunk[last.range[1] - 1] === '\n' ? last.range[1] : nextLineStart(object.chunk, last.range[1]);
    const lead = at === object.chunk.length && !object.chunk.endsWith('\n') ? style.eol : '';
    return [insertAt(object.base + at, `${lead}${emitItems([rule], dash, style)}`)];
  }
  if (isSeq(rules) && rules.flow && rules.items.length === 0 && rules.range) {
    // `ingress: []`: the brackets go, the rule follows on the next lines, under the key
    let start = rules.range[0];
    while (start > 0 && (object.chunk[start - 1] === ' ' || object.chunk[start - 1] === '\t')) start--;
    const close = object.chunk.indexOf(']', rules.range[0]);
    if (close < 0 || object.chunk.slice(rules.range[0], close + 1).includes('\n')) return undefined;
    const keyIndent = lineIndent(object.chunk, rules.range[0]);
    const at = nextLineStart(object.chunk, close);
    const lead = at === object.chunk.length && !object.chunk.endsWith('\n') ? style.eol : '';
    return [
      { range: { start: object.base + start, end: object.base + close + 1 }, newText: '' },
      insertAt(object.base + at, `${lead}${emitItems([rule], `${keyIndent}${style.seqIndent}`, style)}`),
    ];
  }
  if (rules !== undefined && rules !== null) return undefined;
  if (spec.has(direction)) return undefined;
  const lines = emitItems([rule], style.seqIndent, style).split(style.eol).filter((line) => line !== '');
  const edit = addPairEdit(object, spec, direction, { block: lines, flow: '', json: '' }, direction === 'egress' ? ['policyTypes', 'podSelector', 'ingress'] : ['policyTypes', 'podSelector']);
  return edit ? [edit] : undefined;
}

export const WORKLOAD_KIND_SET: ReadonlySet<string> = new Set(WORKLOAD_KINDS);

/** The templates offered at an offset of a file: for its document's namespace and workload. */
export function templateActions(ctx: AuthoringContext, offset: number): AuthoringAction[] {
  // JSON manifests: a YAML document appended to them would not be JSON
  if (isJsonText(ctx.text)) return [];
  const object = objectAt(ctx.text, offset);
  if (!object) return [];
  const kind = object.map.get('kind');
  if (typeof kind !== 'string') return [];
  const namespace = namespaceOfObject(object, ctx.config.defaultNamespace);
  // a policy in a namespace the API would reject would itself be rejected
  if (!validNamespace(namespace)) return [];
  const actions: AuthoringAction[] = [];
  const missing = (['ingress', 'egress'] as const).filter((d) => !hasDefaultDeny(ctx.inventory, namespace, d));
  if (missing.length === 2) actions.push(defaultDenyAction(ctx, namespace, missing, 'defaultDenyBoth'));
  for (const direction of missing) actions.push(defaultDenyAction(ctx, namespace, [direction], `defaultDeny${TYPES[direction]}`));
  if (!namespaceAllowsDns(ctx, namespace)) actions.push(dnsEgressAction(ctx, namespace));
  if (kind === 'NetworkPolicy') {
    const policy = policyOf(ctx, object);
    if (policy && !isEmptySelector(policy.podSelector)) {
      for (const which of ['ingressController', 'monitoring'] as const) {
        const action = addRuleAction(ctx, object, policy, which);
        if (action) actions.push(action);
      }
    }
  }
  if (WORKLOAD_KIND_SET.has(kind)) {
    const workload = workloadOf(ctx, object);
    if (workload && !workload.hostNetwork && Object.keys(workload.podLabels).length > 0 && validLabels(workload.podLabels)) {
      if (!hasExactPolicy(ctx.inventory, workload)) actions.push(workloadPolicyAction(ctx, workload));
      for (const which of ['ingressController', 'monitoring'] as const) {
        const action = allowFromAction(ctx, workload, which);
        if (action) actions.push(action);
      }
    }
  }
  return actions;
}
