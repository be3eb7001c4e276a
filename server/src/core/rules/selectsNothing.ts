import { editDistance } from '../model/editDistance';
import { NAMESPACE_NAME_LABEL, type Inventory, type PolicyPeer } from '../inventory/model';
import { formatSelector, isEmptySelector, selectorMatches, type LabelSelector, type Labels } from '../selectors/labelSelector';
import { isSelectorPeer, namespaceLabels, peerSelectsNamespace, policySelects } from '../selectors/peers';
import { policyName, policyRange, type GuardrailRule, inScope } from './rule';

/** Edits a typo of `text` may plausibly have: one per four characters, at least one. */
function typoBudget(text: string): number {
  return Math.max(1, Math.floor(text.length / 4));
}

/**
 * The label pair among `candidates` that is a near miss of one of the selector's matchLabels pairs:
 * key and value each within a typo's distance of it (by their own length, so `env=prod` is no near
 * miss of `env=dev`, while `team=paymnets` is one of `team=payments`).
 */
function nearestLabel(selector: LabelSelector, candidates: readonly Labels[]): string | undefined {
  // distinct label pairs only: thousands of workloads share a handful of labels
  const pairs = new Set<string>();
  for (const labels of candidates) for (const [k, v] of Object.entries(labels)) pairs.add(`${k}\u0000${v}`);
  let best: string | undefined;
  let bestScore = Infinity;
  for (const [key, value] of Object.entries(selector.matchLabels)) {
    for (const pair of pairs) {
      const [k = '', v = ''] = pair.split('\u0000');
      if (k === key && v === value) continue;
      const keyBudget = k === key ? 0 : typoBudget(key);
      const valueBudget = typoBudget(value);
      // lengths alone rule most pairs out before any edit distance is computed
      if (Math.abs(k.length - key.length) > keyBudget || Math.abs(v.length - value.length) > valueBudget) continue;
      const keyDistance = editDistance(k, key);
      if (keyDistance > keyBudget) continue;
      const valueDistance = editDistance(v, value);
      if (valueDistance > valueBudget) continue;
      const score = keyDistance + valueDistance;
      if (score < bestScore) {
        bestScore = score;
        best = `${k}=${v}`;
      }
    }
  }
  return best;
}

/** nearestLabel, remembered for one run of a rule (the same selectors recur across policies). */
function memoNearest(cache: Map<string, string | undefined>, scope: string, selector: LabelSelector, candidates: () => readonly Labels[]): string | undefined {
  const key = `${scope}|${JSON.stringify(selector.matchLabels)}`;
  if (cache.has(key)) return cache.get(key);
  const value = nearestLabel(selector, candidates());
  cache.set(key, value);
  return value;
}


/** Only judge what the workspace can know: namespaces it holds workloads for. */
function workloadsKnownIn(inventory: Inventory, namespace: string): boolean {
  return inventory.workloadsByNamespace.has(namespace);
}

export const policySelectsNothing: GuardrailRule = {
  id: 'policy-selects-nothing',
  severity: 'warning',
  description: "A policy's podSelector matches no workload in its namespace, so it has no effect.",
  defaultOptions: {},
  check({ inventory, scope }, out) {
    for (const policy of inScope(scope, inventory.policies)) {
      if (isEmptySelector(policy.podSelector)) continue;
      if (!workloadsKnownIn(inventory, policy.namespace)) continue;
      if ((inventory.workloadsByNamespace.get(policy.namespace) ?? []).some((w) => policySelects(policy, w))) continue;
      const candidates = (inventory.workloadsByNamespace.get(policy.namespace) ?? []).map((w) => w.podLabels);
      const suggestion = nearestLabel(policy.podSelector, candidates);
      out.policy(policy, 
        policyRange(policy, ['spec', 'podSelector']),
        `NetworkPolicy ${policyName(policy)} selects no workload: no pod in namespace "${policy.namespace}" has labels ${formatSelector(policy.podSelector)}.${suggestion ? ` Did you mean ${suggestion}?` : ''}`,
      );
    }
  },
};

function peerDescription(peer: PolicyPeer): string {
  const parts: string[] = [];
  if (peer.namespaceSelector) parts.push(`namespaces ${formatSelector(peer.namespaceSelector)}`);
  if (peer.podSelector) parts.push(`pods ${formatSelector(peer.podSelector)}`);
  return parts.join(' and ');
}

