import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ExplainConnectionRequest } from '../../server/src/protocol';
import { LspHarness } from './harness';

/**
 * A settings change rescans every folder from disk, which empties the index first; open documents
 * (VS Code keeps a file's document open for a while after its editor tab closes) must come back
 * with the editor's text for the requests that read a folder's inventory (Show Drift, Explain
 * Connection, Show Impact), not only once their diagnostics are pulled again. Found in the real
 * VS Code: after Load Observed Flows…, Show Drift left out the policies of such documents.
 */

const deployment = (name: string): string =>
  ['apiVersion: apps/v1', 'kind: Deployment', 'metadata:', `  name: ${name}`, '  namespace: shop', 'spec:', '  selector:', `    matchLabels: {app: ${name}}`, '  template:', '    metadata:', `      labels: {app: ${name}}`, '    spec:', '      containers:', `        - {name: ${name}, image: registry.example/${name}:1}`, ''].join('\n');

describe('language server: open documents after a rescan', () => {
  let lsp: LspHarness;
  let folder: string;

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'netpol-rescan-'));
    writeFileSync(join(folder, 'web.yaml'), deployment('web'));
    writeFileSync(join(folder, 'api.yaml'), deployment('api'));
    lsp = await LspHarness.start({ workspaceFolders: [pathToFileURL(folder).toString()] });
    await lsp.ready;
  });
  after(async () => {
    await lsp.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('keeps an open, unsaved document in the folder inventory after a configuration change, with its editor text', async () => {
    const folderUri = pathToFileURL(folder).toString();
    const endpoints = async (): Promise<string[]> => (await lsp.client.sendRequest(ExplainConnectionRequest.type, { folderUri })).endpoints.map((e) => e.id);
    // api.yaml open with unsaved text: a second Deployment
    await lsp.open(pathToFileURL(join(folder, 'api.yaml')).toString(), `${deployment('api')}---\n${deployment('worker')}`);
    assert.deepEqual(await endpoints(), ['shop/api', 'shop/web', 'shop/worker']);
    await lsp.configurationChanged();
    // no diagnostics pulled in between: the request alone must see the editor's text
    assert.deepEqual(await endpoints(), ['shop/api', 'shop/web', 'shop/worker']);
  });
});
