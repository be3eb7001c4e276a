import type { Finding } from '../model/finding';
import { RULES } from '../model/ruleCatalog';

/**
 * Inline suppressions in YAML comments:
 *   # netpol-guardrails-disable-next-line <id>[, <id>...] -- reason
 *   # netpol-guardrails-disable-file <id>[, <id>...] -- reason
 * `all` stands for every rule. A comment naming an unknown rule is itself a finding.
 */
const DIRECTIVE = /#\s*netpol-guardrails-disable-(next-line|file)\b([^\n\r]*)/g;

interface Suppressions {
  readonly file: Set<string>;
  /** start offsets of lines -> ids suppressed on that line */
  readonly lines: Map<number, Set<string>>;
  readonly problems: Finding[];
}

function lineStartAfter(text: string, offset: number): number | undefined {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? undefined : nl + 1;
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

export function parseSuppressions(text: string, knownIds: ReadonlySet<string>): Suppressions {
  const result: Suppressions = { file: new Set(), lines: new Map(), problems: [] };
  if (!text.includes('netpol-guardrails-disable')) return result;
  for (const match of text.matchAll(DIRECTIVE)) {
    const [whole, kind, rest = ''] = match;
    const idsText = (rest.split('--')[0] ?? '').trim();
    const ids = idsText.split(/[\s,]+/).filter((id) => id.length > 0);
    const valid = ids.filter((id) => id === 'all' || knownIds.has(id));
    for (const id of ids) {
      if (id === 'all' || knownIds.has(id)) continue;
      const start = match.index + whole.indexOf(id);
      result.problems.push({
        ruleId: RULES.suppressionUnknownRule.id,
        severity: RULES.suppressionUnknownRule.severity,
        message: `"${id}" is not a netpol-guardrails rule, so this comment suppresses nothing.`,
        range: { start, end: start + id.length },
        related: [],
      });
    }
    if (kind === 'file') {
      for (const id of valid) result.file.add(id);
    } else {
      const next = lineStartAfter(text, match.index);
      if (next === undefined) continue;
      const set = result.lines.get(next) ?? new Set<string>();
      for (const id of valid) set.add(id);
      result.lines.set(next, set);
    }
  }
  return result;
}

/** The findings that no suppression comment in the text silences, plus problems with the comments. */
export function applySuppressions(text: string, findings: readonly Finding[], knownIds: ReadonlySet<string>): Finding[] {
  const s = parseSuppressions(text, knownIds);
  if (s.file.size === 0 && s.lines.size === 0) return [...findings, ...s.problems];
  const kept = findings.filter((f) => {
    if (s.file.has('all') || s.file.has(f.ruleId)) return false;
    const ids = s.lines.get(lineStartOf(text, f.range.start));
    return !(ids && (ids.has('all') || ids.has(f.ruleId)));
  });
  return [...kept, ...s.problems];
}