/**
 * Whether a namespaceSelector also matches namespaces the workspace does not hold: a namespace that
 * carries only its automatic kubernetes.io/metadata.name label, as kube-system does, under a name no
 * `In` list can contain. That is `{}` and selectors made only of NotIn / DoesNotExist.
 */
function matchesUnseenNamespaces(selector: LabelSelector): boolean {
  return selectorMatches(selector, { [NAMESPACE_NAME_LABEL]: '(a namespace outside the workspace)' });
}

export const peerSelectsNothing: GuardrailRule = {
  id: 'peer-selects-nothing',
  severity: 'warning',
  description: 'A from/to peer matches no workload or namespace in the workspace.',
  defaultOptions: {},
  check({ inventory, scope }, out) {
    const namespaces = [...inventory.namespaces.keys()];
    const nearCache = new Map<string, string | undefined>();
    const namespaceCache = new Map<string, string[]>();
    for (const policy of inScope(scope, inventory.policies)) {
      for (const direction of ['ingress', 'egress'] as const) {
        const peersKey = direction === 'ingress' ? 'from' : 'to';
        const rules = direction === 'ingress' ? policy.ingress : policy.egress;
        rules.forEach((rule, i) => {
          rule.peers.forEach((peer, j) => {
            if (!isSelectorPeer(peer)) return;
            // without a namespaceSelector a peer is in the policy's own namespace (isSelectorPeer:
            // its podSelector is set); with one, the namespaces it matches depend on it alone
            let matchingNamespaces: string[];
            if (peer.namespaceSelector) {
              const nsKey = JSON.stringify(peer.namespaceSelector);
              matchingNamespaces = namespaceCache.get(nsKey) ?? namespaces.filter((ns) => peerSelectsNamespace(inventory, policy, peer, ns));
              namespaceCache.set(nsKey, matchingNamespaces);
            } else {
              matchingNamespaces = [policy.namespace];
            }
            const at = policyRange(policy, ['spec', direction, i, peersKey, j]);
            if (peer.namespaceSelector && matchingNamespaces.length === 0) {
              // The namespace may well exist only in the cluster (kube-system, ingress-nginx...):
              // report it only when a namespace of the workspace is a near miss, a likely typo.
              const suggestion = memoNearest(nearCache, 'namespaces', peer.namespaceSelector, () => namespaces.map((ns) => namespaceLabels(inventory, ns)));
              if (suggestion) {
                out.policy(policy, 
                  at,
                  `This ${peersKey} peer of ${policyName(policy)} matches no namespace in the workspace (${peerDescription(peer)}). Did you mean ${suggestion}?`,
                );
              }
              return;
            }
            if (!peer.podSelector || isEmptySelector(peer.podSelector)) return;
            const judgeable = matchingNamespaces.filter((ns) => workloadsKnownIn(inventory, ns));
            if (judgeable.length === 0) return;
            const reachable = judgeable.flatMap((ns) => inventory.workloadsByNamespace.get(ns) ?? []);
            const podSelector = peer.podSelector;
            // the namespaces are the peer's already (peerSelectsNamespace): only the pods are left to match
            if (reachable.some((w) => selectorMatches(podSelector, w.podLabels))) return;
            const suggestion = memoNearest(nearCache, judgeable.join(','), podSelector, () => reachable.map((w) => w.podLabels));
            // namespaceSelector: {} (or only NotIn / DoesNotExist) also reaches kube-system and every
            // other namespace outside the workspace, where the pods may well run (k8s-app=kube-dns):
            // report only a near miss, a likely typo
            if (peer.namespaceSelector && matchesUnseenNamespaces(peer.namespaceSelector) && !suggestion) return;
            out.policy(policy, 
              at,
              `This ${peersKey} peer of ${policyName(policy)} matches no workload: no pod with ${formatSelector(peer.podSelector)} in ${judgeable.length === 1 ? `namespace "${judgeable[0] ?? ''}"` : `namespaces ${judgeable.join(', ')}`}.${suggestion ? ` Did you mean ${suggestion}?` : ''}`,
            );
          });
        });
      }
    }
  },
};
