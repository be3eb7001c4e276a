import { CompletionItemKind, CompletionTriggerKind, InsertTextFormat, MarkupKind, type CompletionItem, type CompletionParams, type Connection, type TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import schema from '../../../schemas/networkpolicy.schema.json';
import { completions, type CompletionKind } from '../core/authoring';
import type { SettingsCache } from './settingsCache';
import { isClusterUri } from '../cluster/clusterInventory';
import type { WorkspaceIndex } from './workspaceIndex';

const KINDS: Record<CompletionKind, CompletionItemKind> = {
  property: CompletionItemKind.Property,
  value: CompletionItemKind.EnumMember,
  labelKey: CompletionItemKind.Field,
  labelValue: CompletionItemKind.Value,
  namespace: CompletionItemKind.Module,
};

export const COMPLETION_TRIGGER_CHARACTERS = [' ', '['];

export async function completionItems(documents: TextDocuments<TextDocument>, index: WorkspaceIndex, params: CompletionParams): Promise<CompletionItem[]> {
  const document = documents.get(params.textDocument.uri);
  // a cluster object's document is read-only
  if (!document || isClusterUri(document.uri)) return [];
  const text = document.getText();
  // cheap gate before waiting for the index: only NetworkPolicy files complete
  if (!text.includes('NetworkPolicy')) return [];
  const { inventory, config } = await index.authoringState(document.uri);
  const current = documents.get(document.uri) ?? document;
  // a space typed to indent is no request for keys: answer the trigger only after `key: ` or `- `
  if (params.context?.triggerKind === CompletionTriggerKind.TriggerCharacter && params.context.triggerCharacter === ' ') {
    const line = current.getText({ start: { line: params.position.line, character: 0 }, end: params.position });
    if (!/(:|-) $/.test(line)) return [];
  }
  const entries = completions({ file: current.uri, text: current.getText(), inventory, config }, current.offsetAt(params.position), schema);
  return entries.map((entry) => ({
    label: entry.label,
    kind: KINDS[entry.kind],
    ...(entry.detail ? { detail: entry.detail } : {}),
    ...(entry.documentation ? { documentation: { kind: MarkupKind.Markdown, value: entry.documentation } } : {}),
    ...(entry.sortText ? { sortText: entry.sortText } : {}),
    insertTextFormat: InsertTextFormat.PlainText,
    textEdit: { range: { start: current.positionAt(entry.range.start), end: current.positionAt(entry.range.end) }, newText: entry.insertText },
  }));
}

export function registerCompletion(connection: Connection, documents: TextDocuments<TextDocument>, settings: SettingsCache, index: WorkspaceIndex): void {
  connection.onCompletion(async (params) => {
    const options = await settings.get(params.textDocument.uri);
    if (!options.enable) return [];
    try {
      return await completionItems(documents, index, params);
    } catch (error) {
      connection.console.error(`Completion failed for ${params.textDocument.uri}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return [];
    }
  });
}
