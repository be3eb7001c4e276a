import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../bench/generateManifests';
import { unifiedDiff } from '../../server/src/core/model/unifiedDiff';

/** Applies a unified diff the way patch does, checking every context and removed line. */
function apply(before: string, diff: string): string {
  const old = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let at = 0;
  const lines = diff.replace(/\n$/, '').split('\n').slice(2);
  for (let i = 0; i < lines.length; ) {
    const header = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$/.exec(lines[i]!);
    assert.ok(header, `hunk header: ${lines[i]}`);
    const [oldStart, oldCount, , newCount] = header.slice(1).map(Number) as [number, number, number, number];
    const start = oldCount === 0 ? oldStart : oldStart - 1;
    while (at < start) out.push(old[at++]!);
    let seenOld = 0;
    let seenNew = 0;
    for (i++; i < lines.length && !lines[i]!.startsWith('@@'); i++) {
      const line = lines[i]!;
      const text = line.slice(1);
      if (line[0] === ' ' || line[0] === '-') {
        assert.equal(old[at], text, `line ${at + 1}`);
        at++;
        seenOld++;
        if (line[0] === ' ') {
          out.push(text);
          seenNew++;
        }
      } else {
        assert.equal(line[0], '+');
        out.push(text);
        seenNew++;
      }
    }
    assert.deepEqual([seenOld, seenNew], [oldCount, newCount], 'hunk counts');
  }
  while (at < old.length) out.push(old[at++]!);
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

describe('unifiedDiff', () => {
  it('writes diff -u hunks with three lines of context, removals first', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join('\n') + '\n';
    const after = ['a', 'b', 'c', 'd', 'E', 'f', 'g', 'h', 'i', 'j', 'k'].join('\n') + '\n';
    // what GNU diff -u prints for the same texts: changes 5 lines apart share a hunk, 8 apart do not
    assert.equal(unifiedDiff('a/x', 'b/x', before, after), ['--- a/x', '+++ b/x', '@@ -2,9 +2,10 @@', ' b', ' c', ' d', '-e', '+E', ' f', ' g', ' h', ' i', ' j', '+k', ''].join('\n'));
    const far = 'a b c d e f g h i j k l m n'.split(' ');
    const farAfter = far.map((l) => (l === 'b' ? 'B' : l === 'n' ? 'N' : l));
    assert.equal(
      unifiedDiff('a/x', 'b/x', `${far.join('\n')}\n`, `${farAfter.join('\n')}\n`),
      ['--- a/x', '+++ b/x', '@@ -1,5 +1,5 @@', ' a', '-b', '+B', ' c', ' d', ' e', '@@ -11,4 +11,4 @@', ' k', ' l', ' m', '-n', '+N', ''].join('\n'),
    );
    assert.equal(unifiedDiff('a/x', 'b/x', before, before), '');
    assert.equal(unifiedDiff('a/x', 'b/x', undefined, 'one\ntwo\n'), '--- /dev/null\n+++ b/x\n@@ -0,0 +1,2 @@\n+one\n+two\n');
  });

  it('applies back to the new text on random edits', () => {
    const random = seededRandom(7);
    for (let run = 0; run < 300; run++) {
      const before = Array.from({ length: Math.floor(random() * 30) }, () => String.fromCharCode(97 + Math.floor(random() * 5)));
      const after = before.flatMap((line) => (random() < 0.15 ? [] : random() < 0.15 ? [line, 'x'] : random() < 0.1 ? ['y'] : [line]));
      const b = before.length === 0 ? '' : `${before.join('\n')}\n`;
      const a = after.length === 0 ? '' : `${after.join('\n')}\n`;
      const diff = unifiedDiff('a/f', 'b/f', b, a);
      if (a === b) assert.equal(diff, '');
      else assert.equal(apply(b, diff), a, `run ${run}\n${diff}`);
    }
  });
});
