import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkspaceAnalysis } from '../../server/src/core';
import { hoverAt } from '../../server/src/core/authoring';
import { workloadInputs } from '../../bench/reachabilityInputs';

/**
 * Hovers answer at once on a large workspace: they never compute connectivity, only what the one
 * policy selects and what its peers match (the engine's index over this policy alone, memoised).
 */
describe('hover speed', () => {
  it('answers within milliseconds with 2,000 workloads and 2,000 policies', () => {
    const workspace = new WorkspaceAnalysis();
    const files = workloadInputs(100, 20, 20);
    for (const f of files) workspace.update(f.file, f.text);
    const inventory = workspace.inventory();
    const config = workspace.configuration();
    const file = files[42]!;
    const times: number[] = [];
    let hovers = 0;
    // every policy name of one namespace's file (one JSON document a line), a selector and a rule of each
    for (const match of file.text.matchAll(/"kind":"NetworkPolicy","metadata":\{"name":"/g)) {
      const at = (match.index ?? 0) + match[0].length;
      const end = file.text.indexOf('\n', at);
      for (const offset of [at, file.text.indexOf('"podSelector"', at) + 2, file.text.indexOf('"port"', at) + 2]) {
        if (offset < at || (end >= 0 && offset > end)) continue;
        const started = performance.now();
        const hover = hoverAt({ file: file.file, text: file.text, inventory, config }, offset);
        times.push(performance.now() - started);
        if (hover) hovers++;
      }
    }
    assert.ok(hovers >= 40, `${hovers} hovers`);
    // the first hover of a policy builds its index (about 15 ms here), the next ones reuse it
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? 0;
    assert.ok(median < 5, `median hover ${median.toFixed(1)} ms`);
    assert.ok((times.at(-1) ?? 0) < 250, `slowest hover ${(times.at(-1) ?? 0).toFixed(1)} ms`);
  });
});

describe('hover on a policy the API server would reject', () => {
  it('reads the policy as written and says it is not applied', () => {
    const workspace = new WorkspaceAnalysis();
    const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  selector:\n    matchLabels: { app: api }\n  template:\n    metadata:\n      labels: { app: api }\n    spec:\n      containers: [{ name: api, image: api }]\n';
    // endPort below port: rejected, so no inventory entry
    const policy = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  podSelector:\n    matchLabels:\n      app: api\n  ingress:\n    - ports:\n        - port: 9000\n          endPort: 8000\n';
    workspace.update('deploy.yaml', deployment);
    workspace.update('policy.yaml', policy);
    const inventory = workspace.inventory();
    assert.equal(inventory.policies.length, 0);
    const hover = hoverAt({ file: 'policy.yaml', text: policy, inventory, config: workspace.configuration() }, policy.indexOf('podSelector'));
    assert.equal(
      hover?.markdown,
      [
        '**podSelector of shop/api**',
        '',
        '_The API server would reject this policy as written (see its diagnostics), so it applies to nothing yet; below, what it would do once accepted._',
        '',
        'Selects pods app=api in namespace shop: 1 workload: shop/api.',
      ].join('\n'),
    );
  });
});
