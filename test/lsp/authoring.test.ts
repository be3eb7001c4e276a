import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspHarness } from './harness';
import { apiErrors, applyAction, applyTextEdits, caret, requestCodeActions, requestCompletion } from './authoringHelpers';
import { TemplateEditRequest, type TemplateEditResult, type TemplateInput } from '../../server/src/protocol';

/**
 * Golden authoring cases: test/fixtures/authoring/<case>/ holds input.yaml (with a <|> cursor),
 * optional context.yaml (another file of the workspace), case.json ({ action: title } or
 * { completion: label }) and expected.yaml, the exact text after the edit. UPDATE_GOLDEN=1 writes
 * the expected files instead of comparing.
 */
const FIXTURES = join(__dirname, '..', 'fixtures', 'authoring');
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

interface Case {
  readonly action?: string;
  readonly completion?: string;
  /** a template's input, sent as TemplateEditRequest at the cursor (what netpolGuardrails.insertTemplate sends) */
  readonly input?: TemplateInput;
  /** the title the template's edit must have */
  readonly title?: string;
}

describe('authoring: golden code actions and completions', () => {
  let lsp: LspHarness;
  before(async () => {
    lsp = await LspHarness.start();
    await lsp.ready;
  });
  after(async () => {
    await lsp.stop();
  });

  it('declares code actions and completion', () => {
    const capabilities = lsp.initializeResult?.capabilities;
    assert.deepEqual(capabilities?.codeActionProvider, { codeActionKinds: ['quickfix', 'source', 'refactor', 'source.fixAll.netpolGuardrails'] });
    assert.deepEqual(capabilities?.completionProvider, { triggerCharacters: [' ', '['] });
  });

  for (const name of readdirSync(FIXTURES).sort()) {
    const dir = join(FIXTURES, name);
    it(name, async () => {
      const spec = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as Case;
      const { text, position } = caret(readFileSync(join(dir, 'input.yaml'), 'utf8'));
      const uri = `file:///authoring/${name}/input.yaml`;
      const contextUri = `file:///authoring/${name}/context.yaml`;
      if (existsSync(join(dir, 'context.yaml'))) await lsp.open(contextUri, readFileSync(join(dir, 'context.yaml'), 'utf8'));
      await lsp.open(uri, text);
      try {
        let result: string;
        if (spec.input !== undefined) {
          const answer: TemplateEditResult = await lsp.client.sendRequest(TemplateEditRequest.type, { uri, position, input: spec.input });
          assert.ok(answer.edit, `no edit: ${String(answer.problem)}`);
          if (spec.title !== undefined) assert.equal(answer.title, spec.title);
          assert.deepEqual(Object.keys(answer.edit.changes ?? {}), [uri]);
          result = applyTextEdits(text, answer.edit.changes?.[uri] ?? []);
          // idempotent: the same input a second time is already allowed, and makes no edit
          await lsp.change(uri, [{ text: result }]);
          const after = TextDocument.create(uri, 'yaml', 0, result);
          const again: TemplateEditResult = await lsp.client.sendRequest(TemplateEditRequest.type, { uri, position: after.positionAt(after.offsetAt(position)), input: spec.input });
          assert.equal(again.edit, undefined, 'the same input edits again');
          assert.match(again.problem ?? '', /already allows/);
        } else if (spec.action !== undefined) {
          const diagnostics = (await lsp.diagnostics(uri)).filter((d) => d.range.start.line <= position.line && position.line <= d.range.end.line);
          const actions = await requestCodeActions(lsp, uri, { start: position, end: position }, diagnostics);
          const action = actions.find((a) => a.title === spec.action);
          assert.ok(action, `no action "${spec.action}"; offered: ${actions.map((a) => a.title).join(' | ')}`);
          result = applyAction(text, uri, action);
          // the action is spent: offered no more at the same place once applied
          await lsp.change(uri, [{ text: result }]);
          const after = TextDocument.create(uri, 'yaml', 0, result);
          const again = await requestCodeActions(
            lsp,
            uri,
            { start: after.positionAt(after.offsetAt(position)), end: after.positionAt(after.offsetAt(position)) },
            (await lsp.diagnostics(uri)).filter((d) => d.range.start.line === position.line),
          );
          if (!spec.action.startsWith('Suppress')) assert.equal(again.find((a) => a.title === spec.action), undefined, `"${spec.action}" is offered again`);
        } else {
          const items = await requestCompletion(lsp, uri, position);
          const item = items.find((i) => i.label === spec.completion);
          assert.ok(item?.textEdit && 'range' in item.textEdit, `no completion "${String(spec.completion)}"; offered: ${items.map((i) => i.label).join(', ')}`);
          result = applyTextEdits(text, [item.textEdit]);
        }
        const golden = join(dir, 'expected.yaml');
        if (UPDATE) writeFileSync(golden, result);
        assert.equal(result, readFileSync(golden, 'utf8'));
        assert.deepEqual([...apiErrors(result)], [], 'the result has API errors');
        // a JSON manifest stays JSON
        if (text.trimStart().startsWith('{')) assert.doesNotThrow(() => JSON.parse(result));
      } finally {
        await lsp.close(uri);
        if (existsSync(join(dir, 'context.yaml'))) await lsp.close(contextUri);
      }
    });
  }
});

