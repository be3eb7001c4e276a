import { CodeActionKind, type CodeAction, type CodeActionParams, type Connection, type Diagnostic, type TextDocuments, type WorkspaceEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { fixAllEdits, namespaceActions, overlayInventory, quickFixes, templateActions, templateTarget, templatesFor, type AuthoringAction, type AuthoringContext, type TemplateId, type TextEdit } from '../core/authoring';
import type { Finding, Severity } from '../core';
import { INSERT_TEMPLATE_COMMAND, type InsertTemplateArgs } from '../protocol';
import { DEFAULT_SETTINGS, type TemplateTarget } from '../settings';
import { PolicyEditTarget, textEditsOf, type ClientFeatures } from './authoringEdits';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import type { SettingsCache } from './settingsCache';
import { isClusterUri } from '../cluster/clusterInventory';
import type { WorkspaceIndex } from './workspaceIndex';

/** `source.fixAll.netpolGuardrails`: every mechanical fix of the file at once. */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.netpolGuardrails`;

/**
 * Rules whose fix writes down what the API server already does or would demand (TCP, the default
 * namespace, the inferred policyTypes, an API value it rejects as written), safe to apply in bulk,
 * on save included. Fixes that change what traffic is allowed are offered one by one.
 */
const MECHANICAL_RULES = ['protocol-omitted', 'namespace-missing', 'policy-types-missing', 'api-invalid', 'api-not-supported'];

const SEVERITY_BY_NUMBER: Record<number, Severity> = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };

/** The finding a diagnostic of ours was made from (offsets in the document's current text). */
export function findingOf(document: TextDocument, diagnostic: Diagnostic): Finding | undefined {
  if (diagnostic.source !== DIAGNOSTIC_SOURCE || typeof diagnostic.code !== 'string') return undefined;
  const data = (diagnostic.data ?? {}) as { fieldPath?: unknown; apiMessage?: unknown };
  return {
    ruleId: diagnostic.code,
    severity: SEVERITY_BY_NUMBER[diagnostic.severity ?? 2] ?? 'warning',
    message: typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value,
    range: { start: document.offsetAt(diagnostic.range.start), end: document.offsetAt(diagnostic.range.end) },
    ...(typeof data.fieldPath === 'string' ? { fieldPath: data.fieldPath } : {}),
    ...(typeof data.apiMessage === 'string' ? { apiMessage: data.apiMessage } : {}),
    related: [],
  };
}

function workspaceEdit(document: TextDocument, edits: readonly TextEdit[]): WorkspaceEdit {
  return textEditsOf(document, edits);
}

/** The titles of the code actions that ask for their input (… marks that a picker follows). */
export function inputTemplateTitle(template: TemplateId, target: { type: 'policy' | 'workload'; label: string }): string {
  const to = target.label;
  switch (template) {
    case 'allowFromNamespace':
      return `Allow ingress to ${to} from a namespace…`;
    case 'allowFromPods':
      return `Allow ingress to ${to} from pods with labels…`;
    case 'allowEgressToWorkload':
      return `Allow egress from ${to} to a workload…`;
    case 'allowEgressToCidr':
      return `Allow egress from ${to} to a CIDR…`;
  }
}

export interface CodeActionOptions {
  readonly features: ClientFeatures;
  readonly templateTarget: TemplateTarget;
  readonly log: (message: string) => void;
}

const NO_FEATURES: CodeActionOptions = { features: { createFiles: false, insertTemplateCommand: false }, templateTarget: DEFAULT_SETTINGS.authoring.templateTarget, log: () => undefined };

function lspKind(action: AuthoringAction): string {
  if (action.kind === 'quickfix') return CodeActionKind.QuickFix;
  return `${action.kind === 'source' ? CodeActionKind.Source : CodeActionKind.Refactor}.netpolGuardrails.${action.id}`;
}

function wanted(kind: string, only: readonly string[] | undefined): boolean {
  return only === undefined || only.length === 0 || only.some((o) => kind === o || kind.startsWith(`${o}.`));
}

/**
 * The code actions of a range: quick fixes of the diagnostics the client sends (recomputed from
 * their rule id, range and data), "fix all of this kind" where the fix is mechanical, the
 * templates for the document under the cursor, and source.fixAll.
 */
export async function codeActions(
  documents: TextDocuments<TextDocument>,
  index: WorkspaceIndex,
  params: CodeActionParams,
  token: { isCancellationRequested: boolean },
  options: CodeActionOptions = NO_FEATURES,
): Promise<CodeAction[]> {
  const document = documents.get(params.textDocument.uri);
  // a cluster object's document is read-only: nothing to edit there
  if (!document || isClusterUri(document.uri)) return [];
  const state = await index.authoringState(document.uri);
  if (token.isCancellationRequested) return [];
  const current = documents.get(document.uri) ?? document;
  const text = current.getText();
  // this file as the editor has it now, the rest of the workspace as last analysed
  const inventory = state.current ? state.inventory : overlayInventory(state.inventory, current.uri, text);
  const ctx: AuthoringContext = { file: current.uri, text, inventory, config: state.config };
  const fileFindings = state.findings;
  const only = params.context.only;
  const target = new PolicyEditTarget(current, options.templateTarget, options.features, inventory, documents, options.log);
  const out: CodeAction[] = [];
  const fixAllOffered = new Set<string>();
  for (const diagnostic of params.context.diagnostics) {
    const finding = findingOf(current, diagnostic);
    if (!finding) continue;
    for (const fix of quickFixes(ctx, finding)) {
      const kind = lspKind(fix);
      if (!wanted(kind, only)) continue;
      out.push({ title: fix.title, kind, diagnostics: [diagnostic], edit: await target.edit(fix), ...(fix.isPreferred ? { isPreferred: true } : {}) });
      if (!fix.fixAll || fixAllOffered.has(finding.ruleId)) continue;
      // only with findings current with the text (the next request offers it otherwise)
      const same = (fileFindings ?? []).filter((f) => f.ruleId === finding.ruleId);
      if (same.length < 2) continue;
      const edits = fixAllEdits(ctx, same, finding.ruleId);
      if (edits.length === 0) continue;
      fixAllOffered.add(finding.ruleId);
      out.push({ title: `Fix all ${finding.ruleId} problems in this file`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: workspaceEdit(current, edits) });
    }
  }
  if (token.isCancellationRequested) return out;
  const offset = current.offsetAt(params.range.start);
  for (const template of [...templateActions(ctx, offset), ...namespaceActions(ctx, offset)]) {
    const kind = lspKind(template);
    if (wanted(kind, only)) out.push({ title: template.title, kind, edit: await target.edit(template) });
  }
  // the templates that need the user's input, where the client can ask for it
  const inputTarget = options.features.insertTemplateCommand ? templateTarget(ctx, offset) : undefined;
  if (inputTarget) {
    for (const template of templatesFor(inputTarget)) {
      const kind = `${CodeActionKind.Refactor}.netpolGuardrails.${template}`;
      if (!wanted(kind, only)) continue;
      const title = inputTemplateTitle(template, inputTarget);
      const args: InsertTemplateArgs = { uri: current.uri, position: current.positionAt(offset), template };
      out.push({ title, kind, command: { title, command: INSERT_TEMPLATE_COMMAND, arguments: [args] } });
    }
  }
  if (wanted(FIX_ALL_KIND, only) && fileFindings) {
    const edits = fixAllMechanical(ctx, fileFindings);
    if (edits.length > 0) out.push({ title: 'Fix all auto-fixable NetworkPolicy problems', kind: FIX_ALL_KIND, edit: workspaceEdit(current, edits) });
  }
  return out;
}

/** The mechanical fixes of every rule, skipping any that would overlap an earlier one. */
export function fixAllMechanical(ctx: AuthoringContext, findings: readonly Finding[]): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const ruleId of MECHANICAL_RULES) {
    for (const edit of fixAllEdits(ctx, findings, ruleId)) {
      const overlaps = edits.some((x) => edit.range.start < x.range.end && x.range.start < edit.range.end) || edits.some((x) => x.range.start === x.range.end && x.range.start === edit.range.start);
      if (!overlaps) edits.push(edit);
    }
  }
  return edits;
}

export function registerCodeActions(connection: Connection, documents: TextDocuments<TextDocument>, settings: SettingsCache, index: WorkspaceIndex, features: () => ClientFeatures): void {
  connection.onCodeAction(async (params, token) => {
    const options = await settings.get(params.textDocument.uri);
    if (!options.enable) return [];
    try {
      return await codeActions(documents, index, params, token, { features: features(), templateTarget: options.authoring.templateTarget, log: (message) => connection.console.log(message) });
    } catch (error) {
      connection.console.error(`Code actions failed for ${params.textDocument.uri}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return [];
    }
  });
}

export const CODE_ACTION_KINDS = [CodeActionKind.QuickFix, CodeActionKind.Source, CodeActionKind.Refactor, FIX_ALL_KIND];
