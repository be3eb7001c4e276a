import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { YAML_OPTIONS } from '../../server/src/core/parse/manifest';

/**
 * Plain scalars as kubectl reads them: the JSON value sigs.k8s.io/yaml v1.6.0 (go.yaml.in/yaml/v2
 * v2.4.2, the converter kubectl v1.34 uses) produces for `v: <scalar>`, printed by that code.
 */
const KUBECTL: readonly (readonly [string, unknown])[] = [
  ["y", true],
  ["Y", true],
  ["yes", true],
  ["n", false],
  ["NO", false],
  ["on", true],
  ["Off", false],
  ["true", true],
  ["tRUE", "tRUE"],
  ["~", null],
  ["null", null],
  ["NULL", null],
  ["2024-01-01", "2024-01-01"],
  ["2024-1-2", "2024-1-2"],
  ["2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00"],
  ["2001-12-14 21:59:43.10 -5", "2001-12-14 21:59:43.10 -5"],
  ["12:30", "12:30"],
  ["1:20:30", "1:20:30"],
  ["190:20:30.15", "190:20:30.15"],
  ["1_000", 1000],
  ["1__0", 10],
  ["1_", 1],
  ["_1", "_1"],
  ["0x1F", 31],
  ["0X1F", 31],
  ["0x_1f", 31],
  ["0o17", 15],
  ["0O17", 15],
  ["017", 15],
  ["08", 8],
  ["09.5", 9.5],
  ["0b101", 5],
  ["0B101", 5],
  ["-0b101", -5],
  ["+0b101", 5],
  ["1e3", 1000],
  ["1E3", 1000],
  ["1e400", "1e400"],
  ["1.", 1],
  [".5", 0.5],
  [".5e3", 500],
  ["+.5", 0.5],
  ["-.5", -0.5],
  [".5_0", 0.5],
  ["+80", 80],
  ["-0", 0],
  ["0", 0],
  ["00", 0],
  ["1.5_0", 1.5],
  ["1_0.5", 10.5],
  ["Infinity", "Infinity"],
  ["0x1p3", "0x1p3"],
  ["80.0", 80],
  ["80e0", 80],
  ["1.0e+2", 100],];

describe('plain scalars resolve as kubectl resolves them (YAML_OPTIONS)', () => {
  for (const [scalar, expected] of KUBECTL) {
    it(`${scalar} -> ${JSON.stringify(expected)}`, () => {
      const doc = parseDocument(`v: ${scalar}`, YAML_OPTIONS);
      assert.deepEqual(doc.errors, []);
      // compared as JSON, which is what kubectl sends (so -0 and 0 are the same)
      assert.equal(JSON.stringify(doc.toJS()), JSON.stringify({ v: expected }));
    });
  }

  it('keys too: a timestamp-like key stays text', () => {
    assert.deepEqual(parseDocument('2024-01-31: a\nyes: b\n', YAML_OPTIONS).toJS(), { '2024-01-31': 'a', true: 'b' });
  });

  it('another schema spread from YAML_OPTIONS keeps its own tags', () => {
    const core = { ...YAML_OPTIONS, schema: 'core' } as const;
    assert.deepEqual(parseDocument('a: 0X1F\nb: yes\nc: 0o17\n', core).toJS(), { a: '0X1F', b: 'yes', c: 15 });
  });
});
