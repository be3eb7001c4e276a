import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ExplainConnectionRequest, type ExplainConnectionParams, type ExplainConnectionResult } from '../../server/src/protocol';
import { LspHarness } from './harness';

/**
 * netpolGuardrails/explainConnection (behind the command netpolGuardrails.explainConnection): the
 * folder's workloads for the pickers, then the engine's explanation of one pair with the places
 * it names (`path:line`), which the client turns into links.
 */

const folder = join(__dirname, '..', 'fixtures', 'hover');
const folderUri = pathToFileURL(folder).toString();
const policyUri = pathToFileURL(join(folder, 'policy.yaml')).toString();

describe('language server: explain a connection', () => {
  let lsp: LspHarness;
  const explain = (params: ExplainConnectionParams): Promise<ExplainConnectionResult> => lsp.client.sendRequest(ExplainConnectionRequest.type, params);

  before(async () => {
    lsp = await LspHarness.start({ workspaceFolders: [folderUri] });
    await lsp.ready;
  });
  after(async () => {
    await lsp.stop();
  });

  it('lists the workloads to pick from', async () => {
    const result = await explain({});
    assert.deepEqual(
      result.endpoints.map((e) => `${e.kind} ${e.id}`),
      ['Deployment payments/api', 'CronJob payments/cron', 'Deployment payments/worker', 'Deployment web/frontend'],
    );
    assert.equal(result.explanation, undefined);
    // a document outside every folder (the answer's own view, say) falls back to the first folder
    assert.deepEqual((await explain({ documentUri: 'file:///elsewhere/notes.yaml' })).endpoints, result.endpoints);
    assert.deepEqual((await explain({ documentUri: policyUri })).endpoints, result.endpoints);
  });

  it('explains an allowed pair with links to the policy and the rule', async () => {
    const result = await explain({ folderUri, from: 'web/frontend', to: 'payments/api', port: { protocol: 'TCP', port: 8080 } });
    assert.equal(result.error, undefined);
    assert.equal(result.explanation?.verdict, 'allowed');
    assert.equal(
      result.explanation?.text,
      [
        '# Connection web/frontend -> payments/api on TCP 8080',
        '',
        'Deployment web/frontend -> Deployment payments/api on TCP 8080: ALLOWED',
        '  egress of web/frontend: not isolated (no NetworkPolicy selects it for egress), so everything is allowed',
        '  ingress of payments/api: isolated by payments/backend (policy.yaml:4)',
        '    allowed by payments/backend ingress rule 1 (policy.yaml:12): TCP 8080 (peer 1)',
        '',
      ].join('\n'),
    );
    assert.deepEqual(result.explanation?.references, [
      { label: 'policy.yaml:4', uri: policyUri, line: 3, character: 8 },
      { label: 'policy.yaml:12', uri: policyUri, line: 11, character: 6 },
    ]);
  });

  it('explains a denied pair, an address, and every port at once', async () => {
    const denied = await explain({ from: 'payments/worker', to: 'web/frontend' });
    assert.equal(denied.explanation?.verdict, 'denied');
    assert.match(denied.explanation?.text ?? '', /no rule of these policies allows traffic to web\/frontend/);
    const address = await explain({ from: '10.2.3.4', to: 'payments/cron' });
    assert.equal(address.explanation?.verdict, 'allowed');
    assert.equal(address.explanation?.allowed, 'all ports');
    const partly = await explain({ from: 'web/frontend', to: 'payments/api' });
    assert.equal(partly.explanation?.verdict, 'partially-allowed');
    assert.equal(partly.explanation?.allowed, 'TCP 8080');
  });

  it('says which endpoint it does not know', async () => {
    const result = await explain({ from: 'web/nope', to: 'payments/api' });
    assert.equal(result.explanation, undefined);
    assert.match(result.error ?? '', /"web\/nope" is neither a workload/);
  });
});
