import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_ANALYSIS_OPTIONS, RULES, analyzeText, decodeManifestBytes, type FileAnalysis } from '../../server/src/core';

/** Input that is not a well-formed manifest must never throw or hang, and must say clearly why. */

const HEAD = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n';

function analyse(text: string): FileAnalysis {
  const result = analyzeText(text);
  for (const f of result.findings) {
    assert.ok(0 <= f.range.start && f.range.start <= f.range.end && f.range.end <= text.length, `${f.ruleId}: range outside the text`);
  }
  return result;
}

function ruleIds(result: FileAnalysis): string[] {
  return result.findings.map((f) => f.ruleId);
}

/** Runs `fn` and fails when it takes longer than `ms` (a deadline, not a sleep). */
function within<T>(ms: number, fn: () => T): T {
  const start = performance.now();
  const value = fn();
  const elapsed = performance.now() - start;
  assert.ok(elapsed < ms, `took ${elapsed.toFixed(0)} ms, more than ${ms} ms`);
  return value;
}

describe('bad input', () => {
  it('an empty file: nothing to say', () => {
    const result = analyse('');
    assert.deepEqual(result, { findings: [], objects: [], analysed: true });
  });

  it('only comments (and blank lines, and a marker)', () => {
    const result = analyse('# nothing here\n\n   # still nothing\n---\n# the end\n');
    assert.deepEqual(ruleIds(result), []);
    assert.equal(result.objects.length, 0);
  });

  it('a scalar document and a list document are not objects', () => {
    for (const text of ['just a string\n', '42\n', '- a\n- b\n', '[1, 2, 3]\n', 'null\n']) {
      const result = analyse(text);
      assert.deepEqual(ruleIds(result), [], text);
      assert.equal(result.objects.length, 0, text);
    }
  });

  it('a scalar document next to a policy does not disturb it', () => {
    const text = 'hello\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: Bad\nspec: {}\n';
    const result = analyse(text);
    assert.deepEqual(
      result.findings.map((f) => [f.ruleId, text.slice(f.range.start, f.range.end)]),
      [['api-invalid', 'Bad']],
    );
  });

  describe('decodeManifestBytes', () => {
    it('decodes UTF-8 and drops a byte order mark', () => {
      const bytes = new TextEncoder().encode('\uFEFFkind: NetworkPolicy # é 💳\n');
      assert.deepEqual(decodeManifestBytes(bytes), { text: 'kind: NetworkPolicy # é 💳\n' });
      assert.deepEqual(decodeManifestBytes(new Uint8Array()), { text: '' });
    });

    it('skips binary files (NUL bytes) with one info finding', () => {
      const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);
      const decoded = decodeManifestBytes(png);
      assert.ok('skipped' in decoded);
      assert.equal(decoded.skipped.ruleId, RULES.fileSkipped.id);
      assert.equal(decoded.skipped.severity, 'info');
      assert.match(decoded.skipped.message, /binary/);
    });

    it('skips UTF-16 (it has NUL bytes) and invalid UTF-8', () => {
      const utf16 = Uint8Array.from([0xff, 0xfe, 0x6b, 0x00, 0x69, 0x00, 0x6e, 0x00, 0x64, 0x00]);
      assert.ok('skipped' in decodeManifestBytes(utf16));
      for (const bytes of [
        Uint8Array.from([0x6b, 0x69, 0x6e, 0x64, 0x3a, 0x20, 0xc3, 0x28]), // "kind: " + a broken 2-byte sequence
        Uint8Array.from([0xe9, 0x74, 0xe9]), // Latin-1 "été"
        Uint8Array.from([0xed, 0xa0, 0x80]), // a UTF-16 surrogate encoded in UTF-8
        Uint8Array.from([0xf0, 0x9f, 0x92]), // truncated 4-byte sequence
      ]) {
        const decoded = decodeManifestBytes(bytes);
        assert.ok('skipped' in decoded, Buffer.from(bytes).toString('hex'));
        assert.equal(decoded.skipped.ruleId, RULES.fileSkipped.id);
        assert.match(decoded.skipped.message, /UTF-8/);
      }
    });
  });

  it('a 6 MB file: one file-skipped info finding with the default 5 MB limit', () => {
    const line = 'apiVersion: networking.k8s.io/v1 # padding padding padding padding padding\n';
    const text = line.repeat(Math.ceil((6 * 1024 * 1024) / line.length));
    assert.ok(text.length > DEFAULT_ANALYSIS_OPTIONS.maxFileSizeBytes);
    const result = within(1000, () => analyse(text));
    assert.equal(result.analysed, false);
    assert.deepEqual(
      result.findings.map((f) => [f.ruleId, f.severity]),
      [[RULES.fileSkipped.id, 'info']],
    );
    assert.match(result.findings[0]!.message, /6\.0 MB.*5\.0 MB/);
  });

  it('the size limit is inclusive', () => {
    const text = 'kind: X\n';
    assert.equal(analyzeText(text, { maxFileSizeBytes: text.length }).analysed, true);
    assert.equal(analyzeText(text, { maxFileSizeBytes: text.length - 1 }).analysed, false);
  });

  it('a Helm template: exactly one template-skipped info finding, nothing else', () => {
    const text = [
      '{{- if .Values.networkPolicy.enabled }}',
      'apiVersion: networking.k8s.io/v1',
      'kind: NetworkPolicy',
      'metadata:',
      '  name: {{ include "app.fullname" . }}',
      '  labels: {{- include "app.labels" . | nindent 4 }}',
      'spec:',
      '  podSelector:',
      '    matchLabels:',
      '      app: {{ .Release.Name }}',
      '  ingress:',
      '  - ports:',
      '    - port: {{ .Values.port }}',
      '      protocol: tcp',
      '{{- end }}',
      '',
    ].join('\n');
    const result = analyse(text);
    assert.equal(result.analysed, false);
    assert.deepEqual(
      result.findings.map((f) => [f.ruleId, f.severity, text.slice(f.range.start, f.range.end)]),
      [[RULES.templateSkipped.id, 'info', '{{- if .Values.networkPolicy.enabled }}']],
    );
  });

  it('an alias bomb (billion laughs) finishes fast with a file-skipped finding', () => {
    const lines = [HEAD, 'l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i <= 9; i++) lines.push(`l${i}: &l${i} [${Array.from({ length: 9 }, () => `*l${i - 1}`).join(', ')}]`);
    const result = within(3000, () => analyse(`${lines.join('\n')}\n`));
    assert.deepEqual(ruleIds(result), [RULES.fileSkipped.id]);
    assert.equal(result.findings[0]!.severity, 'info');
    assert.equal(result.objects.length, 0);
  });

  it('an alias bomb in a NetworkPolicy does not reach validation', () => {
    const lines = ['apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata:', '  name: Bad_Name', '  annotations:', '    a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i <= 8; i++) lines.push(`    a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    const result = within(3000, () => analyse(`${lines.join('\n')}\nspec: {}\n`));
    assert.deepEqual(ruleIds(result), [RULES.fileSkipped.id]);
  });

  it('a recursive alias', () => {
    for (const text of ['a: &a [*a]\n', `${HEAD}data: &d {self: *d}\n`]) {
      const result = within(3000, () => analyse(text));
      assert.deepEqual(ruleIds(result), [RULES.fileSkipped.id], text);
      assert.match(result.findings[0]!.message, /recursive alias/);
    }
  });

  it('a 10,000-deep flow sequence', { timeout: 20_000 }, () => {
    for (const text of [`${HEAD}x: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`, `${HEAD}x: ${'['.repeat(10_000)}\n`]) {
      const result = within(10_000, () => analyse(text));
      assert.deepEqual(result.findings.map((f) => [f.ruleId, f.severity]), [[RULES.fileSkipped.id, 'info']]);
      assert.match(result.findings[0]!.message, /nested too deeply/);
    }
  });

  it('deep block nesting: maps and sequences', { timeout: 20_000 }, () => {
    let maps = HEAD;
    for (let i = 0; i < 1000; i++) maps += `${' '.repeat(i)}k${i}:\n`;
    let seqs = `${HEAD}x:\n`;
    for (let i = 0; i < 1000; i++) seqs += `${' '.repeat(i + 1)}-\n`;
    for (const text of [maps, seqs]) {
      const result = within(10_000, () => analyse(text));
      assert.deepEqual(result.findings.map((f) => [f.ruleId, f.severity]), [[RULES.fileSkipped.id, 'info']]);
    }
  });

  it('nesting that parses but is deeper than any policy is skipped, not validated', () => {
    const text = `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: Bad_Name\n  annotations:\n    x: ${'['.repeat(200)}${']'.repeat(200)}\nspec: {}\n`;
    const result = analyse(text);
    assert.deepEqual(ruleIds(result), [RULES.fileSkipped.id]);
    assert.match(result.findings[0]!.message, /nested more than/);
  });

  it('a file that is not a manifest: its syntax errors are not ours to report', () => {
    for (const text of [
      'foo: [1, 2\nbar: {\n\tbaz: 1\nx: x: y\n',
      'name: ci\non:\n  push:\n\tbranches: [main\n',
      'key: value\nkey: again\n',
      '"unterminated\n',
      '%YAML 9.9\n--- !!binary\n@@@\n',
    ]) {
      assert.deepEqual(ruleIds(analyse(text)), [], text);
    }
  });

  it('the same errors in a file that looks like a manifest are reported', () => {
    const text = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: a\nspec:\n  podSelector: [1, 2\n';
    assert.ok(ruleIds(analyse(text)).includes(RULES.yamlSyntax.id));
  });

  it('odd characters: NUL, lone surrogates, bidi controls, a BOM in the middle', () => {
    for (const text of [
      `${HEAD}data:\n  a: "\u0000"\n`,
      `${HEAD}data:\n  a: \uD800\n`,
      `${HEAD}data:\n  a: b\u202Ec\n`,
      `${HEAD}\uFEFFdata: {}\n`,
      '\u0000\u0001\u0002',
      '\r\r\r\n\n\r',
    ]) {
      analyse(text);
    }
  });
});
