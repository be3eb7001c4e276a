import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol/node';
import { LspHarness, waitFor } from './harness';
import { apiErrors, applyAction, applyTextEdits, requestCodeActions } from './authoringHelpers';
import { TemplateChoicesRequest, TemplateEditRequest, type TemplateChoicesResult, type TemplateEditResult, type TemplateId, type TemplateInput } from '../../server/src/protocol';

const EXAMPLES = join(__dirname, '..', '..', 'examples');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? yamlFiles(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : []));
}

/** Where an offset of the text before the edits lands after them. */
function mapOffset(text: string, edits: readonly TextEdit[], offset: number): number {
  const doc = TextDocument.create('file:///x', 'yaml', 0, text);
  let shift = 0;
  for (const e of edits) {
    const start = doc.offsetAt(e.range.start);
    const end = doc.offsetAt(e.range.end);
    if (end <= offset && (start < offset || start === end)) shift += e.newText.length - (end - start);
  }
  return offset + shift;
}

/**
 * Every action offered at every diagnostic of the example workspace, applied one at a time: the
 * text still parses, has no API error it did not have, and the action is spent (its finding is
 * gone, or the template is no longer offered there).
 */
describe('authoring sweep over examples/', () => {
  let lsp: LspHarness;
  before(async () => {
    lsp = await LspHarness.start({ workspaceFolders: [URI.file(EXAMPLES).toString()] });
    await lsp.ready;
  });
  after(async () => {
    await lsp.stop();
  });

  it('applies every offered action cleanly and idempotently', async (t) => {
    let applied = 0;
    let checkedFiles = 0;
    const kinds = new Set<string>();
    for (const path of yamlFiles(EXAMPLES)) {
      const uri = URI.file(path).toString();
      const text = readFileSync(path, 'utf8');
      await lsp.open(uri, text);
      const diagnostics = await waitFor(async () => {
        const d = await lsp.diagnostics(uri);
        return d;
      });
      const before = apiErrors(text);
      const doc = TextDocument.create(uri, 'yaml', 0, text);
      const seen = new Set<string>();
      const requests: { range: Diagnostic['range']; diagnostics: Diagnostic[] }[] = diagnostics.map((d) => ({ range: d.range, diagnostics: [d] }));
      // templates: at the start of every document of the file
      for (const match of text.matchAll(/^kind:/gm)) requests.push({ range: { start: doc.positionAt(match.index), end: doc.positionAt(match.index) }, diagnostics: [] });
      for (const request of requests) {
        const actions = await requestCodeActions(lsp, uri, request.range, request.diagnostics);
        for (const action of actions) {
          const key = `${action.title}@${request.range.start.line}`;
          if (seen.has(key)) continue;
          seen.add(key);
          kinds.add(action.kind ?? '');
          const edited = applyAction(text, uri, action);
          assert.notEqual(edited, text, `"${action.title}" changes nothing in ${path}`);
          const afterErrors = apiErrors(edited);
          assert.equal(afterErrors.get('yaml-syntax') ?? 0, 0, `"${action.title}" breaks the YAML of ${path}:\n${edited}`);
          for (const [id, n] of afterErrors) assert.ok(n <= (before.get(id) ?? 0), `"${action.title}" adds ${id} to ${path}:\n${edited}`);
          await checkSpent(lsp, uri, text, edited, action, request);
          applied++;
        }
      }
      await lsp.change(uri, [{ text }]);
      await lsp.close(uri);
      checkedFiles++;
    }
    t.diagnostic(`${applied} actions applied over ${checkedFiles} files; kinds: ${[...kinds].sort().join(', ')}`);
    assert.ok(checkedFiles >= 10, `only ${checkedFiles} files`);
    assert.ok(applied >= 40, `only ${applied} actions applied`);
    for (const kind of ['quickfix', 'source.netpolGuardrails.defaultDenyEgress', 'refactor.netpolGuardrails.createWorkloadPolicy', 'refactor.netpolGuardrails.allowFromNamespace']) assert.ok(kinds.has(kind), `no ${kind} action offered`);
  });
});

const TEMPLATES: readonly TemplateId[] = ['allowFromNamespace', 'allowFromPods', 'allowEgressToWorkload', 'allowEgressToCidr'];

/** A few inputs of each template from its pickers' choices, as a user would pick them. */
async function inputsAt(lsp: LspHarness, uri: string, position: { line: number; character: number }): Promise<TemplateInput[]> {
  const inputs: TemplateInput[] = [];
  for (const template of TEMPLATES) {
    const choices: TemplateChoicesResult = await lsp.client.sendRequest(TemplateChoicesRequest.type, { uri, position, template });
    if (choices.problem) continue;
    if (template === 'allowFromNamespace') for (const ns of choices.namespaces.slice(0, 2)) inputs.push({ template, namespace: ns.name });
    if (template === 'allowFromPods') {
      for (const label of choices.labels.slice(0, 2)) {
        const value = label.values[0];
        if (value) inputs.push({ template, labels: { [label.key]: value.value } });
      }
      const other = choices.namespaces[0];
      if (other) {
        const theirs: TemplateChoicesResult = await lsp.client.sendRequest(TemplateChoicesRequest.type, { uri, position, template, namespace: other.name });
        const label = theirs.labels[0];
        const value = label?.values[0];
        if (label && value) inputs.push({ template, labels: { [label.key]: value.value }, namespace: other.name });
      }
    }
    if (template === 'allowEgressToWorkload') for (const w of choices.workloads.slice(0, 2)) inputs.push({ template, namespace: w.namespace, name: w.name, kind: w.kind });
    if (template === 'allowEgressToCidr') {
      inputs.push({ template, cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '10.2.0.0/16'], ports: 'TCP 443, TCP 8000-8100' });
      inputs.push({ template, cidr: '2001:db8::/32' });
    }
  }
  return inputs;
}

