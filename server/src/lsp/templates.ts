import type { Connection, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { inputTemplateAction, labelChoices, namespaceChoices, overlayInventory, templateTarget, templatesFor, workloadChoices, type AuthoringContext } from '../core/authoring';
import { TemplateChoicesRequest, TemplateEditRequest, type TemplateChoicesParams, type TemplateChoicesResult, type TemplateEditParams, type TemplateEditResult } from '../protocol';
import { PolicyEditTarget, type ClientFeatures } from './authoringEdits';
import { inputTemplateTitle } from './codeActions';
import type { SettingsCache } from './settingsCache';
import type { WorkspaceIndex } from './workspaceIndex';

/**
 * The requests behind netpolGuardrails.insertTemplate: the choices for its pickers, then the
 * exact edit for the input. Both read the document as the editor has it now.
 */
async function contextOf(documents: TextDocuments<TextDocument>, index: WorkspaceIndex, uri: string): Promise<{ ctx: AuthoringContext; document: TextDocument } | undefined> {
  if (!documents.get(uri)) return undefined;
  const state = await index.authoringState(uri);
  const document = documents.get(uri);
  if (!document) return undefined;
  const text = document.getText();
  const inventory = state.current ? state.inventory : overlayInventory(state.inventory, uri, text);
  return { ctx: { file: uri, text, inventory, config: state.config }, document };
}

export async function templateChoices(documents: TextDocuments<TextDocument>, index: WorkspaceIndex, params: TemplateChoicesParams): Promise<TemplateChoicesResult> {
  const empty = { namespaces: [], labels: [], workloads: [] };
  const found = await contextOf(documents, index, params.uri);
  if (!found) return { ...empty, problem: 'the document is not open' };
  const { ctx, document } = found;
  const target = templateTarget(ctx, document.offsetAt(params.position));
  if (!target) return { ...empty, problem: 'no NetworkPolicy or workload with pod labels at the cursor' };
  if (!templatesFor(target).includes(params.template)) return { ...empty, target: target.label, targetNamespace: target.namespace, problem: `${inputTemplateTitle(params.template, target)} does not apply to ${target.label}` };
  const wantsNamespaces = params.template === 'allowFromNamespace' || params.template === 'allowFromPods';
  return {
    target: target.label,
    targetNamespace: target.namespace,
    namespaces: wantsNamespaces ? namespaceChoices(ctx, target) : [],
    labels: params.template === 'allowFromPods' ? labelChoices(ctx.inventory, params.namespace ?? target.namespace) : [],
    workloads: params.template === 'allowEgressToWorkload' ? workloadChoices(ctx.inventory, target) : [],
  };
}

export async function templateEdit(
  documents: TextDocuments<TextDocument>,
  index: WorkspaceIndex,
  params: TemplateEditParams,
  options: { features: ClientFeatures; templateTarget: 'sameFile' | 'newFile'; log: (message: string) => void },
): Promise<TemplateEditResult> {
  const found = await contextOf(documents, index, params.uri);
  if (!found) return { problem: 'the document is not open' };
  const { ctx, document } = found;
  const result = inputTemplateAction(ctx, document.offsetAt(params.position), params.input);
  if ('problem' in result) return { problem: result.problem };
  const target = new PolicyEditTarget(document, options.templateTarget, options.features, ctx.inventory, documents, options.log);
  return { title: result.action.title, edit: await target.edit(result.action) };
}

export function registerTemplates(connection: Connection, documents: TextDocuments<TextDocument>, settings: SettingsCache, index: WorkspaceIndex, features: () => ClientFeatures): void {
  const failed = (what: string, uri: string, error: unknown): string => {
    connection.console.error(`${what} failed for ${uri}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return `${what} failed: ${error instanceof Error ? error.message : String(error)}`;
  };
  connection.onRequest(TemplateChoicesRequest.method, async (params: TemplateChoicesParams): Promise<TemplateChoicesResult> => {
    try {
      return await templateChoices(documents, index, params);
    } catch (error) {
      return { namespaces: [], labels: [], workloads: [], problem: failed('Template choices', params.uri, error) };
    }
  });
  connection.onRequest(TemplateEditRequest.method, async (params: TemplateEditParams): Promise<TemplateEditResult> => {
    try {
      const options = await settings.get(params.uri);
      return await templateEdit(documents, index, params, { features: features(), templateTarget: options.authoring.templateTarget, log: (message) => connection.console.log(message) });
    } catch (error) {
      return { problem: failed('The template', params.uri, error) };
    }
  });
}
