import {
  DiagnosticSeverity,
  DocumentDiagnosticReportKind,
  type Connection,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type TextDocuments,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import type { Finding, Severity } from '../core';
import type { SettingsCache } from './settingsCache';
import type { WorkspaceIndex } from './workspaceIndex';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export const DIAGNOSTIC_SOURCE = 'netpol-guardrails';

/** Converts offsets to positions of the document the finding (or its related place) is in. */
export type PositionSource = (uri: string) => TextDocument | undefined;

export function toDiagnostic(document: TextDocument, finding: Finding, documentOf: PositionSource = () => undefined): Diagnostic {
  const diagnostic: Diagnostic = {
    range: { start: document.positionAt(finding.range.start), end: document.positionAt(finding.range.end) },
    severity: SEVERITY[finding.severity],
    source: DIAGNOSTIC_SOURCE,
    code: finding.ruleId,
    message: finding.message,
  };
  if (finding.fieldPath !== undefined || finding.apiMessage !== undefined) {
    diagnostic.data = { fieldPath: finding.fieldPath, apiMessage: finding.apiMessage };
  }
  const related = finding.related.flatMap((r) => {
    const target = r.file === undefined ? document : documentOf(r.file);
    if (!target) return [];
    return [{ message: r.message, location: { uri: target.uri, range: { start: target.positionAt(r.range.start), end: target.positionAt(r.range.end) } } }];
  });
  if (related.length > 0) diagnostic.relatedInformation = related;
  return diagnostic;
}

/**
 * Pull diagnostics for open documents, from the workspace index: the document's own findings and
 * the guardrails the whole workspace places in it.
 */
export function registerDiagnostics(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  settings: SettingsCache,
  index: WorkspaceIndex,
  documentOf: PositionSource,
): void {
  connection.languages.diagnostics.on(async (params, token): Promise<DocumentDiagnosticReport> => {
    const empty: DocumentDiagnosticReport = { kind: DocumentDiagnosticReportKind.Full, items: [] };
    const document = documents.get(params.textDocument.uri);
    if (!document) return empty;
    const options = await settings.get(document.uri);
    if (!options.enable || token.isCancellationRequested) return empty;
    try {
      const findings = await index.findingsFor(document.uri);
      // the document may have changed meanwhile: positions must come from the text analysed
      const current = documents.get(document.uri) ?? document;
      return { kind: DocumentDiagnosticReportKind.Full, items: findings.map((f) => toDiagnostic(current, f, documentOf)) };
    } catch (error) {
      // never let one document take the server down: report and move on
      connection.console.error(`Analysis failed for ${URI.parse(document.uri).fsPath}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return empty;
    }
  });
}
