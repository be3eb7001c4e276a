import type { CoverageReport, Finding } from '../core';
import type { BaselineComparison, BaselineFinding } from './baseline';
import { EXTERNAL_NAMESPACE } from './connectivityData';
import type { ConnectivityData, ReportData, ReportFinding } from './model';

/** A located finding (cli/formats.ts LocatedFinding has this shape). */
export interface ReportInputFinding {
  readonly file: string;
  readonly finding: Pick<Finding, 'ruleId' | 'severity' | 'message' | 'range'>;
  readonly start: { readonly line: number; readonly character: number };
}

export interface ReportInput {
  readonly tool: { readonly name: string; readonly version: string };
  readonly files: number;
  readonly results: readonly ReportInputFinding[];
  readonly coverage: CoverageReport;
  readonly connectivity: ConnectivityData | { readonly omitted: string };
  readonly ruleDescriptions: ReadonlyMap<string, string>;
  /** the namespace of the object at an offset of a file */
  readonly namespaceAt: (file: string, offset: number) => string | undefined;
  /** a link to a file relative to where the report is written */
  readonly href: (file: string) => string | undefined;
  readonly baseline?: { readonly file: string; readonly comparison: BaselineComparison };
}

export function buildReport(input: ReportInput): ReportData {
  const { results, baseline } = input;
  const findings = results.map((r, i): ReportFinding => {
    const href = input.href(r.file);
    const namespace = input.namespaceAt(r.file, r.finding.range.start);
    const status = baseline?.comparison.status[i];
    return {
      ruleId: r.finding.ruleId,
      severity: r.finding.severity,
      message: r.finding.message,
      file: r.file,
      line: r.start.line + 1,
      column: r.start.character + 1,
      ...(href !== undefined ? { href } : {}),
      ...(namespace !== undefined ? { namespace } : {}),
      ...(status !== undefined ? { status } : {}),
    };
  });
  const fixed = (baseline?.comparison.fixed ?? []).map((f: BaselineFinding): ReportFinding => {
    const href = input.href(f.file);
    return {
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      file: f.file,
      line: (f.range?.start.line ?? 0) + 1,
      column: (f.range?.start.character ?? 0) + 1,
      ...(href !== undefined ? { href } : {}),
    };
  });
  const rules: Record<string, { description: string }> = {};
  for (const f of [...findings, ...fixed]) rules[f.ruleId] ??= { description: input.ruleDescriptions.get(f.ruleId) ?? '' };
  const namespaces = new Set<string>(input.coverage.namespaces.map((n) => n.namespace));
  for (const f of findings) if (f.namespace !== undefined) namespaces.add(f.namespace);
  if ('endpoints' in input.connectivity) for (const e of input.connectivity.endpoints) if (e.namespace !== EXTERNAL_NAMESPACE) namespaces.add(e.namespace);
  const count = (severity: string): number => findings.filter((f) => f.severity === severity).length;
  const newCount = baseline ? baseline.comparison.status.filter((s) => s === 'new').length : 0;
  return {
    version: 1,
    tool: input.tool,
    summary: { files: input.files, error: count('error'), warning: count('warning'), info: count('info'), hint: count('hint') },
    ...(baseline ? { baseline: { file: baseline.file, new: newCount, unchanged: findings.length - newCount, fixed: fixed.length } } : {}),
    rules,
    namespaces: [...namespaces].sort(),
    coverage: input.coverage,
    findings,
    fixed,
    connectivity: input.connectivity,
  };
}
