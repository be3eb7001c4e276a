import type { CancellationToken, Connection } from 'vscode-languageserver';
import type { Finding } from '../core';
import { CheckWorkspaceRequest, type CheckWorkspaceFile, type CheckWorkspaceParams, type CheckWorkspaceResult } from '../protocol';
import { toDiagnostic, type PositionSource } from './diagnostics';
import { isClusterUri } from '../cluster/clusterInventory';
import type { WorkspaceIndex } from './workspaceIndex';

/**
 * The workspace guardrail check (command netpolGuardrails.checkWorkspace): every file read again,
 * every rule run, progress as "files done / total" through the request's work-done token, and
 * cancellation through the request's own token. The answer carries the diagnostics of every file
 * with findings, so the client can fill the Problems panel for files that are not open.
 */
export function registerCheckWorkspace(connection: Connection, index: WorkspaceIndex, documentOf: PositionSource): void {
  connection.onRequest(CheckWorkspaceRequest.method, async (params: CheckWorkspaceParams, token: CancellationToken): Promise<CheckWorkspaceResult> => {
    // custom requests get no reporter from the library: attach one to the client's token
    const workDone = connection.window.attachWorkDoneProgress(params.workDoneToken);
    workDone.begin('Checking the workspace', 0, 'listing files', true);
    let lastPercent = -1;
    const findings = await index.checkAll(
      (done, total) => {
        const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
        if (percent === lastPercent && done !== total) return;
        lastPercent = percent;
        workDone.report(percent, `${done} / ${total} files`);
      },
      () => token.isCancellationRequested,
    );
    workDone.done();
    if (!findings) return { completed: false, files: 0, counts: { error: 0, warning: 0, info: 0, hint: 0 }, byRule: {}, problems: [] };
    return summarise(findings, documentOf);
  });
}

export function summarise(findings: ReadonlyMap<string, readonly Finding[]>, documentOf: PositionSource): CheckWorkspaceResult {
  const counts = { error: 0, warning: 0, info: 0, hint: 0 };
  const byRule: Record<string, number> = {};
  const problems: CheckWorkspaceFile[] = [];
  for (const [uri, list] of findings) {
    for (const f of list) {
      counts[f.severity]++;
      byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
    }
    const document = documentOf(uri);
    if (list.length > 0 && document) problems.push({ uri, diagnostics: list.map((f) => toDiagnostic(document, f, documentOf)) });
  }
  problems.sort((a, b) => a.uri.localeCompare(b.uri));
  // cluster objects with findings (netpol-cluster: documents) are problems, not files checked
  const files = [...findings.keys()].filter((uri) => !isClusterUri(uri)).length;
  return { completed: true, files, counts, byRule, problems };
}
