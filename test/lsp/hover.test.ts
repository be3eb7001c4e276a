import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { HoverRequest, type Hover, type MarkupContent, type Position } from 'vscode-languageserver-protocol/node';
import { LspHarness, waitFor } from './harness';

/**
 * Hovers over NetworkPolicies through a real server: the policy in plain language on its name or
 * spec, a rule's peers and ports, a selector's workloads (capped), all from the workspace index,
 * following unsaved edits of the open document.
 */

const folder = join(__dirname, '..', 'fixtures', 'hover');
const folderUri = pathToFileURL(folder).toString();
const policyUri = pathToFileURL(join(folder, 'policy.yaml')).toString();
const POLICY = readFileSync(join(folder, 'policy.yaml'), 'utf8');

/** The position of the first character of `needle` (its `occurrence`-th match) in `text`. */
function positionOf(text: string, needle: string, occurrence = 1): Position {
  let at = -1;
  for (let i = 0; i < occurrence; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `"${needle}" not in the text`);
  const before = text.slice(0, at).split('\n');
  return { line: before.length - 1, character: (before.at(-1) ?? '').length };
}

describe('language server: hovers', () => {
  let lsp: LspHarness;

  const hoverAt = async (uri: string, text: string, needle: string, occurrence = 1): Promise<Hover | null> =>
    lsp.client.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(text, needle, occurrence) });
  const markdown = (hover: Hover | null): string => {
    assert.ok(hover, 'a hover');
    const contents = hover.contents as MarkupContent;
    assert.equal(contents.kind, 'markdown');
    return contents.value;
  };

  before(async () => {
    lsp = await LspHarness.start({ workspaceFolders: [folderUri] });
    await lsp.ready;
    await lsp.open(policyUri, POLICY);
  });
  after(async () => {
    await lsp.stop();
  });

  it('declares the hover capability', () => {
    assert.equal(lsp.initializeResult?.capabilities.hoverProvider, true);
  });

  it('summarises the policy on its name and on spec', async () => {
    const onName = await hoverAt(policyUri, POLICY, 'backend');
    const expected = [
      '**NetworkPolicy payments/backend**',
      '',
      'Selects 3 workloads in payments: api, cron, worker. Ingress: TCP named port http from pods app=frontend in namespaces team=web (1 workload); all ports from addresses 10.0.0.0/8 except 10.1.0.0/16. Egress: denied except DNS (UDP 53, TCP 53) to pods k8s-app=kube-dns in namespaces kubernetes.io/metadata.name=kube-system (no workload matches).',
    ].join('\n');
    assert.equal(markdown(onName), expected);
    assert.deepEqual(onName?.range, { start: { line: 3, character: 8 }, end: { line: 3, character: 15 } });
    assert.equal(markdown(await hoverAt(policyUri, POLICY, 'spec:')), expected);
  });

  it("lists the workloads the policy's podSelector selects", async () => {
    const hover = await hoverAt(policyUri, POLICY, 'tier: backend');
    assert.equal(markdown(hover), ['**podSelector of payments/backend**', '', 'Selects pods tier=backend in namespace payments: 3 workloads: payments/api, payments/cron, payments/worker.'].join('\n'));
    assert.deepEqual(hover?.range, { start: { line: 6, character: 2 }, end: { line: 8, character: 19 } });
  });

  it("lists the namespaces and workloads of a peer's selectors", async () => {
    assert.equal(
      markdown(await hoverAt(policyUri, POLICY, 'team: web')),
      [
        '**namespaceSelector of from peer 1, ingress rule 1 of payments/backend**',
        '',
        'Matches namespaces team=web: 1 namespace (web).',
        '',
        'The peer (pods app=frontend in namespaces team=web) matches 1 workload: web/frontend.',
      ].join('\n'),
    );
    assert.equal(
      markdown(await hoverAt(policyUri, POLICY, 'app: frontend')),
      ['**podSelector of from peer 1, ingress rule 1 of payments/backend**', '', 'The peer (pods app=frontend in namespaces team=web) matches 1 workload: web/frontend.'].join('\n'),
    );
    assert.equal(
      markdown(await hoverAt(policyUri, POLICY, 'k8s-app: kube-dns')),
      [
        '**podSelector of to peer 1, egress rule 1 of payments/backend**',
        '',
        'The peer (pods k8s-app=kube-dns in namespaces kubernetes.io/metadata.name=kube-system) matches no workload in the workspace.',
      ].join('\n'),
    );
  });

  it('shows the peers a rule matches and the ports it opens, named ports resolved', async () => {
    const hover = await hoverAt(policyUri, POLICY, 'port: http');
    assert.equal(
      markdown(hover),
      [
        '**Ingress rule 1 of payments/backend**',
        '',
        'From:',
        '',
        '- pods app=frontend in namespaces team=web: 1 workload: web/frontend',
        '',
        'Named port http (TCP): 8080 on payments/api.',
        '',
        'Into the pods the policy selects: 3 workloads: payments/api, payments/cron, payments/worker.',
      ].join('\n'),
    );
    assert.equal(hover?.range?.start.line, 11);
    // the `- ` of an item counts as the item
    assert.equal(markdown(await hoverAt(policyUri, POLICY, '- from:', 2)).split('\n')[0], '**Ingress rule 2 of payments/backend**');
    assert.equal(markdown(await hoverAt(policyUri, POLICY, '- namespaceSelector:')).split('\n')[0], '**namespaceSelector of from peer 1, ingress rule 1 of payments/backend**');
    assert.equal(
      markdown(await hoverAt(policyUri, POLICY, 'cidr')),
      [
        '**Ingress rule 2 of payments/backend**',
        '',
        'From:',
        '',
        '- addresses 10.0.0.0/8 except 10.1.0.0/16 (outside the cluster)',
        '',
        'Ports: all ports, every protocol.',
        '',
        'Into the pods the policy selects: 3 workloads: payments/api, payments/cron, payments/worker.',
      ].join('\n'),
    );
    assert.equal(
      markdown(await hoverAt(policyUri, POLICY, 'protocol: UDP')),
      [
        '**Egress rule 1 of payments/backend**',
        '',
        'To:',
        '',
        '- pods k8s-app=kube-dns in namespaces kubernetes.io/metadata.name=kube-system: no workload matches',
        '',
        'Ports: TCP 53; UDP 53.',
        '',
        'Out of the pods the policy selects: 3 workloads: payments/api, payments/cron, payments/worker.',
      ].join('\n'),
    );
  });

  it('has no hover outside NetworkPolicies and their name or spec', async () => {
    assert.equal(await hoverAt(policyUri, POLICY, 'apiVersion'), null);
    const workloadsUri = pathToFileURL(join(folder, 'workloads.yaml')).toString();
    const workloads = readFileSync(join(folder, 'workloads.yaml'), 'utf8');
    await lsp.open(workloadsUri, workloads);
    assert.equal(await hoverAt(workloadsUri, workloads, 'frontend'), null);
    await lsp.close(workloadsUri);
  });

  it('follows unsaved edits, caps long lists, and says when a rule is ignored', async () => {
    const uri = `${folderUri}/unsaved.yaml`;
    const deployments = Array.from(
      { length: 12 },
      (_, i) =>
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w${String(i).padStart(2, '0')}\n  namespace: many\nspec:\n  selector:\n    matchLabels: {app: w}\n  template:\n    metadata:\n      labels: {app: w}\n    spec:\n      containers: [{name: c, image: i}]\n`,
    );
    const policy = `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: all\n  namespace: many\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n  egress:\n    - to:\n        - podSelector: {}\n`;
    const text = [...deployments, policy].join('---\n');
    await lsp.open(uri, text);
    const selector = await waitFor(async () => {
      const value = markdown(await hoverAt(uri, text, 'podSelector: {}'));
      return value.includes('12 workloads') ? value : undefined;
    });
    assert.equal(
      selector,
      ['**podSelector of many/all**', '', 'Selects every pod in namespace many: 12 workloads: many/w00, many/w01, many/w02, many/w03, many/w04, many/w05, many/w06, many/w07, many/w08, many/w09 and 2 more.'].join('\n'),
    );
    assert.equal(
      markdown(await hoverAt(uri, text, 'to:')),
      ['**Egress rule 1 of many/all**', '', 'Ignored: policyTypes [Ingress] does not list Egress, so this rule allows nothing.'].join('\n'),
    );
    // an edit the workspace may not have analysed yet: the hover reads the text as it is now
    const edited = text.replace('  podSelector: {}\n  policyTypes', '  podSelector: {matchLabels: {app: none}}\n  policyTypes');
    await lsp.change(uri, [{ text: edited }]);
    assert.equal(markdown(await hoverAt(uri, edited, 'app: none')), ['**podSelector of many/all**', '', 'Selects pods app=none in namespace many: no workload in the workspace.'].join('\n'));
    // let the server index the edit before the connection goes (its work would outlive the test)
    await lsp.diagnostics(uri);
  });
});
