import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { URI } from 'vscode-uri';
import { CodeActionRequest, type CodeAction, type Command } from 'vscode-languageserver-protocol/node';
import { LspHarness } from './harness';
import { caret, requestCodeActions } from './authoringHelpers';
import {
  INSERT_TEMPLATE_COMMAND,
  TemplateChoicesRequest,
  TemplateEditRequest,
  type InsertTemplateArgs,
  type TemplateChoicesResult,
  type TemplateEditResult,
} from '../../server/src/protocol';

const API = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: <|>api
  namespace: shop
spec:
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
        - name: api
          image: api:1
          ports:
            - containerPort: 8080
`;

const policyFile = (name: string): string => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: ${name}
  policyTypes:
    - Ingress
`;

const EXPECTED_POLICY = `# Ingress to the pods of Deployment api.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-ingress
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: api
  policyTypes:
    - Ingress
  ingress:
    - from:
        # TODO: the clients of api. This placeholder selects no pod, so nothing is allowed yet.
        - podSelector:
            matchLabels:
              app: api-client
      ports:
        - protocol: TCP
          port: 8080
`;

async function allActions(lsp: LspHarness, uri: string, position: { line: number; character: number }): Promise<(CodeAction | Command)[]> {
  return (await lsp.client.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: { start: position, end: position }, context: { diagnostics: [] } })) ?? [];
}

