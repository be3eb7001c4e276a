import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource, WorkDoneProgress, type WorkDoneProgressBegin, type WorkDoneProgressEnd, type WorkDoneProgressReport } from 'vscode-languageserver-protocol/node';
import { generateWorkspace } from '../../bench/workspace/generateWorkspace';
import { CheckWorkspaceRequest, ReportRequest, type CheckWorkspaceResult } from '../../server/src/protocol';
import { LspHarness, waitFor } from './harness';

/**
 * The workspace check (netpolGuardrails/checkWorkspace, behind the command
 * netpolGuardrails.checkWorkspace): progress as files done / total on the client's work-done
 * token, cancellation by the request's token, and diagnostics of every file with findings,
 * including files that were never opened and files changed on disk without any notification.
 */

const SHOP_DEPLOYMENT = `apiVersion: apps/v1
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
`;

describe('language server: the workspace check', () => {
  let dir: string;
  let lsp: LspHarness;
  const uri = (name: string): string => pathToFileURL(join(dir, name)).toString();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netpol-check-'));
    for (const f of generateWorkspace({ files: 400, resources: 1200, seed: 3 })) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.text);
    }
    mkdirSync(join(dir, 'shop'));
    writeFileSync(join(dir, 'shop', 'web.yaml'), SHOP_DEPLOYMENT);
    lsp = await LspHarness.start({ workspaceFolders: [pathToFileURL(dir).toString()] });
    await lsp.ready;
  });
  after(async () => {
    await lsp.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports progress, then the diagnostics of files that are not open', async () => {
    // a file broken on disk after the scan, with no watcher event: the check reads it again
    writeFileSync(join(dir, 'shop', 'policy.yaml'), 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: Bad_Name\n  namespace: shop\nspec:\n  podSelector: {}\n');
    const token = 'check-1';
    const progress: (WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd)[] = [];
    const listening = lsp.client.onProgress(WorkDoneProgress.type, token, (value) => {
      progress.push(value);
    });
    const result: CheckWorkspaceResult = await lsp.client.sendRequest(CheckWorkspaceRequest.type, { workDoneToken: token });
    listening.dispose();

    assert.equal(result.completed, true);
    assert.equal(result.files, 402);
    assert.equal(progress[0]?.kind, 'begin');
    assert.equal(progress.at(-1)?.kind, 'end');
    const reports = progress.filter((p): p is WorkDoneProgressReport => p.kind === 'report');
    assert.ok(reports.length >= 3, `${reports.length} progress reports`);
    assert.equal(reports.at(-1)?.message, '402 / 402 files');
    const percents = reports.map((r) => r.percentage ?? 0);
    assert.deepEqual(percents, [...percents].sort((a, b) => a - b), 'progress only goes forward');

    const web = result.problems.find((p) => p.uri === uri('shop/web.yaml'));
    assert.ok(web, 'a file that was never opened has its guardrail diagnostics');
    assert.deepEqual(web.diagnostics.map((d) => d.code).sort(), ['missing-default-deny', 'missing-default-deny', 'workload-not-isolated']);
    const policy = result.problems.find((p) => p.uri === uri('shop/policy.yaml'));
    assert.ok(policy?.diagnostics.some((d) => d.code === 'metadata-name' || String(d.code).startsWith('api-') || d.severity === 1), JSON.stringify(policy?.diagnostics));
    assert.equal(result.counts.error, result.problems.flatMap((p) => p.diagnostics).filter((d) => d.severity === 1).length);
    assert.ok((result.byRule['missing-default-deny'] ?? 0) >= 2);
  });

  it('makes the report page for the webview, with the coverage of the folder and file links by URI', async () => {
    const { html } = await lsp.client.sendRequest(ReportRequest.type, { cspSource: 'vscode-webview://test' });
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="[^"]*vscode-webview:\/\/test/);
    const data = JSON.parse(/<script[^>]*id="report-data"[^>]*>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? 'null') as {
      coverage: { namespace: string }[] | { namespaces: { namespace: string }[] };
      findings: { file: string; href?: string }[];
    } | null;
    assert.ok(data, 'the page embeds its data');
    const text = JSON.stringify(data);
    assert.match(text, /"shop"/, 'the shop namespace is in the report');
    assert.ok(text.includes(uri('shop/web.yaml')), 'findings link to their file by URI');
    assert.ok(text.includes('"shop/web.yaml"'), 'files are shown relative to the folder');
  });

  it('stops when cancelled, and the server goes on answering', async () => {
    const source = new CancellationTokenSource();
    const token = 'check-2';
    let reports = 0;
    const listening = lsp.client.onProgress(WorkDoneProgress.type, token, (value) => {
      if (value.kind === 'report' && ++reports === 2) source.cancel();
    });
    const answer = lsp.client.sendRequest(CheckWorkspaceRequest.type, { workDoneToken: token }, source.token).then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    );
    const outcome = await answer;
    listening.dispose();
    // cancelled mid-way: the answer says so (or the request was cancelled on the wire)
    if ('result' in outcome) assert.equal(outcome.result.completed, false);
    await lsp.open(uri('shop/web.yaml'), SHOP_DEPLOYMENT);
    const diagnostics = await waitFor(async () => {
      const d = await lsp.diagnostics(uri('shop/web.yaml'));
      return d.length > 0 ? d : undefined;
    });
    assert.ok(diagnostics.some((d) => d.code === 'workload-not-isolated'));
  });
});
