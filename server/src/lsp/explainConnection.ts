import type { Connection } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { ReachabilityIndex, explainConnection, formatExplanation, formatPortSet, type Inventory } from '../core';
import type { SourceRef } from '../core/inventory/model';
import { ExplainConnectionRequest, type ExplainConnectionParams, type ExplainConnectionResult, type ExplainEndpoint, type ExplainReference } from '../protocol';
import type { WorkspaceIndex } from './workspaceIndex';

/**
 * netpolGuardrails/explainConnection (the command netpolGuardrails.explainConnection): a folder's
 * endpoints for the pickers, and for one pair the engine's explanation as text whose sources are
 * named `path:line`, with the place each label stands for so the client can link them.
 */

const indexes = new WeakMap<Inventory, ReachabilityIndex>();

/** The engine's index of an inventory, built once per inventory object (it changes on edits). */
function indexOf(inventory: Inventory): ReachabilityIndex {
  let index = indexes.get(inventory);
  if (!index) indexes.set(inventory, (index = new ReachabilityIndex(inventory)));
  return index;
}

/**
 * Names places as `path:line` for a view's text and collects the place each label stands for, so
 * the client can link them (the explanation and the impact views).
 */
export function placeLabels(folderUri: string, textDocument: (uri: string) => TextDocument | undefined): { label(source: SourceRef, document?: TextDocument): string; readonly references: () => ExplainReference[] } {
  const references = new Map<string, ExplainReference>();
  return {
    label(source, document = textDocument(source.file)) {
      const position = document?.positionAt(source.range.start) ?? { line: 0, character: 0 };
      const label = `${relativeLabel(folderUri, source.file)}:${position.line + 1}`;
      if (!references.has(label)) references.set(label, { label, uri: source.file, line: position.line, character: position.character });
      return label;
    },
    references: () => [...references.values()],
  };
}

export function relativeLabel(folderUri: string, uri: string): string {
  const prefix = folderUri === '' ? '' : `${folderUri}/`;
  const path = prefix !== '' && uri.startsWith(prefix) ? uri.slice(prefix.length) : uri;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

export async function explain(index: WorkspaceIndex, params: ExplainConnectionParams, textDocument: (uri: string) => TextDocument | undefined): Promise<ExplainConnectionResult> {
  const { folderUri, inventory } = await index.folderInventory(params.folderUri, params.documentUri);
  const reach = indexOf(inventory);
  const endpoints: ExplainEndpoint[] = [];
  for (const e of reach.endpoints) if (e.type === 'workload') endpoints.push({ id: e.id, namespace: e.namespace, name: e.name, kind: e.kind });
  if (params.from === undefined || params.to === undefined) return { endpoints };
  const from = reach.find(params.from.trim());
  const to = reach.find(params.to.trim());
  const unknown = from === undefined ? params.from : to === undefined ? params.to : undefined;
  if (from === undefined || to === undefined) return { endpoints, error: `"${unknown ?? ''}" is neither a workload of this folder (namespace/name) nor an IP address.` };
  const explanation = explainConnection(reach, from, to, params.port);
  const places = placeLabels(folderUri, textDocument);
  const body = formatExplanation(explanation, (source) => places.label(source));
  const port = params.port ? ` on ${params.port.protocol} ${params.port.port}` : '';
  const text = [`# Connection ${explanation.from.id} -> ${explanation.to.id}${port}`, '', body, ''].join('\n');
  return {
    endpoints,
    explanation: { verdict: explanation.verdict, allowed: formatPortSet(explanation.allowed), text, references: places.references() },
  };
}

export function registerExplainConnection(connection: Connection, index: WorkspaceIndex, textDocument: (uri: string) => TextDocument | undefined): void {
  connection.onRequest(ExplainConnectionRequest.method, async (params: ExplainConnectionParams) => {
    try {
      return await explain(index, params, textDocument);
    } catch (error) {
      connection.console.error(`Explain failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      throw error;
    }
  });
}
