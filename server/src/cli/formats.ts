import { GUARDRAIL_RULES, LineIndex, RULES, type CoverageReport, type Finding, type RuleInfo, type Severity } from '../core';
import { VERSION } from '../version';

/** A finding with its file and 0-based positions, the unit every output format prints. */
export interface LocatedFinding {
  readonly file: string;
  readonly finding: Finding;
  readonly start: { line: number; character: number };
  readonly end: { line: number; character: number };
}

export function locate(file: string, text: string, findings: readonly Finding[]): LocatedFinding[] {
  const index = new LineIndex(text);
  return findings.map((finding) => ({ file, finding, start: index.position(finding.range.start), end: index.position(finding.range.end) }));
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
export function formatJson(results: readonly LocatedFinding[], coverage?: CoverageReport): string {
  return JSON.stringify(
    {
      version: 1,
      ...(coverage ? { coverage } : {}),
      findings: results.map((r) => ({
        ruleId: r.finding.ruleId,
        severity: r.finding.severity,
        message: r.finding.message,
        file: r.file,
        range: { start: r.start, end: r.end },
        ...(r.finding.fieldPath !== undefined ? { fieldPath: r.finding.fieldPath } : {}),
        ...(r.finding.apiMessage !== undefined ? { apiMessage: r.finding.apiMessage } : {}),
        related: r.finding.related.map((rel) => ({ message: rel.message })),
      })),
    },
    null,
    2,
  );
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** SARIF 2.1.0, validated in the tests against the official schema. */
export function formatSarif(results: readonly LocatedFinding[]): string {
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
        results: results.map((r) => ({
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
          ...(r.finding.fieldPath !== undefined ? { properties: { fieldPath: r.finding.fieldPath } } : {}),
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}
