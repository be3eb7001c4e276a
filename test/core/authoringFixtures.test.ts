import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { WorkspaceAnalysis, analyzeText } from '../../server/src/core';
import { applyEdits, completions, inputTemplateAction, namespaceActions, quickFixes, templateActions, type AuthoringAction, type TemplateInput } from '../../server/src/core/authoring';
import schema from '../../schemas/networkpolicy.schema.json';

const FIXTURES = join(__dirname, '..', 'fixtures');

function manifests(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'authoring' ? [] : manifests(path);
    return /\.(ya?ml|json)$/.test(name) ? [path] : [];
  });
}

function apiErrorCount(text: string): number {
  return analyzeText(text).findings.filter((f) => f.severity === 'error' && (f.ruleId.startsWith('api-') || f.ruleId === 'yaml-syntax')).length;
}

/** Template inputs tried at every document of every fixture (the namespace exists in few of them: no matter). */
const INPUTS: TemplateInput[] = [
  { template: 'allowFromNamespace', namespace: 'monitoring' },
  { template: 'allowFromPods', labels: { app: 'web' } },
  { template: 'allowEgressToCidr', cidr: '10.0.0.0/8', except: ['10.1.0.0/16'], ports: 'TCP 443' },
];

/**
 * Every quick fix of every finding, and every template at every document start, over all the
 * validation and guardrail fixtures (valid, invalid, half-typed, JSON): nothing throws, and no
 * edit gives the API server more to reject than before.
 */
describe('authoring over every fixture', () => {
  it('never throws and never adds an API error', (t) => {
    let applied = 0;
    for (const file of manifests(FIXTURES)) {
      const text = readFileSync(file, 'utf8');
      const workspace = new WorkspaceAnalysis();
      workspace.update(file, text);
      const ctx = { file, text, inventory: workspace.inventory(), config: workspace.configuration() };
      const actions: AuthoringAction[] = (workspace.findings().get(file) ?? []).flatMap((f) => quickFixes(ctx, f));
      for (const match of text.matchAll(/^kind:/gm)) {
        actions.push(...templateActions(ctx, match.index), ...namespaceActions(ctx, match.index));
        for (const input of INPUTS) {
          const result = inputTemplateAction(ctx, match.index, input);
          if ('action' in result) actions.push(result.action);
        }
        completions(ctx, match.index, schema);
      }
      const before = apiErrorCount(text);
      for (const action of actions) {
        const after = apiErrorCount(applyEdits(text, action.edits));
        assert.ok(after <= before, `${file}: "${action.title}" adds API errors (${before} -> ${after})`);
        applied++;
      }
    }
    t.diagnostic(`${applied} actions applied`);
    assert.ok(applied > 1000, `only ${applied} actions`);
  });
});
