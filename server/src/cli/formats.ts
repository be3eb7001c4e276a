import { GUARDRAIL_RULES, LineIndex, RULES, type CoverageReport, type Finding, type RuleInfo, type Severity } from '../core';
import { VERSION } from '../version';
import type { BaselineStatus } from '../report/baseline';
import { findingFingerprint, lineTextAt } from '../report/fingerprint';

/** A finding with its file and 0-based positions, the unit every output format prints. */
export interface LocatedFinding {
  readonly file: string;
  readonly finding: Finding;
  readonly start: { line: number; character: number };
  readonly end: { line: number; character: number };
  /** stable across runs while the finding's rule, file, message and line text stay (report/fingerprint.ts) */
  readonly fingerprint: string;
}

/** Fields the JSON output adds when a baseline was given (README "JSON output"). */
export interface JsonBaseline {
  readonly file: string;
  /** side by side with the results */
  readonly status: readonly BaselineStatus[];
  /** findings of the baseline that are gone, as the baseline printed them */
  readonly fixed: readonly unknown[];
}

export function locate(file: string, text: string, findings: readonly Finding[]): LocatedFinding[] {
  const index = new LineIndex(text);
  return findings.map((finding) => {
    const start = index.position(finding.range.start);
    const fingerprint = findingFingerprint(finding.ruleId, file, finding.message, lineTextAt(text, finding.range.start, start.character));
    return { file, finding, start, end: index.position(finding.range.end), fingerprint };
  });
}

export function formatText(results: readonly LocatedFinding[]): string {
  return results
    .map((r) => `${r.file}:${r.start.line + 1}:${r.start.character + 1}: ${r.finding.severity} ${r.finding.ruleId} ${r.finding.message}`)
    .join('\n');
}

export function summaryLine(results: readonly LocatedFinding[], files: number): string {
  const count = (s: Severity): number => results.filter((r) => r.finding.severity === s).length;
  const parts = [`${count('error')} error(s)`, `${count('warning')} warning(s)`, `${count('info')} info`];
  return `${parts.join(', ')} in ${files} file(s)`;
}

/** The JSON contract (README "JSON output"): version 1. */
export function formatJson(results: readonly LocatedFinding[], coverage?: CoverageReport, baseline?: JsonBaseline, observedFlows?: unknown): string {
  return JSON.stringify(
    {
      version: 1,
      ...(coverage ? { coverage } : {}),
      ...(observedFlows !== undefined ? { observedFlows } : {}),
      ...(baseline ? { baseline: { file: baseline.file, new: baseline.status.filter((s) => s === 'new').length, fixed: baseline.fixed.length } } : {}),
      findings: results.map((r, i) => ({
        ruleId: r.finding.ruleId,
        severity: r.finding.severity,
        message: r.finding.message,
        file: r.file,
        range: { start: r.start, end: r.end },
        ...(r.finding.fieldPath !== undefined ? { fieldPath: r.finding.fieldPath } : {}),
        ...(r.finding.apiMessage !== undefined ? { apiMessage: r.finding.apiMessage } : {}),
        related: r.finding.related.map((rel) => ({ message: rel.message })),
        fingerprint: r.fingerprint,
        ...(baseline ? { baseline: baseline.status[i] ?? 'new' } : {}),
      })),
      ...(baseline ? { fixed: baseline.fixed } : {}),
    },
    null,
    2,
  );
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** SARIF 2.1.0, validated in the tests against the official schema. */
export function formatSarif(results: readonly LocatedFinding[], baseline?: readonly BaselineStatus[]): string {
  const rules: RuleInfo[] = [...Object.values(RULES), ...GUARDRAIL_RULES.map((r) => ({ id: r.id, severity: r.severity, description: r.description }))];
  const ruleIndex = new Map(rules.map((rule, i) => [rule.id, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'netpol-guardrails',
            version: VERSION,
            informationUri: 'https://github.com/netpol-guardrails/netpol-guardrails',
            rules: rules.map((rule) => ({
              id: rule.id,
              shortDescription: { text: rule.description },
              defaultConfiguration: { level: SARIF_LEVEL[rule.severity] },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: results.map((r, i) => ({
          ruleId: r.finding.ruleId,
          ...(ruleIndex.has(r.finding.ruleId) ? { ruleIndex: ruleIndex.get(r.finding.ruleId) } : {}),
          level: SARIF_LEVEL[r.finding.severity],
          message: { text: r.finding.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: r.file.split('\\').join('/') },
                region: {
                  startLine: r.start.line + 1,
                  startColumn: r.start.character + 1,
                  endLine: r.end.line + 1,
                  endColumn: r.end.character + 1,
                },
              },
            },
          ],
          partialFingerprints: { 'netpolGuardrails/v1': r.fingerprint },
          ...(baseline ? { baselineState: baseline[i] ?? 'new' } : {}),
          ...(r.finding.fieldPath !== undefined ? { properties: { fieldPath: r.finding.fieldPath } } : {}),
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}
