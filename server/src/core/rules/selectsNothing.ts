import type { Inventory, PolicyPeer } from '../inventory/model';
import { formatSelector, isEmptySelector, type LabelSelector, type Labels } from '../selectors/labelSelector';
import { isSelectorPeer, namespaceLabels, peerSelectsNamespace, peerSelectsWorkload, policySelects } from '../selectors/peers';
import { policyName, policyRange, type GuardrailRule } from './rule';

/** The label pair among `candidates` closest to the selector's first unmatched matchLabels pair. */
function nearestLabel(selector: LabelSelector, candidates: readonly Labels[]): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const [key, value] of Object.entries(selector.matchLabels)) {
    for (const labels of candidates) {
      for (const [k, v] of Object.entries(labels)) {
        const score = (k === key ? 0 : editDistance(k, key) + 2) + editDistance(v, value);
        if (score < bestScore && !(k === key && v === value)) {
          bestScore = score;
          best = `${k}=${v}`;
        }
      }
    }
  }
  return bestScore <= 4 ? best : undefined;
}

function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] ?? 0;
}

/** Only judge what the workspace can know: namespaces it holds workloads for. */
function workloadsKnownIn(inventory: Inventory, namespace: string): boolean {
  return inventory.workloads.some((w) => w.namespace === namespace);
}

export const policySelectsNothing: GuardrailRule = {
  id: 'policy-selects-nothing',
  severity: 'warning',
  description: "A policy's podSelector matches no workload in its namespace, so it has no effect.",
  defaultOptions: {},
  check({ inventory }, out) {
    for (const policy of inventory.policies) {
      if (isEmptySelector(policy.podSelector)) continue;
      if (!workloadsKnownIn(inventory, policy.namespace)) continue;
      if (inventory.workloads.some((w) => policySelects(policy, w))) continue;
      const candidates = inventory.workloads.filter((w) => w.namespace === policy.namespace).map((w) => w.podLabels);
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

function peerIsJudgeable(peer: PolicyPeer): boolean {
  // an empty namespaceSelector also matches namespaces created later: never "nothing"
  if (peer.namespaceSelector && isEmptySelector(peer.namespaceSelector)) return !peer.podSelector || !isEmptySelector(peer.podSelector);
  return true;
}

export const peerSelectsNothing: GuardrailRule = {
  id: 'peer-selects-nothing',
  severity: 'warning',
  description: 'A from/to peer matches no workload or namespace in the workspace.',
  defaultOptions: {},
  check({ inventory }, out) {
    const namespaces = [...inventory.namespaces.keys()];
    for (const policy of inventory.policies) {
      for (const direction of ['ingress', 'egress'] as const) {
        const peersKey = direction === 'ingress' ? 'from' : 'to';
        const rules = direction === 'ingress' ? policy.ingress : policy.egress;
        rules.forEach((rule, i) => {
          rule.peers.forEach((peer, j) => {
            if (!isSelectorPeer(peer) || !peerIsJudgeable(peer)) return;
            const matchingNamespaces = namespaces.filter((ns) => peerSelectsNamespace(inventory, policy, peer, ns));
            const at = policyRange(policy, ['spec', direction, i, peersKey, j]);
            if (peer.namespaceSelector && matchingNamespaces.length === 0) {
              // The namespace may well exist only in the cluster (kube-system, ingress-nginx...):
              // report it only when a namespace of the workspace is a near miss, a likely typo.
              const suggestion = nearestLabel(
                peer.namespaceSelector,
                namespaces.map((ns) => namespaceLabels(inventory, ns)),
              );
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
            if (inventory.workloads.some((w) => peerSelectsWorkload(inventory, policy, peer, w))) return;
            const candidates = inventory.workloads.filter((w) => judgeable.includes(w.namespace)).map((w) => w.podLabels);
            const suggestion = nearestLabel(peer.podSelector, candidates);
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
