/**
 * A line diff in the unified format (`diff -u`, three lines of context), for previews of files
 * about to be written. Longest common subsequence by dynamic programming; texts too large for it
 * (more than MAX_CELLS line pairs) are shown as one hunk replacing everything.
 */

const MAX_CELLS = 4_000_000;
const CONTEXT = 3;

type Op = { readonly kind: ' ' | '-' | '+'; readonly line: string };

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function operations(a: readonly string[], b: readonly string[]): Op[] {
  // common head and tail first: most previews change a few lines
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const middle: Op[] = [];
  if ((x.length + 1) * (y.length + 1) > MAX_CELLS) {
    for (const line of x) middle.push({ kind: '-', line });
    for (const line of y) middle.push({ kind: '+', line });
  } else {
    const width = y.length + 1;
    const lcs = new Uint32Array((x.length + 1) * width);
    for (let i = x.length - 1; i >= 0; i--) {
      for (let j = y.length - 1; j >= 0; j--) {
        lcs[i * width + j] = x[i] === y[j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < x.length || j < y.length) {
      if (i < x.length && j < y.length && x[i] === y[j]) {
        middle.push({ kind: ' ', line: x[i]! });
        i++;
        j++;
      } else if (i < x.length && (j === y.length || lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!)) {
        // removals before additions, as diff -u writes them
        middle.push({ kind: '-', line: x[i]! });
        i++;
      } else {
        middle.push({ kind: '+', line: y[j]! });
        j++;
      }
    }
  }
  return [...a.slice(0, head).map((line) => ({ kind: ' ' as const, line })), ...middle, ...a.slice(a.length - tail).map((line) => ({ kind: ' ' as const, line }))];
}

/** The unified diff from `before` to `after` (empty when equal); `before` undefined: a new file. */
export function unifiedDiff(beforeName: string, afterName: string, before: string | undefined, after: string): string {
  if (before === after) return '';
  const ops = operations(splitLines(before ?? ''), splitLines(after));
  const out = [`--- ${before === undefined ? '/dev/null' : beforeName}`, `+++ ${afterName}`];
  let index = 0;
  let oldLine = 1;
  let newLine = 1;
  while (index < ops.length) {
    // the next change, and the hunk around it (changes closer than twice the context merge)
    let first = index;
    while (first < ops.length && ops[first]!.kind === ' ') first++;
    if (first === ops.length) break;
    const start = Math.max(index, first - CONTEXT);
    for (let k = index; k < start; k++) {
      oldLine++;
      newLine++;
    }
    let end = first;
    let lastChange = first;
    while (end < ops.length) {
      if (ops[end]!.kind !== ' ') lastChange = end;
      else if (end - lastChange > 2 * CONTEXT) break;
      end++;
    }
    end = Math.min(ops.length, lastChange + CONTEXT + 1);
    const hunk = ops.slice(start, end);
    const oldCount = hunk.filter((o) => o.kind !== '+').length;
    const newCount = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${oldCount === 0 ? oldLine - 1 : oldLine},${oldCount} +${newCount === 0 ? newLine - 1 : newLine},${newCount} @@`);
    for (const o of hunk) out.push(`${o.kind}${o.line}`);
    oldLine += oldCount;
    newLine += newCount;
    index = end;
  }
  return `${out.join('\n')}\n`;
}
