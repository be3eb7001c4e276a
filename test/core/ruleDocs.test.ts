import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ALL_RULES, FlowAggregator, FlowLineParser, GUARDRAIL_RULES, WorkspaceAnalysis, parseConfig } from '../../server/src/core';

/**
 * docs/rules/<id>.md for every rule id a finding can carry, all with the same sections, the
 * default severity the code uses, and examples that do what they say: a ```yaml fires block gives
 * a finding of the rule, a ```yaml quiet block gives none.
 */

const root = join(__dirname, '..', '..');
const docsDir = join(root, 'docs', 'rules');

const HEADINGS = ['Default severity', 'What it checks', 'Why it matters', 'How to fix', 'Example', 'Options', 'Configuration and suppression'];

const RULES: readonly { id: string; severity: string; guardrail: boolean }[] = [
  ...ALL_RULES.map((r) => ({ id: r.id, severity: r.severity, guardrail: false })),
  ...GUARDRAIL_RULES.map((r) => ({ id: r.id, severity: r.severity, guardrail: true })),
];
const API_RULE_IDS: ReadonlySet<string> = new Set(ALL_RULES.map((r) => r.id));
const GUARDRAIL_IDS = GUARDRAIL_RULES.map((r) => r.id);

/** Rules whose firing example cannot be shown in a doc: it is built here instead. */
const BUILT_EXAMPLES: Readonly<Record<string, () => string>> = {
  // 256 KiB of annotations (TotalAnnotationSizeLimitB) do not fit in a page
  'api-too-long': () =>
    `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: api\n  namespace: shop\n  annotations:\n    example.com/blob: "${'x'.repeat(262_144)}"\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n`,
};

function sections(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = markdown.split(/^## /m).slice(1);
  for (const part of parts) {
    const nl = part.indexOf('\n');
    out.set(part.slice(0, nl).trim(), part.slice(nl + 1));
  }
  return out;
}

function examples(markdown: string): { kind: 'fires' | 'quiet'; text: string }[] {
  return [...markdown.matchAll(/^```yaml (fires|quiet)\n([\s\S]*?)^```$/gm)].map((m) => ({ kind: m[1] as 'fires' | 'quiet', text: m[2] ?? '' }));
}

/** The observed flows of a doc (a ```csv flows block, docs/flows.md's generic CSV), for the observed-flow rules. */
function flowsOf(markdown: string): string | undefined {
  return /^```csv flows\n([\s\S]*?)^```$/m.exec(markdown)?.[1];
}

/** Rule ids of the findings an example gives, as one file of a workspace (or as the config file). */
function findingsOf(id: string, text: string, flows?: string): { ruleId: string; severity: string; message: string }[] {
  if (id === 'config-invalid') return parseConfig(text, GUARDRAIL_IDS).findings;
  const workspace = new WorkspaceAnalysis();
  workspace.update('example.yaml', text);
  if (flows !== undefined) {
    const aggregator = new FlowAggregator({ inventory: workspace.inventory() });
    const parser = new FlowLineParser('flows.csv');
    flows.split('\n').forEach((line, i) => aggregator.addLine('flows.csv', i + 1, parser.line(line)));
    const { flows: aggregated, problems } = aggregator.result();
    assert.deepEqual(problems, [], 'the flows block reads without problems');
    workspace.setFlows({ flows: aggregated });
  }
  return workspace.findings().get('example.yaml') ?? [];
}

describe('rule documentation', () => {
  it('covers every rule id once, and no more', () => {
    const ids = RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, 'rule ids are unique across the catalog and the guardrails');
  });

  for (const rule of RULES) {
    describe(rule.id, () => {
      const path = join(docsDir, `${rule.id}.md`);
      const markdown = existsSync(path) ? readFileSync(path, 'utf8') : '';

      it(`has docs/rules/${rule.id}.md with the standard sections`, () => {
        assert.ok(existsSync(path), `${path} is missing`);
        assert.ok(markdown.startsWith(`# ${rule.id}\n`), 'starts with the rule id as its title');
        const headings = [...markdown.matchAll(/^## (.+)$/gm)].map((m) => (m[1] ?? '').trim());
        assert.deepEqual(headings, HEADINGS);
        for (const [heading, body] of sections(markdown)) assert.ok(body.trim().length > 0, `section "${heading}" is empty`);
      });

      it('states the default severity the code uses', () => {
        const body = sections(markdown).get('Default severity') ?? '';
        assert.equal(/`([a-z]+)`/.exec(body)?.[1], rule.severity);
      });

      it('has examples that fire and stay quiet as they say', () => {
        const built = BUILT_EXAMPLES[rule.id];
        const blocks = [...examples(markdown), ...(built ? [{ kind: 'fires' as const, text: built() }] : [])];
        assert.ok(blocks.some((b) => b.kind === 'fires'), 'a ```yaml fires example');
        assert.ok(blocks.some((b) => b.kind === 'quiet'), 'a ```yaml quiet example');
        for (const block of blocks) {
          const found = findingsOf(rule.id, block.text, flowsOf(markdown));
          const own = found.filter((f) => f.ruleId === rule.id);
          if (block.kind === 'fires') assert.ok(own.length > 0, `no ${rule.id} finding in:\n${block.text}`);
          else assert.deepEqual(own, [], `a ${rule.id} finding in the quiet example`);
          // guardrail examples (and every quiet one) must be policies the API server accepts
          if (rule.guardrail || block.kind === 'quiet') {
            const rejected = found.filter((f) => API_RULE_IDS.has(f.ruleId) && f.severity === 'error').map((f) => `${f.ruleId}: ${f.message}`);
            assert.deepEqual(rejected, [], 'the example must pass API validation');
          }
        }
      });

      if (rule.guardrail) {
        it('shows how to configure it and suppress it', () => {
          const body = sections(markdown).get('Configuration and suppression') ?? '';
          assert.ok(body.includes(`  ${rule.id}:`), 'a rules entry in .netpol-guardrails.yaml');
          assert.ok(body.includes(`netpol-guardrails-disable-next-line ${rule.id}`), 'an inline suppression');
        });
      }
    });
  }

  it('docs/configuration.md explains every setting of schemas/config.schema.json', () => {
    const markdown = readFileSync(join(root, 'docs', 'configuration.md'), 'utf8');
    const schema = JSON.parse(readFileSync(join(root, 'schemas', 'config.schema.json'), 'utf8')) as {
      properties: Record<string, { properties?: Record<string, unknown>; items?: { properties?: Record<string, unknown> } }>;
      definitions: Record<string, { properties?: Record<string, unknown> }>;
    };
    const names = new Set<string>();
    for (const [name, property] of Object.entries(schema.properties)) {
      names.add(name);
      for (const child of Object.keys(property.properties ?? property.items?.properties ?? {})) names.add(child);
    }
    for (const child of Object.keys(schema.definitions['peerSelector']?.properties ?? {})) names.add(child);
    for (const name of names) assert.ok(markdown.includes(`\`${name}\``), `docs/configuration.md does not mention \`${name}\``);
    for (const id of [...GUARDRAIL_IDS, ...ALL_RULES.map((r) => r.id)]) assert.ok(markdown.includes(`rules/${id}.md`), `docs/configuration.md does not link rules/${id}.md`);
  });
});
