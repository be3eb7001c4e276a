import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { GeneratePoliciesRequest, type GeneratePoliciesParams, type GeneratePoliciesResult } from '../../server/src/protocol';
import { LspHarness } from './harness';

/**
 * netpolGuardrails/generatePolicies (behind the command netpolGuardrails.generatePolicies): the
 * server reads the flow files, synthesizes over the folder's workloads and returns the policies
 * per namespace with the check's results; the golden shop case's files, exactly.
 */

const fixtures = join(__dirname, '..', 'fixtures');
const folder = join(fixtures, 'synthesis', 'shop', 'manifests');
const folderUri = pathToFileURL(folder).toString();
const flowsUri = pathToFileURL(join(fixtures, 'cli', 'synthesize', 'flows.jsonl')).toString();
const expected = (ns: string): string => readFileSync(join(fixtures, 'synthesis', 'shop', 'expected', `${ns}.observed-policies.yaml`), 'utf8');

describe('language server: generate policies from observed flows', () => {
  let lsp: LspHarness;
  const generate = (params: GeneratePoliciesParams): Promise<GeneratePoliciesResult> => lsp.client.sendRequest(GeneratePoliciesRequest.type, params);

  before(async () => {
    lsp = await LspHarness.start({ workspaceFolders: [folderUri] });
    await lsp.ready;
  });
  after(async () => {
    await lsp.stop();
  });

  it('returns the golden policies per namespace, with what was read and checked', async () => {
    const result = await generate({ flowFiles: [flowsUri] });
    assert.equal(result.folderUri, folderUri);
    assert.deepEqual(
      result.files.map((f) => [f.namespace, f.fileName]),
      [
        ['ingress-nginx', 'ingress-nginx.observed-policies.yaml'],
        ['monitoring', 'monitoring.observed-policies.yaml'],
        ['shop', 'shop.observed-policies.yaml'],
      ],
    );
    for (const f of result.files) assert.equal(f.text, expected(f.namespace), f.fileName);
    assert.deepEqual(result.files[2]?.policies, ['default-deny default-deny-2', 'dns allow-dns-egress', 'observed allow-api', 'observed allow-frontend', 'observed allow-postgres']);
    assert.deepEqual([result.admitted, result.dns, result.notForwarded, result.outside, result.uncovered, result.notes], [9, 1, 1, 0, [], []]);
    assert.deepEqual({ ...result.check, guardrails: result.check.guardrails.length }, { checked: 9, blocked: [], unjustified: [], apiErrors: [], guardrails: 3 });
    assert.equal(
      result.summary,
      [
        '# Policies generated from observed flows',
        '',
        'Read 10 flow record(s) from 1 file(s) into 10 distinct flow(s); 1 malformed line(s).',
        '11 policies in 3 namespace(s) (ingress-nginx, monitoring, shop): 9 forwarded flow(s) admitted (1 by the DNS policy), 1 never forwarded kept denied, 0 outside the policed namespaces, 0 not admitted.',
        'Checked with the reachability engine: every one of the 9 flow(s) allowed, nothing allowed beyond the flows, no API errors.',
        '',
        '## Guardrail findings',
        '',
        "- ingress-nginx.observed-policies.yaml: public-cidr: ingress-nginx/allow-ingress-nginx-controller allows ingress from public addresses (198.51.100.23/32). If intended, add 198.51.100.23/32 to the public-cidr rule's allowedCidrs.",
        "- shop.observed-policies.yaml: public-cidr: shop/allow-api allows egress to public addresses (203.0.113.10/32). If intended, add 203.0.113.10/32 to the public-cidr rule's allowedCidrs.",
        "- shop.observed-policies.yaml: public-cidr: shop/allow-api allows egress to public addresses (203.0.113.11/32). If intended, add 203.0.113.11/32 to the public-cidr rule's allowedCidrs.",
        '',
        '## Flow file problems',
        '',
        `- ${flowsUri}:12: not JSON: Unexpected token 'o', "not a flow" is not valid JSON`,
        '',
      ].join('\n'),
    );
  });

  it('reports an unreadable flow file and keeps the options it is given', async () => {
    const missing = pathToFileURL(join(fixtures, 'cli', 'synthesize', 'missing.jsonl')).toString();
    const result = await generate({ folderUri, flowFiles: [flowsUri, missing], namespaces: ['shop'], widenIPv4: 24 });
    assert.deepEqual(result.read.unreadable, [{ file: missing, error: 'ENOENT' }]);
    assert.deepEqual(result.files.map((f) => f.namespace), ['shop']);
    assert.match(result.files[0]!.text, /cidr: 203\.0\.113\.10\/31\n/);
    assert.equal(result.outside, 1);
  });
});