describe('authoring: actions right after an edit', () => {
  it('see the editor text, not the last analysed one: an applied template is not offered again', async () => {
    const lsp = await LspHarness.start();
    try {
      await lsp.ready;
      const uri = 'file:///fresh/web.yaml';
      const { text, position } = caret(readFileSync(join(FIXTURES, 'template-workload', 'input.yaml'), 'utf8'));
      await lsp.open(uri, text);
      const range = { start: position, end: position };
      const title = 'Create a NetworkPolicy for Deployment api';
      const action = (await requestCodeActions(lsp, uri, range, [])).find((a) => a.title === title);
      assert.ok(action);
      // no diagnostics pull in between: the request may come before the index has the edit
      await lsp.change(uri, [{ text: applyAction(text, uri, action) }]);
      const again = await requestCodeActions(lsp, uri, range, []);
      assert.equal(again.find((a) => a.title === title), undefined);
      assert.ok(again.some((a) => a.title.startsWith('Allow ingress to Deployment api from')), 'the other templates are still offered');
    } finally {
      await lsp.stop();
    }
  });
});

describe('authoring: completion lists', () => {
  let lsp: LspHarness;
  before(async () => {
    lsp = await LspHarness.start();
    await lsp.ready;
  });
  after(async () => {
    await lsp.stop();
  });

  const complete = async (marked: string, uri = 'file:///lists/policy.yaml'): Promise<string[]> => {
    const { text, position } = caret(marked);
    await lsp.open(uri, text);
    try {
      return (await requestCompletion(lsp, uri, position)).map((i) => i.label);
    } finally {
      await lsp.close(uri);
    }
  };
  const head = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\n  namespace: shop\n';

  it('offers the keys valid at the cursor, without those present', async () => {
    assert.deepEqual((await complete(`${head}spec:\n  podSelector: {}\n  <|>\n`)).sort(), ['egress', 'ingress', 'policyTypes']);
    assert.deepEqual((await complete(`${head}spec:\n  ingress:\n    - <|>\n`)).sort(), ['from', 'ports']);
    assert.deepEqual((await complete(`${head}spec:\n  ingress:\n  - from:\n    - <|>\n`)).sort(), ['ipBlock', 'namespaceSelector', 'podSelector']);
    assert.deepEqual((await complete(`${head}spec:\n  egress:\n    - ports:\n        - port: 53\n          <|>\n`)).sort(), ['endPort', 'protocol']);
    assert.deepEqual((await complete(`${head}spec:\n  podSelector:\n    matchExpressions:\n      - key: app\n        <|>\n`)).sort(), ['operator', 'values']);
  });

  it('documents the keys from the schema', async () => {
    const { text, position } = caret(`${head}spec:\n  <|>\n`);
    await lsp.open('file:///lists/doc.yaml', text);
    const items = await requestCompletion(lsp, 'file:///lists/doc.yaml', position);
    await lsp.close('file:///lists/doc.yaml');
    const egress = items.find((i) => i.label === 'egress');
    assert.match(JSON.stringify(egress?.documentation), /egress is a list of egress rules to be applied to the selected pods/);
  });

  it('offers operators, and label keys with how many workloads carry them', async () => {
    assert.deepEqual(await complete(`${head}spec:\n  podSelector:\n    matchExpressions:\n      - key: app\n        operator: <|>\n`), ['In', 'NotIn', 'Exists', 'DoesNotExist']);
    await lsp.open('file:///lists/workloads.yaml', readFileSync(join(FIXTURES, 'nearest-label', 'context.yaml'), 'utf8'));
    const { text, position } = caret(`${head}spec:\n  podSelector:\n    matchLabels:\n      <|>\n`);
    await lsp.open('file:///lists/labels.yaml', text);
    const items = await requestCompletion(lsp, 'file:///lists/labels.yaml', position);
    await lsp.close('file:///lists/labels.yaml');
    await lsp.close('file:///lists/workloads.yaml');
    assert.deepEqual(
      items.map((i) => [i.label, i.detail]),
      [['app', 'on 1 workload in shop']],
    );
  });

  it('answers a typed space after `key: ` or `- `, not one typed to indent', async () => {
    const { text } = caret(`${head}spec:\n  policyTypes:\n    - <|>\n`);
    await lsp.open('file:///lists/space.yaml', text);
    try {
      assert.deepEqual((await requestCompletion(lsp, 'file:///lists/space.yaml', { line: 7, character: 6 }, ' ')).map((i) => i.label), ['Ingress', 'Egress']);
      assert.deepEqual(await requestCompletion(lsp, 'file:///lists/space.yaml', { line: 7, character: 2 }, ' '), []);
    } finally {
      await lsp.close('file:///lists/space.yaml');
    }
  });

  it('offers nothing outside NetworkPolicy documents', async () => {
    assert.deepEqual(await complete('apiVersion: apps/v1\nkind: Deployment\nspec:\n  <|>\n'), []);
  });
});