describe('authoring: templates that take input, in an editor that runs netpolGuardrails.insertTemplate', () => {
  let lsp: LspHarness;
  before(async () => {
    lsp = await LspHarness.start({ initializationOptions: { insertTemplateCommand: true } });
    await lsp.ready;
  });
  after(async () => {
    await lsp.stop();
  });

  it('offers one command action per template, with the document, position and template as arguments', async () => {
    const uri = 'file:///input/api.yaml';
    const { text, position } = caret(API);
    await lsp.open(uri, text);
    const commands = (await allActions(lsp, uri, position)).filter((a): a is CodeAction => 'command' in a && typeof a.command === 'object');
    assert.deepEqual(
      commands.map((a) => [a.title, a.kind, a.command?.command]),
      [
        ['Allow ingress to Deployment api from a namespace…', 'refactor.netpolGuardrails.allowFromNamespace', INSERT_TEMPLATE_COMMAND],
        ['Allow ingress to Deployment api from pods with labels…', 'refactor.netpolGuardrails.allowFromPods', INSERT_TEMPLATE_COMMAND],
        ['Allow egress from Deployment api to a workload…', 'refactor.netpolGuardrails.allowEgressToWorkload', INSERT_TEMPLATE_COMMAND],
        ['Allow egress from Deployment api to a CIDR…', 'refactor.netpolGuardrails.allowEgressToCidr', INSERT_TEMPLATE_COMMAND],
      ],
    );
    const args = commands[0]?.command?.arguments?.[0] as InsertTemplateArgs;
    assert.deepEqual(args, { uri, position, template: 'allowFromNamespace' });
    // the pickers' choices, then the edit for the choice
    const web = 'file:///input/web.yaml';
    await lsp.open(web, API.replace('<|>', '').replace(/api/g, 'web').replace('shop', 'front'));
    await lsp.diagnostics(web);
    const choices: TemplateChoicesResult = await lsp.client.sendRequest(TemplateChoicesRequest.type, { uri, position, template: 'allowEgressToWorkload' });
    assert.deepEqual(choices.workloads, [{ namespace: 'front', name: 'web', kind: 'Deployment', ports: 'TCP 8080' }]);
    const namespaces: TemplateChoicesResult = await lsp.client.sendRequest(TemplateChoicesRequest.type, { uri, position, template: 'allowFromPods', namespace: 'front' });
    assert.deepEqual(namespaces.namespaces, [{ name: 'front', workloads: 1, clients: 0 }]);
    assert.deepEqual(namespaces.labels, [{ key: 'app', values: [{ value: 'web', workloads: 1 }] }]);
    const edit: TemplateEditResult = await lsp.client.sendRequest(TemplateEditRequest.type, { uri, position, input: { template: 'allowEgressToWorkload', namespace: 'front', name: 'web' } });
    assert.equal(edit.title, 'Allow egress from Deployment api to Deployment front/web');
    assert.match(edit.edit?.changes?.[uri]?.[0]?.newText ?? '', /name: api-to-web\n/);
    const bad: TemplateEditResult = await lsp.client.sendRequest(TemplateEditRequest.type, { uri, position, input: { template: 'allowEgressToCidr', cidr: '10.0.0.0/8', except: ['11.0.0.0/8'] } });
    assert.equal(bad.edit, undefined);
    assert.equal(bad.problem, 'except 11.0.0.0/8 is not strictly inside 10.0.0.0/8');
    await lsp.close(web);
    await lsp.close(uri);
  });

  it('answers with a problem where nothing takes a template', async () => {
    const uri = 'file:///input/config.yaml';
    await lsp.open(uri, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n');
    const position = { line: 1, character: 0 };
    const choices: TemplateChoicesResult = await lsp.client.sendRequest(TemplateChoicesRequest.type, { uri, position, template: 'allowFromNamespace' });
    assert.match(choices.problem ?? '', /no NetworkPolicy or workload/);
    assert.equal((await allActions(lsp, uri, position)).filter((a) => 'command' in a && typeof a.command === 'object').length, 0);
    await lsp.close(uri);
  });
});

describe('authoring: no command actions for editors that do not run the command', () => {
  it('offers only actions that carry their edit', async () => {
    const lsp = await LspHarness.start();
    try {
      await lsp.ready;
      const uri = 'file:///plain/api.yaml';
      const { text, position } = caret(API);
      await lsp.open(uri, text);
      const actions = await allActions(lsp, uri, position);
      assert.ok(actions.length > 0);
      for (const action of actions) assert.ok('edit' in action && action.edit, `"${action.title}" has no edit`);
    } finally {
      await lsp.stop();
    }
  });
});

describe('authoring: netpolGuardrails.authoring.templateTarget = newFile', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'netpol-newfile-'));
    writeFileSync(join(dir, 'netpol-web.yaml'), policyFile('web'));
    writeFileSync(join(dir, 'netpol-db.yaml'), policyFile('db'));
    // taken, though no policy: the new file gets the next free name
    writeFileSync(join(dir, 'netpol-api-ingress.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: unrelated\n');
    writeFileSync(join(dir, 'api.yaml'), API.replace('<|>', ''));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (workspaceEdit: boolean): Promise<LspHarness> => {
    const lsp = await LspHarness.start({ workspaceFolders: [URI.file(dir).toString()], workspaceEdit, initializationOptions: { insertTemplateCommand: true } });
    lsp.settings = () => ({ authoring: { templateTarget: 'newFile' } });
    await lsp.ready;
    return lsp;
  };

  it('creates the policy in a new file named like the folder names its policies, never over an existing file', async () => {
    const lsp = await start(true);
    try {
      const uri = URI.file(join(dir, 'api.yaml')).toString();
      const { text, position } = caret(API);
      await lsp.open(uri, text);
      const actions = await requestCodeActions(lsp, uri, { start: position, end: position }, []);
      const action = actions.find((a) => a.title === 'Create a NetworkPolicy for Deployment api');
      assert.ok(action, actions.map((a) => a.title).join(' | '));
      const created = URI.file(join(dir, 'netpol-api-ingress-2.yaml')).toString();
      assert.deepEqual(action.edit, {
        documentChanges: [
          { kind: 'create', uri: created, options: { overwrite: false, ignoreIfExists: false } },
          { textDocument: { uri: created, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: EXPECTED_POLICY }] },
        ],
      });
      // two templates of one answer never share a file name
      const files = actions.flatMap((a) => (a.edit?.documentChanges ?? []).flatMap((c) => ('kind' in c && c.kind === 'create' ? [c.uri] : [])));
      assert.ok(files.length >= 3, files.join(', '));
      assert.equal(new Set(files).size, files.length, files.join(', '));
      // rule edits to an existing policy stay in place; a template input for the workload goes to a new file
      const input: TemplateEditResult = await lsp.client.sendRequest(TemplateEditRequest.type, { uri, position, input: { template: 'allowEgressToCidr', cidr: '10.0.0.0/8' } });
      const change = input.edit?.documentChanges?.[0];
      assert.ok(change && 'kind' in change && change.kind === 'create');
      assert.equal(change.uri, URI.file(join(dir, 'netpol-api-to-10-0-0-0-8.yaml')).toString());
      // once the new file is in the workspace, the template is spent
      const createdText = EXPECTED_POLICY;
      writeFileSync(join(dir, 'netpol-api-ingress-2.yaml'), createdText);
      await lsp.open(created, createdText);
      // indexed (diagnostics wait for it)
      await lsp.diagnostics(created);
      const again = await requestCodeActions(lsp, uri, { start: position, end: position }, []);
      assert.equal(again.find((a) => a.title === 'Create a NetworkPolicy for Deployment api'), undefined);
    } finally {
      await lsp.stop();
      rmSync(join(dir, 'netpol-api-ingress-2.yaml'), { force: true });
    }
  });

  it('writes into the current file when the client cannot create files', async () => {
    const lsp = await start(false);
    try {
      const uri = URI.file(join(dir, 'api.yaml')).toString();
      const { text, position } = caret(API);
      await lsp.open(uri, text);
      const action = (await requestCodeActions(lsp, uri, { start: position, end: position }, [])).find((a) => a.title === 'Create a NetworkPolicy for Deployment api');
      assert.deepEqual(Object.keys(action?.edit?.changes ?? {}), [uri]);
      assert.equal(action?.edit?.changes?.[uri]?.[0]?.newText, `---\n${EXPECTED_POLICY}`);
    } finally {
      await lsp.stop();
    }
  });
});
