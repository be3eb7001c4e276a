import type { OffsetRange } from '../model/finding';

/** A replacement of a span of the file's text (offsets into the text the edit was computed for). */
export interface TextEdit {
  readonly range: OffsetRange;
  readonly newText: string;
}

/**
 * Applies non-overlapping edits. Inserts at the same offset land in the order given, as LSP's
 * WorkspaceEdit specifies.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = edits.map((edit, i) => ({ edit, i })).sort((a, b) => a.edit.range.start - b.edit.range.start || a.i - b.i);
  let out = '';
  let at = 0;
  for (const { edit } of sorted) {
    if (edit.range.start < at) throw new Error(`overlapping edits at ${edit.range.start}`);
    out += text.slice(at, edit.range.start) + edit.newText;
    at = edit.range.end;
  }
  return out + text.slice(at);
}

/** Whether two edit lists touch the same text (then they cannot be applied together). */
export function editsOverlap(a: readonly TextEdit[], b: readonly TextEdit[]): boolean {
  return a.some((x) =>
    b.some((y) => {
      if (x.range.start === x.range.end && y.range.start === y.range.end) return false;
      return x.range.start < y.range.end && y.range.start < x.range.end;
    }),
  );
}

export function insertAt(offset: number, newText: string): TextEdit {
  return { range: { start: offset, end: offset }, newText };
}
