import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LspHarness, waitFor } from './harness';

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-allow
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: api
  policyTypes: [Ingress]
  ingress:
    - ports:
        - port: 8080
          endPort: 80
          protocol: TCP
      from:
        - podSelector: {}
`;

describe('language server: pull diagnostics', () => {
  let lsp: LspHarness;
  before(async () => {
    lsp = await LspHarness.start();
  });
  after(async () => {
    await lsp.stop();
  });

  it('declares pull diagnostics and reports ready', async () => {
    assert.deepEqual(lsp.initializeResult?.capabilities.diagnosticProvider, {
      identifier: 'netpol-guardrails',
      interFileDependencies: true,
      workspaceDiagnostics: false,
    });
    const status = await lsp.ready;
    assert.equal(status.state, 'ready');
  });

  it('reports an API error at the exact value, with code and field path', async () => {
    const uri = 'file:///w/policy.yaml';
    await lsp.open(uri, POLICY);
    const diagnostics = await lsp.diagnostics(uri);
    assert.equal(diagnostics.length, 1);
    const [d] = diagnostics;
    assert.equal(d!.code, 'api-invalid');
    assert.equal(d!.source, 'netpol-guardrails');
    assert.equal(d!.severity, 1);
    assert.deepEqual(d!.range, { start: { line: 13, character: 19 }, end: { line: 13, character: 21 } });
    assert.deepEqual(d!.data, {
      fieldPath: 'spec.ingress[0].ports[0].endPort',
      apiMessage: 'spec.ingress[0].ports[0].endPort: Invalid value: 8080: must be greater than or equal to `port`',
    });
  });

  it('is fresh after every edit (incremental changes)', async () => {
    const uri = 'file:///w/edit.yaml';
    await lsp.open(uri, POLICY);
    assert.equal((await lsp.diagnostics(uri)).length, 1);
    // endPort: 80 -> endPort: 8090
    await lsp.change(uri, [{ range: { start: { line: 13, character: 21 }, end: { line: 13, character: 21 } }, text: '90' }]);
    assert.deepEqual(await lsp.diagnostics(uri), []);
    // break the protocol: TCP -> tcp
    await lsp.change(uri, [{ range: { start: { line: 14, character: 20 }, end: { line: 14, character: 23 } }, text: 'tcp' }]);
    const after = await lsp.diagnostics(uri);
    assert.deepEqual(
      after.map((d) => [d.code, d.range.start.line, d.range.start.character]),
      [['api-not-supported', 14, 20]],
    );
  });

  it('keeps positions right with CRLF line ends and non-ASCII text', async () => {
    const uri = 'file:///w/crlf.yaml';
    const text = `# Überwachung ✓ — politique réseau\r\n${POLICY.replace(/\n/g, '\r\n')}`;
    await lsp.open(uri, text);
    const [d] = await lsp.diagnostics(uri);
    assert.deepEqual(d!.range, { start: { line: 14, character: 19 }, end: { line: 14, character: 21 } });
  });

  it('answers for documents it does not know with nothing', async () => {
    assert.deepEqual(await lsp.diagnostics('file:///w/never-opened.yaml'), []);
  });
});

describe('language server: settings per resource', () => {
  it('pulls settings per document URI and refreshes after a change', async () => {
    const lsp = await LspHarness.start();
    try {
      let disabled = false;
      const asked: (string | undefined)[] = [];
      lsp.settings = (scopeUri) => {
        asked.push(scopeUri);
        return { enable: !(disabled && scopeUri?.includes('/off/')), maxFileSize: 5242880 };
      };
      const on = 'file:///w/on/p.yaml';
      const off = 'file:///w/off/p.yaml';
      await lsp.open(on, POLICY);
      await lsp.open(off, POLICY);
      assert.equal((await lsp.diagnostics(on)).length, 1);
      assert.equal((await lsp.diagnostics(off)).length, 1);
      assert.ok(asked.includes(on) && asked.includes(off));
      disabled = true;
      await lsp.configurationChanged();
      await waitFor(() => (lsp.refreshes > 0 ? true : undefined), 5000, 'a diagnostics refresh');
      assert.equal((await lsp.diagnostics(on)).length, 1);
      assert.equal((await lsp.diagnostics(off)).length, 0);
    } finally {
      await lsp.stop();
    }
  });

  it('honours maxFileSize with one information diagnostic', async () => {
    const lsp = await LspHarness.start();
    try {
      lsp.settings = () => ({ enable: true, maxFileSize: 100 });
      const uri = 'file:///w/big.yaml';
      await lsp.open(uri, POLICY);
      const diagnostics = await lsp.diagnostics(uri);
      assert.equal(diagnostics.length, 1);
      assert.equal(diagnostics[0]!.code, 'file-skipped');
      assert.equal(diagnostics[0]!.severity, 3);
    } finally {
      await lsp.stop();
    }
  });

  it('works with defaults when the client cannot serve configuration', async () => {
    const lsp = await LspHarness.start({ configuration: false });
    try {
      const uri = 'file:///w/p.yaml';
      await lsp.open(uri, POLICY);
      assert.equal((await lsp.diagnostics(uri)).length, 1);
    } finally {
      await lsp.stop();
    }
  });
});
