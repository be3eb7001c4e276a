/** Plain-data results of the engine: offsets into the analysed text, no editor types. */

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export const SEVERITY_ORDER: Record<Severity, number> = { error: 3, warning: 2, info: 1, hint: 0 };

export interface OffsetRange {
  readonly start: number;
  readonly end: number;
}

export interface RelatedInformation {
  readonly message: string;
  readonly range: OffsetRange;
  /** the file of the related place, when it is not the finding's own */
  readonly file?: string;
}

export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  /** one line a user understands, with the valid form where there is one */
  readonly message: string;
  readonly range: OffsetRange;
  /** the API field path, e.g. spec.ingress[0].ports[0].endPort, where one applies */
  readonly fieldPath?: string;
  /** the wording kube-apiserver uses for the same error */
  readonly apiMessage?: string;
  readonly related: readonly RelatedInformation[];
}

export interface CancellationToken {
  readonly isCancellationRequested: boolean;
}

export const NEVER_CANCELLED: CancellationToken = { isCancellationRequested: false };

export function shiftFinding(finding: Finding, delta: number): Finding {
  if (delta === 0) return finding;
  return {
    ...finding,
    range: { start: finding.range.start + delta, end: finding.range.end + delta },
    related: finding.related.map((r) => ({ ...r, range: { start: r.range.start + delta, end: r.range.end + delta } })),
  };
}
