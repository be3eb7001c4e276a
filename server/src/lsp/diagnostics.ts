import {
  DiagnosticSeverity,
  DocumentDiagnosticReportKind,
  type Connection,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type TextDocuments,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { ManifestAnalyzer, type Finding, type Severity } from '../core';
import type { SettingsCache } from './settingsCache';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export const DIAGNOSTIC_SOURCE = 'netpol-guardrails';

export function toDiagnostic(document: TextDocument, finding: Finding): Diagnostic {
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
  if (finding.related.length > 0) {
    diagnostic.relatedInformation = finding.related.map((r) => ({
      message: r.message,
      location: { uri: document.uri, range: { start: document.positionAt(r.range.start), end: document.positionAt(r.range.end) } },
    }));
  }
  return diagnostic;
}

/**
 * Pull diagnostics for open documents. Each document keeps its own analyzer, so a request after
 * an edit re-parses only the YAML documents the edit touched.
 */
export function registerDiagnostics(connection: Connection, documents: TextDocuments<TextDocument>, settings: SettingsCache): void {
  const analyzers = new Map<string, ManifestAnalyzer>();

  documents.onDidClose((event) => {
    analyzers.delete(event.document.uri);
    settings.forget(event.document.uri);
  });

  connection.languages.diagnostics.on(async (params, token): Promise<DocumentDiagnosticReport> => {
    const empty: DocumentDiagnosticReport = { kind: DocumentDiagnosticReportKind.Full, items: [] };
    const document = documents.get(params.textDocument.uri);
    if (!document) return empty;
    const options = await settings.get(document.uri);
    if (!options.enable || token.isCancellationRequested) return empty;
    // the document may have changed while settings were fetched: analyse the current text
    const current = documents.get(document.uri) ?? document;
    let analyzer = analyzers.get(current.uri);
    if (!analyzer) {
      analyzer = new ManifestAnalyzer();
      analyzers.set(current.uri, analyzer);
    }
    try {
      const result = analyzer.analyze(current.getText(), { maxFileSizeBytes: options.maxFileSize }, token);
      return { kind: DocumentDiagnosticReportKind.Full, items: result.findings.map((f) => toDiagnostic(current, f)) };
    } catch (error) {
      // never let one document take the server down: report and move on
      connection.console.error(`Analysis failed for ${current.uri}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return empty;
    }
  });
}
