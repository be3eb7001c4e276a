import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkspaceAnalysis, analyzeText, formatPortSet } from '../../server/src/core';
import { connectivityImpact, inventoryWithFile, type ImpactEntry } from '../../server/src/core/reachability/impact';

/** The impact view's core: the semantic diff split into what opens and what is cut off, with reasons. */

const WORKLOADS = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: { team: shop }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec:
  template:
    metadata: { labels: { app: api } }
    spec: { containers: [{ name: api, image: api }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: front }
spec:
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: web }] }
`;

const policy = (ports: string, namespaceLabels = '{ kubernetes.io/metadata.name: front }'): string => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  ingress:
    - from: [{ namespaceSelector: { matchLabels: ${namespaceLabels} } }]
      ports: [${ports}]
`;

function workspace(files: Record<string, string>): WorkspaceAnalysis {
  const analysis = new WorkspaceAnalysis();
  for (const [file, text] of Object.entries(files)) analysis.update(file, text);
  return analysis;
}

const show = (list: readonly ImpactEntry[]): string[] =>
  list.map((e) => `${e.src} -> ${e.dst}: ${formatPortSet(e.ports)}${e.whole ? '' : ` (now ${formatPortSet(e.now)})`} | ${e.reasons.map((r) => `${r.kind} ${r.namespace}/${r.name}${r.ruleIndex === undefined ? '' : ` ${r.direction} rule ${r.ruleIndex + 1}`} [${r.side}]`).join('; ')}`);

describe('impact of an edit', () => {
  it('lists a pair whose ports change under both Opens and Cuts off', () => {
    const inventory = workspace({ 'w.yaml': WORKLOADS, 'p.yaml': policy('{ port: 80 }, { port: 443 }') }).inventory();
    const before = inventoryWithFile(inventory, 'p.yaml', analyzeText(policy('{ port: 80 }, { port: 443 }')).objects);
    const after = inventoryWithFile(inventory, 'p.yaml', analyzeText(policy('{ port: 443 }, { port: 8443 }')).objects);
    const impact = connectivityImpact(before, after);
    assert.deepEqual(show(impact.opens), ['front/web -> shop/api: TCP 8443 (now TCP 443, 8443) | allowed-by shop/api ingress rule 1 [after]']);
    assert.deepEqual(show(impact.cutsOff), ['front/web -> shop/api: TCP 80 (now TCP 443, 8443) | no-longer-allowed-by shop/api ingress rule 1 [before]']);
    assert.equal(impact.unexplained, 0);
  });

  it('replaces the file’s namespaces too: labels removed with it no longer match', () => {
    const inventory = workspace({ 'w.yaml': WORKLOADS, 'p.yaml': policy('{ port: 80 }', '{ team: shop }') }).inventory();
    // the shop namespace (and its label team=shop) is declared in w.yaml: without it, shop is implied, unlabelled
    const without = inventoryWithFile(inventory, 'w.yaml', analyzeText(WORKLOADS.replace('  labels: { team: shop }\n', '')).objects);
    assert.deepEqual(without.namespaces.get('shop')?.labels, { 'kubernetes.io/metadata.name': 'shop' });
    // only the policy's namespace is left, implied by it
    assert.deepEqual([...inventoryWithFile(inventory, 'w.yaml', []).namespaces.values()].map((n) => `${n.name} ${n.explicit}`), ['shop false']);
    const impact = connectivityImpact(inventory, inventoryWithFile(inventory, 'p.yaml', []));
    // the policy gone: shop/api is no longer isolated, so every source reaches it on every port
    assert.deepEqual(
      show(impact.opens).map((line) => line.replace(/ \|.*/, '')),
      ['::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff -> shop/api: all ports', '0.0.0.0-255.255.255.255 -> shop/api: all ports', 'front/web -> shop/api: all ports'],
    );
    assert.ok(impact.opens.every((e) => e.reasons.length === 1 && e.reasons[0]!.kind === 'no-longer-isolated-by'));
    assert.deepEqual(impact.cutsOff, []);
  });
});
