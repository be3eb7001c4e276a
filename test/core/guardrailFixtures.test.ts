import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { ALL_RULES, CONFIG_FILE_NAME, GUARDRAIL_RULES, LineIndex, WorkspaceAnalysis, parseConfig, type Finding } from '../../server/src/core';

/**
 * Golden workspaces for the guardrails: `guardrails/<rule-id>/{fires,quiet}/<case>/` is a folder of
 * manifests (and, where a case needs one, a .netpol-guardrails.yaml) with `expected.json`: the
 * findings of that rule only, as { file, line, text }, where line is 1-based and text is what the
 * finding's range covers. Quiet cases expect []. The expectations were written from the
 * NetworkPolicy API semantics (upstream types.go, defaults.go, labels/selector.go), not copied from
 * this implementation's output.
 */

const fixtures = join(__dirname, '..', 'fixtures', 'guardrails');
// the observed-flow rules need flows as well as manifests: their fixtures are test/fixtures/flows (flowChecks.test.ts)
const RULE_IDS = GUARDRAIL_RULES.filter((r) => !r.requiresFlows).map((r) => r.id);
const API_RULE_IDS: ReadonlySet<string> = new Set(ALL_RULES.map((r) => r.id));

/** Cases that also check a message: the finding must say this (e.g. which protocol DNS lacks). */
const MESSAGES: Readonly<Record<string, { includes: readonly string[]; excludes?: readonly string[] }>> = {
  'egress-blocks-dns/fires/udp-only': { includes: ['TCP 53'], excludes: ['UDP 53'] },
  'egress-blocks-dns/fires/protocol-omitted': { includes: ['UDP 53'], excludes: ['TCP 53'] },
  'egress-blocks-dns/fires/configured-port': { includes: ['UDP 5353 or TCP 5353', 'openshift-dns'] },
  'named-port-unresolved/fires/protocol-mismatch': { includes: ['defines "statsd" as UDP, not TCP'] },
  'peer-selects-nothing/fires/namespace-label-typo': { includes: ['Did you mean team=payments?'] },
  'policy-selects-nothing/fires/label-typo': { includes: ['Did you mean app=frontend?'] },
  'policy-types-missing/fires/egress-empty-list': { includes: ['infers [Ingress]', 'does not isolate egress'] },
  'policy-types-missing/fires/egress-rules': { includes: ['infers [Ingress, Egress]'] },
  'missing-default-deny/fires/egress-empty-list': { includes: ['default-deny egress'] },
  'namespace-missing/fires/empty-namespace': { includes: ['taken as "default"'] },
  'workload-not-isolated/fires/egress-empty-list': { includes: ['not isolated for egress'], excludes: ['ingress'] },
  'redundant-rule/fires/ports-union': { includes: ['Ingress rule 3 of shop/api-ingress', 'rule 1 and rule 2 already allow'] },
  'redundant-rule/fires/dns-in-shared-policy': { includes: ['shop/allow-dns egress rule 1'] },
  'redundant-policy/fires/default-deny-twice': { includes: ['shop/deny-all already isolates', 'for ingress'] },
};

interface Expected {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

interface Case {
  /** `<rule-id>/<fires|quiet>/<case>` */
  readonly name: string;
  readonly ruleId: string;
  readonly kind: 'fires' | 'quiet';
  readonly dir: string;
}

function subdirs(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort();
}

function manifestFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return manifestFiles(path);
      return /\.ya?ml$/.test(name) && name !== CONFIG_FILE_NAME ? [path] : [];
    })
    .sort();
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const ruleId of subdirs(fixtures)) {
    for (const kind of ['fires', 'quiet'] as const) {
      const kindDir = join(fixtures, ruleId, kind);
      if (!existsSync(kindDir)) continue;
      for (const name of subdirs(kindDir)) out.push({ name: `${ruleId}/${kind}/${name}`, ruleId, kind, dir: join(kindDir, name) });
    }
  }
  return out;
}

function load(dir: string): { workspace: WorkspaceAnalysis; texts: Map<string, string> } {
  const workspace = new WorkspaceAnalysis();
  const configPath = join(dir, CONFIG_FILE_NAME);
  if (existsSync(configPath)) {
    const { config, findings } = parseConfig(readFileSync(configPath, 'utf8'), RULE_IDS);
    assert.deepEqual(findings, [], `${configPath} has errors`);
    workspace.setConfig(config);
  }
  const texts = new Map<string, string>();
  for (const path of manifestFiles(dir)) {
    const file = relative(dir, path).split(sep).join('/');
    const text = readFileSync(path, 'utf8');
    texts.set(file, text);
    workspace.update(file, text);
  }
  return { workspace, texts };
}

function located(texts: ReadonlyMap<string, string>, file: string, finding: Finding): Expected {
  const text = texts.get(file) ?? '';
  return { file, line: new LineIndex(text).position(finding.range.start).line + 1, text: text.slice(finding.range.start, finding.range.end) };
}

function sorted(rows: readonly Expected[]): Expected[] {
  return [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

const all = cases();

describe('guardrail fixtures', () => {
  it('every guardrail has cases that fire and cases that stay quiet, and no case names an unknown rule', () => {
    for (const id of RULE_IDS) {
      assert.ok(all.some((c) => c.ruleId === id && c.kind === 'fires'), `${id} has no fires case`);
      assert.ok(all.some((c) => c.ruleId === id && c.kind === 'quiet'), `${id} has no quiet case`);
    }
    for (const c of all) assert.ok(RULE_IDS.includes(c.ruleId), `${c.name}: no guardrail ${c.ruleId}`);
    for (const name of Object.keys(MESSAGES)) assert.ok(all.some((c) => c.name === name), `MESSAGES names a missing case ${name}`);
  });

  for (const c of all) {
    it(c.name, () => {
      const expected = JSON.parse(readFileSync(join(c.dir, 'expected.json'), 'utf8')) as Expected[];
      if (c.kind === 'quiet') assert.deepEqual(expected, [], 'a quiet case expects no finding');
      else assert.ok(expected.length > 0, 'a fires case expects findings');
      const { workspace, texts } = load(c.dir);
      assert.ok(texts.size > 0, 'the case has manifests');
      const byFile = workspace.findings();
      // the manifests are valid: a policy the API server rejects would silently drop out of the case
      const apiFindings = [...byFile].flatMap(([file, list]) => list.filter((f) => API_RULE_IDS.has(f.ruleId)).map((f) => `${file}: ${f.ruleId} ${f.message}`));
      assert.deepEqual(apiFindings, [], 'fixture manifests must pass API validation');
      const findings = [...byFile].flatMap(([file, list]) => list.filter((f) => f.ruleId === c.ruleId).map((f) => ({ file, finding: f })));
      assert.deepEqual(sorted(findings.map(({ file, finding }) => located(texts, file, finding))), sorted(expected));
      const messages = MESSAGES[c.name];
      if (messages) {
        for (const { finding } of findings) {
          for (const part of messages.includes) assert.ok(finding.message.includes(part), `"${finding.message}" should say "${part}"`);
          for (const part of messages.excludes ?? []) assert.ok(!finding.message.includes(part), `"${finding.message}" should not say "${part}"`);
        }
      }
    });
  }
});
