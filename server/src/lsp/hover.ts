import { MarkupKind, type Connection, type Hover, type HoverParams, type TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { hoverAt, overlayInventory } from '../core/authoring';
import type { LiveCluster } from '../core/live';
import type { SettingsCache } from './settingsCache';
import { isClusterUri } from '../cluster/clusterInventory';
import type { WorkspaceIndex } from './workspaceIndex';

/**
 * Hovers over NetworkPolicies (core/authoring/hover.ts): the policy in plain language, a rule's
 * peers and ports, a selector's workloads and, with a connected cluster, its live pods and near
 * misses (from the cache as it is: `live`). Like completion, it does not wait for the workspace
 * to re-analyse the latest keystroke: this file's text is laid over the last inventory.
 */
export async function hover(documents: TextDocuments<TextDocument>, index: WorkspaceIndex, params: HoverParams, token: { isCancellationRequested: boolean }, live?: LiveCluster): Promise<Hover | null> {
  const document = documents.get(params.textDocument.uri);
  // cheap gate before waiting for the index: only NetworkPolicy files have hovers
  if (!document?.getText().includes('NetworkPolicy') || isClusterUri(document.uri)) return null;
  const state = await index.authoringState(document.uri);
  if (token.isCancellationRequested) return null;
  const current = documents.get(document.uri) ?? document;
  const text = current.getText();
  // the workspace's part of the hover reads the workspace; the cluster's part reads `live`
  const inventory = state.current ? state.workspaceInventory : overlayInventory(state.workspaceInventory, current.uri, text);
  const result = hoverAt({ file: current.uri, text, inventory, config: state.config }, current.offsetAt(params.position), live);
  if (!result) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: result.markdown },
    ...(result.range ? { range: { start: current.positionAt(result.range.start), end: current.positionAt(result.range.end) } } : {}),
  };
}

/** `live`: the connected cluster's cache for hovers, undefined when disconnected. */
export function registerHover(connection: Connection, documents: TextDocuments<TextDocument>, settings: SettingsCache, index: WorkspaceIndex, live: () => LiveCluster | undefined): void {
  connection.onHover(async (params, token) => {
    const options = await settings.get(params.textDocument.uri);
    if (!options.enable) return null;
    try {
      // `workspace` leaves the cluster out of the analysis, hovers included
      return await hover(documents, index, params, token, options.inventorySource === 'workspace' ? undefined : live());
    } catch (error) {
      connection.console.error(`Hover failed for ${params.textDocument.uri}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return null;
    }
  });
}
