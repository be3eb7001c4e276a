import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ShowImpactRequest, type ShowImpactResult } from '../../server/src/protocol';
import { LspHarness, waitFor } from './harness';

/**
 * Observed flows in the language server: the folder setting netpolGuardrails.flows (what the command
 * "Load Observed Flows…" sets) makes the server read the files (streamed) and report the
 * observed-flow rules on the policies; the flow files are not read as manifests; the impact view
 * says which observed flows an unsaved edit cuts off. The folder is test/fixtures/flows/shop.
 */

describe('language server: observed flows', () => {
  let lsp: LspHarness;
  let folder: string;
  let flows: string[] = [];
  const uriOf = (name: string): string => pathToFileURL(join(folder, name)).toString();
  const observed = async (name: string): Promise<{ line: number; code: string; message: string }[]> =>
    (await lsp.diagnostics(uriOf(name))).filter((d) => String(d.code).startsWith('observed-flow-')).map((d) => ({ line: d.range.start.line + 1, code: String(d.code), message: typeof d.message === 'string' ? d.message : d.message.value }));

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'netpol-flows-lsp-'));
    cpSync(join(__dirname, '..', 'fixtures', 'flows', 'shop'), folder, { recursive: true });
    lsp = await LspHarness.start({ workspaceFolders: [pathToFileURL(folder).toString()] });
    lsp.settings = () => ({ flows });
    await lsp.ready;
  });
  after(async () => {
    await lsp.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('without flows, the observed-flow rules say nothing', async () => {
    await lsp.open(uriOf('policies.yaml'), readFileSync(join(folder, 'policies.yaml'), 'utf8'));
    assert.deepEqual(await observed('policies.yaml'), []);
  });

  it('with netpolGuardrails.flows set, the policies get the findings the CLI gives, and the flow files are no manifests', async () => {
    flows = ['flows.csv', 'hubble.json'];
    await lsp.configurationChanged();
    const expected = (JSON.parse(readFileSync(join(folder, 'expected.json'), 'utf8')) as { findings: { file: string; line: number; rule: string; message: string }[] }).findings;
    const found = await waitFor(async () => {
      const list = await observed('policies.yaml');
      return list.length === expected.length ? list : undefined;
    }, 10_000, 'the observed-flow diagnostics');
    assert.deepEqual(
      found.map((d) => ({ line: d.line, rule: d.code, message: d.message })),
      expected.map((e) => ({ line: e.line, rule: e.rule, message: e.message })),
    );
    // hubble.json is data, even open in the editor: no YAML errors on it
    await lsp.open(uriOf('hubble.json'), readFileSync(join(folder, 'hubble.json'), 'utf8'), 'json');
    assert.deepEqual(await lsp.diagnostics(uriOf('hubble.json')), []);
    await lsp.close(uriOf('hubble.json'));
    await lsp.close(uriOf('policies.yaml'));
  });

  it('an edit that allows the blocked DNS clears its finding while typing', async () => {
    const uri = uriOf('policies.yaml');
    const text = readFileSync(join(folder, 'policies.yaml'), 'utf8');
    await lsp.open(uri, text);
    const withDns = text.replace('  egress:\n  - to:\n    - podSelector:\n        matchLabels: { app: api }\n', '  egress:\n  - to:\n    - podSelector:\n        matchLabels: { app: api }\n  - to:\n    - namespaceSelector: {}\n      podSelector:\n        matchLabels: { k8s-app: kube-dns }\n    ports:\n    - { protocol: UDP, port: 53 }\n');
    assert.notEqual(withDns, text);
    await lsp.change(uri, [{ text: withDns }]);
    const after = await observed('policies.yaml');
    assert.equal(after.filter((d) => d.message.includes('from shop/web')).length, 0);
    assert.equal(after.filter((d) => d.code === 'observed-flow-blocked').length, 2);
    await lsp.close(uri);
  });

  it('the impact view of an unsaved edit says which observed flows it cuts off and newly allows', async () => {
    const uri = uriOf('policies.yaml');
    const text = readFileSync(join(folder, 'policies.yaml'), 'utf8');
    await lsp.open(uri, text);
    const edited = readFileSync(join(__dirname, '..', 'fixtures', 'flows', 'shop-edit', 'policies.yaml'), 'utf8');
    await lsp.change(uri, [{ text: edited }]);
    const result: ShowImpactResult = await lsp.client.sendRequest(ShowImpactRequest.type, { uri });
    await lsp.close(uri);
    assert.deepEqual(result.observedFlows, {
      cutOff: 1,
      cutOffObservations: 5,
      newlyAllowed: 1,
      newlyAllowedObservations: 3,
      topCutOff: ['shop/api -> data/db TCP 5432: 5 observations (flows.csv:3)'],
      topNewlyAllowed: ['shop/web -> kube-system/coredns UDP 53: 3 observations (hubble.json:1)'],
    });
    assert.match(result.text, /## Observed flows\n\nThe change cuts off 1 observed flow\(s\) \(5 observations\) and newly allows 1 \(3 observations\)\./);
  });

  it('a flow file written again is read again; unsetting the setting clears the findings', async () => {
    await lsp.open(uriOf('policies.yaml'), readFileSync(join(folder, 'policies.yaml'), 'utf8'));
    writeFileSync(join(folder, 'flows.csv'), 'source,destination,protocol,port,count\nshop/web,shop/api,TCP,8080,10\n');
    await lsp.filesChanged([{ uri: uriOf('flows.csv'), type: 2 }]);
    const now = await waitFor(async () => {
      const list = await observed('policies.yaml');
      // only the Hubble file's DNS flow is blocked now
      return list.length === 1 ? list : undefined;
    }, 10_000, 'the findings of the rewritten flows');
    assert.match(now[0]!.message, /from shop\/web would be blocked/);
    flows = [];
    await lsp.configurationChanged();
    await waitFor(async () => ((await observed('policies.yaml')).length === 0 ? true : undefined), 10_000, 'no observed-flow diagnostics');
    await lsp.close(uriOf('policies.yaml'));
  });
});
