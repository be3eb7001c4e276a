import { createHash } from 'node:crypto';

/**
 * A finding's identity across runs, for `--baseline`: its rule, file, message and the text of the
 * line it starts on (trimmed), hashed. It survives lines added or removed elsewhere in the file and
 * re-indentation; it changes when the finding's own line or message changes, which is a new finding.
 * (The same idea as GitHub code scanning's partialFingerprints, which hash the line's text.)
 */
export function findingFingerprint(ruleId: string, file: string, message: string, lineText: string): string {
  return createHash('sha256').update(`${ruleId}\u0000${file.split('\\').join('/')}\u0000${message}\u0000${lineText.trim()}`).digest('hex').slice(0, 16);
}

/** The text of the line holding `offset`, which is `character` code units into it. */
export function lineTextAt(text: string, offset: number, character: number): string {
  const start = Math.max(0, Math.min(offset, text.length) - character);
  const lineEnd = /\r|\n/g;
  lineEnd.lastIndex = start;
  const match = lineEnd.exec(text);
  return text.slice(start, match ? match.index : text.length);
}
