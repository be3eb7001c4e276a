import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { WorkspaceAnalysis } from '../../server/src/core';

const ROOT = join(__dirname, '..', '..');

interface Snippet {
  readonly prefix: string | string[];
  readonly body: string[];
  readonly description: string;
}

/**
 * A snippet's text once expanded with every placeholder at its default: `${1:x}` -> x,
 * `${1|a,b|}` -> a, `$1` / `$0` -> nothing (as VS Code inserts it before the user types).
 */
export function expandSnippet(body: readonly string[]): string {
  let text = body.join('\n');
  for (let i = 0; i < 5; i++) text = text.replace(/\$\{\d+:([^${}]*)\}/g, '$1');
  text = text.replace(/\$\{\d+\|([^,|]*)[^|]*\|\}/g, '$1').replace(/\$\d+/g, '');
  return text.endsWith('\n') ? text : `${text}\n`;
}

describe('snippets/networkpolicy.json', () => {
  const snippets = JSON.parse(readFileSync(join(ROOT, 'snippets', 'networkpolicy.json'), 'utf8')) as Record<string, Snippet>;
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { snippets?: { language: string; path: string }[] } };

  it('is contributed for YAML', () => {
    assert.deepEqual(pkg.contributes.snippets, [{ language: 'yaml', path: './snippets/networkpolicy.json' }]);
  });

  it('has the snippets the issue asks for', () => {
    const prefixes = Object.values(snippets).flatMap((s) => (Array.isArray(s.prefix) ? s.prefix : [s.prefix]));
    for (const prefix of ['netpol-deny-ingress', 'netpol-deny-egress', 'netpol-deny-all', 'netpol-allow-same-namespace', 'netpol-allow-from-namespace', 'netpol-allow-dns', 'netpol-allow-egress-cidr', 'netpol-port-range']) {
      assert.ok(prefixes.includes(prefix), `no snippet ${prefix}`);
    }
  });

  for (const [name, snippet] of Object.entries(snippets)) {
    it(`${name}: expands to a policy with no finding beyond information`, () => {
      const text = expandSnippet(snippet.body);
      assert.doesNotMatch(text, /\$/, 'placeholders left');
      const workspace = new WorkspaceAnalysis();
      workspace.update('snippet.yaml', text);
      const findings = workspace.findings().get('snippet.yaml') ?? [];
      const api = findings.filter((f) => f.severity === 'error');
      assert.deepEqual(api.map((f) => `${f.ruleId}: ${f.message}`), []);
      // guardrails that speak of the snippet itself (not of a missing workspace) stay quiet too
      const own = findings.filter((f) => ['protocol-omitted', 'policy-types-missing', 'namespace-missing', 'allow-all-ingress', 'allow-all-egress', 'public-cidr', 'ports-split-from-peers'].includes(f.ruleId));
      assert.deepEqual(own.map((f) => `${f.ruleId}: ${f.message}`), []);
      assert.equal(workspace.inventory().policies.length, 1);
    });
  }
});
