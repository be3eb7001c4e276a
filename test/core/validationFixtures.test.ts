import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RULES, analyzeText, type Finding } from '../../server/src/core';

/**
 * Golden cases for validation. `invalid/<case>.yaml` comes with `invalid/<case>.expected.json`:
 * every finding as { ruleId, fieldPath, text }, where text is what the finding's range covers.
 * `valid/<case>.yaml` must give no finding. The expectations were checked against kube-apiserver
 * v1.34.2's own code (decode + ValidateNetworkPolicy), not against this implementation.
 */

const fixtures = join(__dirname, '..', 'fixtures', 'validation');
const invalidDir = join(fixtures, 'invalid');
const validDir = join(fixtures, 'valid');

interface Expected {
  readonly ruleId: string;
  readonly fieldPath: string | null;
  readonly text: string;
}

const SKIP_RULES: ReadonlySet<string> = new Set([RULES.templateSkipped.id, RULES.fileSkipped.id]);

function yamlCases(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => name.slice(0, -'.yaml'.length))
    .sort();
}

function sorted(rows: readonly Expected[]): Expected[] {
  return [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

function actual(text: string, findings: readonly Finding[]): Expected[] {
  return findings.map((f) => ({ ruleId: f.ruleId, fieldPath: f.fieldPath ?? null, text: text.slice(f.range.start, f.range.end) }));
}

function assertRangesInside(text: string, findings: readonly Finding[]): void {
  for (const f of findings) {
    assert.ok(Number.isInteger(f.range.start) && Number.isInteger(f.range.end), `${f.ruleId}: integer offsets`);
    assert.ok(0 <= f.range.start && f.range.start <= f.range.end && f.range.end <= text.length, `${f.ruleId} ${f.fieldPath ?? ''}: range ${f.range.start}-${f.range.end} outside 0-${text.length}`);
  }
}

const invalidCases = yamlCases(invalidDir);
const validCases = yamlCases(validDir);

describe('validation fixtures', () => {
  it('has enough cases, and every invalid case has its expectations (and no stray ones)', () => {
    assert.ok(invalidCases.length >= 70, `${invalidCases.length} invalid cases`);
    assert.ok(validCases.length >= 15, `${validCases.length} valid cases`);
    const expectations = readdirSync(invalidDir)
      .filter((name) => name.endsWith('.expected.json'))
      .map((name) => name.slice(0, -'.expected.json'.length))
      .sort();
    assert.deepEqual(expectations, invalidCases);
  });

  it('keeps the byte-level cases intact (CRLF, tabs, non-ASCII)', () => {
    const read = (name: string): string => readFileSync(join(invalidDir, `${name}.yaml`), 'utf8');
    const crlf = read('crlf-line-ends');
    assert.equal(crlf.split('\r\n').length, crlf.split('\n').length, 'every line of crlf-line-ends ends in CRLF');
    assert.match(read('json-tab-indented'), /^\t"/m);
    assert.match(read('yaml-tab-indentation'), /^\tpodSelector/m);
    assert.match(read('non-ascii-comments'), /💳/u);
  });

  describe('invalid', () => {
    for (const name of invalidCases) {
      it(name, () => {
        const text = readFileSync(join(invalidDir, `${name}.yaml`), 'utf8');
        const expected = JSON.parse(readFileSync(join(invalidDir, `${name}.expected.json`), 'utf8')) as Expected[];
        const { findings } = analyzeText(text);
        assert.ok(expected.length > 0, 'an invalid case expects at least one finding');
        assertRangesInside(text, findings);
        assert.deepEqual(sorted(actual(text, findings)), sorted(expected));
        for (const f of findings) {
          if (!SKIP_RULES.has(f.ruleId)) assert.equal(f.severity, 'error', `${f.ruleId} ${f.fieldPath ?? ''}`);
          assert.ok(f.message.length > 0, 'every finding has a message');
        }
      });
    }
  });

  describe('valid', () => {
    for (const name of validCases) {
      it(name, () => {
        const text = readFileSync(join(validDir, `${name}.yaml`), 'utf8');
        const result = analyzeText(text);
        assert.deepEqual(actual(text, result.findings), []);
        assert.equal(result.analysed, true);
      });
    }
  });

  it('gives every API finding the API field path at the head of its apiMessage', () => {
    for (const name of invalidCases) {
      const text = readFileSync(join(invalidDir, `${name}.yaml`), 'utf8');
      for (const f of analyzeText(text).findings) {
        if (!f.ruleId.startsWith('api-') || f.ruleId === RULES.apiVersion.id) continue;
        assert.ok(f.fieldPath !== undefined && f.apiMessage !== undefined, `${name}: ${f.ruleId} lacks fieldPath or apiMessage`);
        const head = f.ruleId === RULES.unknownField.id ? `unknown field "${f.fieldPath}"` : `${f.fieldPath}: `;
        assert.ok(f.apiMessage.startsWith(head), `${name}: ${f.apiMessage}`);
      }
    }
  });
});

// Error strings printed by kube-apiserver v1.34.2's ValidateNetworkPolicy for the same input.
describe('apiMessage equals the API server error, word for word', () => {
  const head = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\nspec:\n  podSelector: {}\n';
  const cases: readonly (readonly [string, string, readonly string[]])[] = [
    [
      'endPort below port quotes the port',
      `${head}  ingress:\n  - ports:\n    - port: 9000\n      endPort: 8000\n`,
      ['spec.ingress[0].ports[0].endPort: Invalid value: 9000: must be greater than or equal to `port`'],
    ],
    [
      'named port with endPort',
      `${head}  ingress:\n  - ports:\n    - port: http\n      endPort: 8080\n`,
      ['spec.ingress[0].ports[0].endPort: Invalid value: 8080: may not be specified when `port` is non-numeric'],
    ],
    [
      'upper-case port name: one error per message',
      `${head}  ingress:\n  - ports:\n    - port: HTTP\n`,
      [
        'spec.ingress[0].ports[0].port: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        'spec.ingress[0].ports[0].port: Invalid value: "HTTP": must contain at least one letter (a-z)',
      ],
    ],
    [
      'protocol',
      `${head}  egress:\n  - ports:\n    - protocol: tcp\n`,
      ['spec.egress[0].ports[0].protocol: Unsupported value: "tcp": supported values: "TCP", "UDP", "SCTP"'],
    ],
    [
      'peer with ipBlock and podSelector',
      `${head}  egress:\n  - to:\n    - ipBlock: {cidr: 10.0.0.0/8}\n      podSelector: {}\n`,
      ['spec.egress[0].to[0]: Forbidden: may not specify both ipBlock and another peer'],
    ],
    [
      'except outside cidr',
      `${head}  egress:\n  - to:\n    - ipBlock: {cidr: 10.0.0.0/16, except: [10.1.0.0/24]}\n`,
      ['spec.egress[0].to[0].ipBlock.except[0]: Invalid value: "10.1.0.0/24": must be a strict subset of `cidr`'],
    ],
    [
      'In without values',
      `${head.replace('podSelector: {}', 'podSelector:\n    matchExpressions:\n    - {key: app, operator: In}')}`,
      ["spec.podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"],
    ],
    [
      'namespace with dots',
      head.replace('  name: p\n', '  name: p\n  namespace: team.a\n'),
      ['metadata.namespace: Invalid value: "team.a": must not contain dots'],
    ],
    [
      'three policyTypes',
      `${head}  policyTypes: [Ingress, Egress, Ingress]\n`,
      ['spec.policyTypes: Invalid value: ["Ingress","Egress","Ingress"]: may not specify more than two policyTypes'],
    ],
  ];
  for (const [name, text, messages] of cases) {
    it(name, () => {
      assert.deepEqual(analyzeText(text).findings.map((f) => f.apiMessage), messages);
    });
  }
});

describe('annotations size', () => {
  const policy = (valueLength: number): string =>
    `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\n  annotations:\n    note: ${'x'.repeat(valueLength)}\nspec:\n  podSelector: {}\n`;
  const limit = 256 * 1024;

  it('accepts keys and values adding up to exactly 256 KiB', () => {
    assert.deepEqual(analyzeText(policy(limit - 'note'.length)).findings, []);
  });

  it('rejects one byte more, on metadata.annotations (ValidateAnnotationsSize)', () => {
    const text = policy(limit - 'note'.length + 1);
    const findings = analyzeText(text).findings;
    assert.deepEqual(
      findings.map((f) => [f.ruleId, f.fieldPath, f.apiMessage, text.slice(f.range.start, f.range.end)]),
      [['api-too-long', 'metadata.annotations', 'metadata.annotations: Too long: may not be more than 262144 bytes', 'annotations']],
    );
  });

  it('counts bytes, not characters', () => {
    // 'é' is 2 bytes in UTF-8: half as many characters reach the limit
    const text = `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\n  annotations:\n    note: ${'é'.repeat(limit / 2)}\nspec: {}\n`;
    assert.deepEqual(analyzeText(text).findings.map((f) => f.ruleId), ['api-too-long']);
  });
});
