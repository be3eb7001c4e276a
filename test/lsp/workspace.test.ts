import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { LspHarness, waitFor } from './harness';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx
          ports:
            - {name: http, containerPort: 8080}
`;

const DENY_ALL = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`;

function codes(diagnostics: { code?: string | number }[]): string[] {
  return diagnostics.map((d) => String(d.code)).sort();
}

describe('language server: the workspace index', () => {
  let dir: string;
  let lsp: LspHarness;
  const uri = (name: string): string => pathToFileURL(join(dir, name)).toString();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netpol-ws-'));
    mkdirSync(join(dir, 'apps'));
    mkdirSync(join(dir, 'node_modules', 'pkg'), { recursive: true });
    writeFileSync(join(dir, 'apps', 'web.yaml'), DEPLOYMENT);
    // excluded by default: must not count
    writeFileSync(join(dir, 'node_modules', 'pkg', 'deny.yaml'), DENY_ALL);
    lsp = await LspHarness.start({ workspaceFolders: [pathToFileURL(dir).toString()] });
  });
  after(async () => {
    await lsp.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('places guardrails on a workload from files that are not open, and an edit elsewhere changes them', async () => {
    await lsp.open(uri('apps/web.yaml'), DEPLOYMENT);
    assert.deepEqual(codes(await lsp.diagnostics(uri('apps/web.yaml'))), ['missing-default-deny', 'missing-default-deny', 'workload-not-isolated']);

    // a new policy file, open in the editor but never saved: it isolates the workload
    const policyUri = uri('apps/deny.yaml');
    const before = lsp.refreshes;
    await lsp.open(policyUri, DENY_ALL);
    await waitFor(() => (lsp.refreshes > before ? true : undefined), 5000, 'a diagnostics refresh after the policy opened');
    assert.deepEqual(codes(await lsp.diagnostics(uri('apps/web.yaml'))), ['egress-blocks-dns']);

    // typing a selector that no longer selects the workload brings the finding back
    const again = lsp.refreshes;
    await lsp.change(policyUri, [{ range: { start: { line: 6, character: 15 }, end: { line: 6, character: 17 } }, text: '{matchLabels: {app: api}}' }]);
    await waitFor(() => (lsp.refreshes > again ? true : undefined), 5000, 'a refresh after the edit');
    assert.deepEqual(codes(await lsp.diagnostics(uri('apps/web.yaml'))), ['missing-default-deny', 'missing-default-deny', 'workload-not-isolated']);
    assert.deepEqual(codes(await lsp.diagnostics(policyUri)), ['policy-selects-nothing']);
    await lsp.close(policyUri);
  });

  it('follows files created and deleted on disk', async () => {
    const path = join(dir, 'apps', 'deny-on-disk.yaml');
    writeFileSync(path, DENY_ALL);
    const before = lsp.refreshes;
    await lsp.filesChanged([{ uri: pathToFileURL(path).toString(), type: 1 }]);
    await waitFor(() => (lsp.refreshes > before ? true : undefined), 5000, 'a refresh after a file was created');
    assert.deepEqual(codes(await lsp.diagnostics(uri('apps/web.yaml'))), ['egress-blocks-dns']);
    unlinkSync(path);
    const later = lsp.refreshes;
    await lsp.filesChanged([{ uri: pathToFileURL(path).toString(), type: 3 }]);
    await waitFor(() => (lsp.refreshes > later ? true : undefined), 5000, 'a refresh after a file was deleted');
    assert.deepEqual(codes(await lsp.diagnostics(uri('apps/web.yaml'))), ['missing-default-deny', 'missing-default-deny', 'workload-not-isolated']);
  });

  it('reads .netpol-guardrails.yaml and reports its errors in place', async () => {
    const configPath = join(dir, '.netpol-guardrails.yaml');
    writeFileSync(configPath, 'rules:\n  missing-default-deny: off\n  no-such-rule: warning\n');
    const before = lsp.refreshes;
    await lsp.filesChanged([{ uri: pathToFileURL(configPath).toString(), type: 1 }]);
    await waitFor(() => (lsp.refreshes > before ? true : undefined), 5000, 'a refresh after the config changed');
    assert.deepEqual(codes(await lsp.diagnostics(uri('apps/web.yaml'))), ['workload-not-isolated']);
    await lsp.open(pathToFileURL(configPath).toString(), 'rules:\n  missing-default-deny: off\n  no-such-rule: warning\n');
    const configDiagnostics = await lsp.diagnostics(pathToFileURL(configPath).toString());
    assert.deepEqual(configDiagnostics.map((d) => [d.code, d.range.start.line]), [['config-invalid', 2]]);
  });

  it('keeps open documents analysed across a settings change (disable, then enable again)', async () => {
    const web = uri('apps/web.yaml');
    const enabled = (await lsp.diagnostics(web)).length;
    assert.ok(enabled > 0);
    lsp.settings = () => ({ enable: false });
    await lsp.configurationChanged();
    await waitFor(async () => ((await lsp.diagnostics(web)).length === 0 ? true : undefined), 5000, 'diagnostics gone');
    lsp.settings = () => ({});
    await lsp.configurationChanged();
    await waitFor(async () => ((await lsp.diagnostics(web)).length === enabled ? true : undefined), 5000, 'diagnostics back');
  });
});
