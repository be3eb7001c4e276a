import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ShowImpactRequest, type ShowImpactResult } from '../../server/src/protocol';
import { LspHarness } from './harness';

/**
 * netpolGuardrails/showImpact (behind the command netpolGuardrails.showImpact): what the unsaved
 * text of a file, or the file against git HEAD, opens and cuts off, with the policies involved.
 */

const WORKLOADS = `apiVersion: v1
kind: Namespace
metadata:
  name: web
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend
  namespace: web
spec:
  selector: { matchLabels: { app: frontend } }
  template:
    metadata: { labels: { app: frontend } }
    spec:
      containers: [{ name: web, image: nginx }]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: payments
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers: [{ name: api, image: api, ports: [{ containerPort: 8080 }] }]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
  namespace: payments
spec:
  selector: { matchLabels: { app: worker } }
  template:
    metadata: { labels: { app: worker } }
    spec:
      containers: [{ name: worker, image: worker }]
`;

const policy = (from: string): string => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: backend
  namespace: payments
spec:
  podSelector:
    matchLabels:
      app: api
  ingress:
    - from:
        ${from}
      ports:
        - port: 8080
`;

const FROM_FRONTEND = `- namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: web } }
          podSelector: { matchLabels: { app: frontend } }`;
const FROM_WORKER = '- podSelector: { matchLabels: { app: worker } }';

function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-impact-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, stdio: 'ignore' });
}

const NEW_POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: frontend-egress
  namespace: web
spec:
  podSelector:
    matchLabels:
      app: frontend
  policyTypes: [Egress]
  egress:
    - to:
        - namespaceSelector: {}
`;

describe('language server: impact of a file’s changes', () => {
  let lsp: LspHarness;
  // one folder outside git, one a repository with a commit and changes in the working tree
  let plain: string;
  let repo: string;
  const impact = (uri: string): Promise<ShowImpactResult> => lsp.client.sendRequest(ShowImpactRequest.type, { uri });
  const uriOf = (folder: string, name: string): string => pathToFileURL(join(folder, name)).toString();

  before(async () => {
    plain = folderWith({ 'workloads.yaml': WORKLOADS, 'policy.yaml': policy(FROM_FRONTEND) });
    repo = folderWith({ 'workloads.yaml': WORKLOADS, 'policy.yaml': policy(FROM_FRONTEND) });
    git(repo, 'init', '-q');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'policies');
    writeFileSync(join(repo, 'policy.yaml'), policy(FROM_WORKER));
    writeFileSync(join(repo, 'new.yaml'), NEW_POLICY);
    lsp = await LspHarness.start({ workspaceFolders: [pathToFileURL(plain).toString(), pathToFileURL(repo).toString()] });
    await lsp.ready;
  });
  after(async () => {
    await lsp.stop();
    for (const folder of [plain, repo]) rmSync(folder, { recursive: true, force: true });
  });

  it('shows what an unsaved edit opens and cuts off, with the policies involved', async () => {
    const uri = uriOf(plain, 'policy.yaml');
    await lsp.open(uri, policy(FROM_FRONTEND));
    await lsp.change(uri, [{ text: policy(FROM_WORKER) }]);
    const result = await impact(uri);
    await lsp.close(uri);
    assert.equal(result.error, undefined);
    assert.equal(result.base, 'saved');
    assert.deepEqual(result.opens, [
      { src: 'payments/worker', dst: 'payments/api', ports: 'TCP 8080', now: 'TCP 8080', whole: true, policies: ['allowed by payments/backend ingress rule 1 (policy.yaml:11)'] },
    ]);
    assert.deepEqual(result.cutsOff, [
      { src: 'web/frontend', dst: 'payments/api', ports: 'TCP 8080', now: 'nothing', whole: true, policies: ['no longer allowed by payments/backend ingress rule 1 (line 11 in the saved file)'] },
    ]);
    assert.deepEqual(result.references, [{ label: 'policy.yaml:11', uri, line: 10, character: 6 }]);
    assert.equal(
      result.text,
      [
        '# Impact of unsaved changes: policy.yaml',
        '',
        'The editor’s text compared with the file as saved on disk; the rest of the folder as it is now.',
        '',
        '## Opens (1)',
        '',
        '- payments/worker -> payments/api: TCP 8080 (a new connection)',
        '  - allowed by payments/backend ingress rule 1 (policy.yaml:11)',
        '',
        '## Cuts off (1)',
        '',
        '- web/frontend -> payments/api: TCP 8080 (nothing left)',
        '  - no longer allowed by payments/backend ingress rule 1 (line 11 in the saved file)',
        '',
      ].join('\n'),
    );
  });

  it('without unsaved changes, compares the file with git HEAD', async () => {
    const result = await impact(uriOf(repo, 'policy.yaml'));
    assert.equal(result.error, undefined);
    assert.equal(result.base, 'HEAD');
    const lines = (list: ShowImpactResult['opens']): string[] => list.map((c) => `${c.src} -> ${c.dst}: ${c.ports} (now ${c.now}) | ${c.policies.join('; ')}`);
    assert.deepEqual(lines(result.opens), ['payments/worker -> payments/api: TCP 8080 (now TCP 8080) | allowed by payments/backend ingress rule 1 (policy.yaml:11)']);
    // new.yaml (not in HEAD) is in the working tree on both sides: it lets the frontend's egress reach every pod
    assert.deepEqual(lines(result.cutsOff), ['web/frontend -> payments/api: TCP 8080 (now nothing) | no longer allowed by payments/backend ingress rule 1 (line 11 in HEAD)']);
    assert.match(result.text, /^# Impact of uncommitted changes: policy\.yaml\n/);
  });

  it('compares a file not in HEAD with its absence, and says so', async () => {
    const result = await impact(uriOf(repo, 'new.yaml'));
    assert.equal(result.error, undefined);
    assert.equal(result.base, 'HEAD');
    assert.match(result.note ?? '', /new \(not in HEAD\)/);
    const lines = (list: ShowImpactResult['opens']): string[] => list.map((c) => `${c.src} -> ${c.dst}: ${c.ports} (now ${c.now}) | ${c.policies.join('; ')}`);
    assert.deepEqual(lines(result.opens), []);
    // egress to pods only: the addresses outside the cluster are cut off; the pods stay reachable
    assert.deepEqual(lines(result.cutsOff), [
      'web/frontend -> ::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff: all ports (now nothing) | now isolated for egress by web/frontend-egress (new.yaml:4)',
      'web/frontend -> 0.0.0.0-255.255.255.255: all ports (now nothing) | now isolated for egress by web/frontend-egress (new.yaml:4)',
    ]);
  });

  it('says so when there is no git repository to compare with', async () => {
    const result = await impact(uriOf(plain, 'policy.yaml'));
    assert.match(result.error ?? '', /not in a git repository/);
    assert.deepEqual([result.opens, result.cutsOff], [[], []]);
  });
});
