/**
 * `check --baseline FILE`: compare this run's findings with an earlier `--format json` result, so
 * that CI can fail on new findings only. A finding is the same as a baseline one when rule id, file
 * and fingerprint (report/fingerprint.ts) agree; counts matter, so two identical findings against
 * one in the baseline leave one new. A baseline written before fingerprints existed is matched on
 * rule id, file and message, which survive line shifts as well.
 */

/** How a finding compares with the baseline. */
export type BaselineStatus = 'new' | 'unchanged';

/** A finding as the JSON output prints it (the fields the comparison and the reports read). */
export interface BaselineFinding {
  readonly ruleId: string;
  readonly severity: string;
  readonly message: string;
  readonly file: string;
  readonly range?: { readonly start: { readonly line: number; readonly character: number } };
  readonly fingerprint?: string;
}

export interface BaselineComparison {
  /** side by side with the current findings */
  readonly status: readonly BaselineStatus[];
  /** baseline findings no current finding matches, in baseline order */
  readonly fixed: readonly BaselineFinding[];
}

function isFinding(value: unknown): value is BaselineFinding {
  if (typeof value !== 'object' || value === null) return false;
  const f = value as Record<string, unknown>;
  return typeof f.ruleId === 'string' && typeof f.message === 'string' && typeof f.file === 'string' && typeof f.severity === 'string' && (f.fingerprint === undefined || typeof f.fingerprint === 'string');
}

/** The findings of a `--format json` result; throws an Error saying what is wrong otherwise. */
export function parseBaseline(text: string): BaselineFinding[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON (${error instanceof Error ? error.message : String(error)}): write it with check --format json`);
  }
  const root = json as { version?: unknown; findings?: unknown };
  if (typeof json !== 'object' || json === null || root.version !== 1 || !Array.isArray(root.findings)) {
    throw new Error('not a check --format json result (version 1 with a findings list)');
  }
  const findings = root.findings as unknown[];
  const bad = findings.findIndex((f) => !isFinding(f));
  if (bad >= 0) throw new Error(`findings[${bad}] lacks ruleId, severity, message or file`);
  return findings as BaselineFinding[];
}

function take(counts: Map<string, number[]>, key: string): boolean {
  const list = counts.get(key);
  if (!list || list.length === 0) return false;
  list.pop();
  return true;
}

/** Which current findings are new, and which baseline findings are fixed. */
export function compareWithBaseline(current: readonly { readonly ruleId: string; readonly file: string; readonly message: string; readonly fingerprint: string }[], baseline: readonly BaselineFinding[]): BaselineComparison {
  const norm = (file: string): string => file.split('\\').join('/');
  const byFingerprint = new Map<string, number[]>();
  const byMessage = new Map<string, number[]>();
  baseline.forEach((f, i) => {
    const map = f.fingerprint !== undefined ? byFingerprint : byMessage;
    const key = f.fingerprint !== undefined ? `${f.ruleId}\u0000${norm(f.file)}\u0000${f.fingerprint}` : `${f.ruleId}\u0000${norm(f.file)}\u0000${f.message}`;
    const list = map.get(key);
    if (list) list.unshift(i);
    else map.set(key, [i]);
  });
  const status = current.map((f): BaselineStatus => {
    if (take(byFingerprint, `${f.ruleId}\u0000${norm(f.file)}\u0000${f.fingerprint}`)) return 'unchanged';
    if (take(byMessage, `${f.ruleId}\u0000${norm(f.file)}\u0000${f.message}`)) return 'unchanged';
    return 'new';
  });
  const left = new Set<number>();
  for (const list of [...byFingerprint.values(), ...byMessage.values()]) for (const i of list) left.add(i);
  return { status, fixed: baseline.filter((_, i) => left.has(i)) };
}
