import {
  CodeActionRequest,
  CompletionRequest,
  type CodeAction,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type Range,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeText } from '../../server/src/core';
import type { LspHarness } from './harness';

/** Requests the code actions of a range, with the diagnostics the client would send. */
export async function requestCodeActions(lsp: LspHarness, uri: string, range: Range, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
  const result = await lsp.client.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics, ...(only ? { only } : {}) } });
  return (result ?? []).filter((a): a is CodeAction => 'title' in a && !('command' in a && typeof a.command === 'string'));
}

export async function requestCompletion(lsp: LspHarness, uri: string, position: { line: number; character: number }, triggerCharacter?: string): Promise<CompletionItem[]> {
  const context = triggerCharacter === undefined ? { triggerKind: 1 as const } : { triggerKind: 2 as const, triggerCharacter };
  const result: CompletionItem[] | CompletionList | null = await lsp.client.sendRequest(CompletionRequest.type, { textDocument: { uri }, position, context });
  if (!result) return [];
  return Array.isArray(result) ? result : result.items;
}

/** The text after a code action's edits to `uri` (which must be its only change). */
export function applyAction(text: string, uri: string, action: CodeAction): string {
  const changes = action.edit?.changes ?? {};
  const uris = Object.keys(changes);
  if (uris.length !== 1 || uris[0] !== uri) throw new Error(`action "${action.title}" edits ${uris.join(', ')}, not only ${uri}`);
  return applyTextEdits(text, changes[uri] ?? []);
}

export function applyTextEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x.yaml', 'yaml', 0, text), edits);
}

/** The ids of the findings the API server or the parser would reject the text for, with counts. */
export function apiErrors(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of analyzeText(text).findings) {
    if (f.severity !== 'error' || !(f.ruleId.startsWith('api-') || f.ruleId === 'yaml-syntax')) continue;
    out.set(f.ruleId, (out.get(f.ruleId) ?? 0) + 1);
  }
  return out;
}

/** `<|>` marks the cursor in fixture text: the text without it and the cursor's position. */
export function caret(marked: string): { text: string; offset: number; position: { line: number; character: number } } {
  const offset = marked.indexOf('<|>');
  if (offset < 0) throw new Error('no <|> cursor marker');
  const text = marked.slice(0, offset) + marked.slice(offset + 3);
  const position = TextDocument.create('file:///x.yaml', 'yaml', 0, text).positionAt(offset);
  return { text, offset, position };
}
