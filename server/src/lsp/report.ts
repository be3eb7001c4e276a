import { relative } from 'node:path';
import type { CancellationToken, Connection } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import { GUARDRAIL_RULES, LineIndex, RULES } from '../core';
import type { SourceRef } from '../core/inventory/model';
import { buildReport, connectivityData, cytoscapeSource, renderHtml, type ReportInputFinding, type SourceLink } from '../report';
import { ReportRequest, type ReportParams } from '../protocol';
import { VERSION } from '../version';
import type { WorkspaceIndex } from './workspaceIndex';

/**
 * The report of the workspace check as a webview page (netpolGuardrails/report): the same report
 * as `check --report report.html`, built from the server's index of the folder. Files are shown
 * relative to the folder and linked by URI; the page posts a message when a link is activated and
 * the client opens the file at the line (client/src/report.ts).
 */
export function registerReport(connection: Connection, index: WorkspaceIndex): void {
  connection.onRequest(ReportRequest.method, async (params: ReportParams, token: CancellationToken): Promise<{ html: string }> => {
    const folder = await index.folderSnapshot(params.folderUri);
    const { analysis, findings } = folder;
    const display = (uri: string): string => {
      const path = URI.parse(uri).fsPath;
      return folder.path ? relative(folder.path, path).split('\\').join('/') : path;
    };
    const lineIndexes = new Map<string, LineIndex>();
    const lineIndex = (uri: string): LineIndex => {
      let found = lineIndexes.get(uri);
      if (!found) lineIndexes.set(uri, (found = new LineIndex(analysis.textOf(uri) ?? '')));
      return found;
    };
    const link = (source: SourceRef): SourceLink => ({ file: display(source.file), line: lineIndex(source.file).position(source.range.start).line + 1, href: source.file });
    const results: ReportInputFinding[] = [];
    const uriOf = new Map<string, string>();
    for (const [uri, list] of findings) {
      uriOf.set(display(uri), uri);
      for (const finding of list) results.push({ file: display(uri), finding, start: lineIndex(uri).position(finding.range.start) });
    }
    const inventory = analysis.inventory();
    const data = buildReport({
      tool: { name: 'netpol-guardrails', version: VERSION },
      files: findings.size,
      results,
      coverage: analysis.coverage(),
      connectivity: connectivityData(inventory, link, token),
      ruleDescriptions: new Map([...Object.values(RULES), ...GUARDRAIL_RULES].map((r) => [r.id, r.description])),
      namespaceAt: (file, offset) => {
        const uri = uriOf.get(file);
        if (uri === undefined) return undefined;
        const config = analysis.configuration();
        for (const o of analysis.objectsOf(uri)) {
          const end = o.baseOffset + o.chunkText.length;
          if (offset >= o.baseOffset && offset <= end) return o.kind === 'Namespace' ? o.name : (o.namespace ?? config.defaultNamespace);
        }
        return undefined;
      },
      href: (file) => uriOf.get(file),
    });
    return { html: renderHtml(data, { cytoscapeSource: cytoscapeSource(), ...(params.cspSource !== undefined ? { cspSource: params.cspSource } : {}) }) };
  });
}