describe('input template sweep over examples/', () => {
  let lsp: LspHarness;
  before(async () => {
    lsp = await LspHarness.start({ workspaceFolders: [URI.file(EXAMPLES).toString()] });
    await lsp.ready;
  });
  after(async () => {
    await lsp.stop();
  });

  it('applies every template input at every policy and workload cleanly and idempotently', async (t) => {
    let applied = 0;
    const templates = new Set<string>();
    for (const path of yamlFiles(EXAMPLES)) {
      const uri = URI.file(path).toString();
      const text = readFileSync(path, 'utf8');
      await lsp.open(uri, text);
      await lsp.diagnostics(uri);
      const before = apiErrors(text);
      const doc = TextDocument.create(uri, 'yaml', 0, text);
      for (const match of text.matchAll(/^kind:/gm)) {
        const position = doc.positionAt(match.index);
        for (const input of await inputsAt(lsp, uri, position)) {
          const answer: TemplateEditResult = await lsp.client.sendRequest(TemplateEditRequest.type, { uri, position, input });
          // a choice the target already allows is answered with a problem, never with an edit
          if (!answer.edit) {
            assert.match(answer.problem ?? '', /already allows/, `${path}:${position.line + 1} ${JSON.stringify(input)}`);
            continue;
          }
          assert.deepEqual(Object.keys(answer.edit.changes ?? {}), [uri]);
          const edited = applyTextEdits(text, answer.edit.changes?.[uri] ?? []);
          const afterErrors = apiErrors(edited);
          assert.equal(afterErrors.get('yaml-syntax') ?? 0, 0, `"${String(answer.title)}" breaks the YAML of ${path}:\n${edited}`);
          for (const [id, n] of afterErrors) assert.ok(n <= (before.get(id) ?? 0), `"${String(answer.title)}" adds ${id} to ${path}:\n${edited}`);
          await lsp.change(uri, [{ text: edited }]);
          try {
            const again: TemplateEditResult = await lsp.client.sendRequest(TemplateEditRequest.type, { uri, position, input });
            assert.equal(again.edit, undefined, `"${String(answer.title)}" edits again:\n${edited}`);
            assert.match(again.problem ?? '', /already allows/);
          } finally {
            await lsp.change(uri, [{ text }]);
          }
          templates.add(input.template);
          applied++;
        }
      }
      await lsp.close(uri);
    }
    t.diagnostic(`${applied} template inputs applied; templates: ${[...templates].sort().join(', ')}`);
    assert.deepEqual([...templates].sort(), [...TEMPLATES].sort());
    assert.ok(applied >= 40, `only ${applied} inputs applied`);
  });
});

async function checkSpent(lsp: LspHarness, uri: string, text: string, edited: string, action: CodeAction, request: { range: Diagnostic['range']; diagnostics: Diagnostic[] }): Promise<void> {
  const edits = action.edit?.changes?.[uri] ?? [];
  const before = TextDocument.create(uri, 'yaml', 0, text);
  const afterDoc = TextDocument.create(uri, 'yaml', 1, edited);
  await lsp.change(uri, [{ text: edited }]);
  try {
    const diagnostics = await lsp.diagnostics(uri);
    const start = afterDoc.positionAt(mapOffset(text, edits, before.offsetAt(request.range.start)));
    const end = afterDoc.positionAt(mapOffset(text, edits, before.offsetAt(request.range.end)));
    const range = { start, end };
    const fixed = request.diagnostics[0];
    if (fixed && action.kind === 'quickfix' && !action.title.startsWith('Suppress ')) {
      const still = diagnostics.filter((d) => d.code === fixed.code && d.range.start.line === start.line && d.range.start.character === start.character && d.message === fixed.message);
      assert.equal(still.length, 0, `"${action.title}" leaves its finding ${String(fixed.code)} in place:\n${edited}`);
    }
    const again = await requestCodeActions(lsp, uri, range, diagnostics.filter((d) => d.range.start.line === start.line));
    // a template or a fix-all is spent once applied; a quick fix's finding is gone (checked above)
    if (action.kind !== 'quickfix' || action.title.startsWith('Fix all')) {
      const repeat = again.find((a) => a.title === action.title && a.kind === action.kind);
      if (repeat && action.kind === 'source.fixAll.netpolGuardrails') {
        // fixing API errors lets the guardrails see the policy, which may show new fixable findings:
        // the second run may fix those, never redo the first run's edits
        const texts = (a: CodeAction): string[] => (a.edit?.changes?.[uri] ?? []).map((e) => e.newText);
        assert.ok(!texts(repeat).some((t) => texts(action).includes(t) && !/^\s*protocol: TCP\s*$/.test(t)), `"${action.title}" repeats its edits:\n${edited}`);
      } else {
        assert.equal(repeat, undefined, `"${action.title}" is offered again after it was applied:\n${edited}`);
      }
    }
  } finally {
    await lsp.change(uri, [{ text }]);
  }
}
