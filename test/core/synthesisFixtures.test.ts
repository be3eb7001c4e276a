import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_CONFIG, GUARDRAIL_RULES, parseConfig } from '../../server/src/core';
import { DEFAULT_SYNTHESIS_OPTIONS, synthesizePolicies, type SynthesisOptions } from '../../server/src/core/flows/synthesize';
import { verifySynthesis } from '../../server/src/core/flows/verifySynthesis';
import { loadFolder } from './reachabilityUtil';
import { readFlowsJson } from './synthesisUtil';

/**
 * Golden cases: test/fixtures/synthesis/<case>/ holds manifests (the workloads, whose labels the
 * selectors use), flows.json (aggregated flows), case.json (options, and the expected counts and
 * notes) and expected/<namespace>.observed-policies.yaml, the exact text synthesis must write.
 * UPDATE_GOLDEN=1 rewrites the expected files; review them. Each case's output must also pass the
 * guarantees.
 */

const ROOT = join(__dirname, '..', 'fixtures', 'synthesis');

interface CaseFile {
  readonly options?: Partial<SynthesisOptions>;
  readonly config?: string;
  readonly expect: {
    readonly admitted: number;
    readonly dns: number;
    readonly notForwarded: number;
    readonly outside: number;
    readonly uncovered: readonly string[];
    readonly notes: readonly string[];
    /** the guardrail findings expected on the output, as `ruleId: message` */
    readonly guardrails: readonly string[];
    /** connections the check finds beyond the flows (where the notes say why), as `source -> destination: ports` */
    readonly unjustified?: readonly string[];
  };
}

describe('synthesis golden cases', () => {
  for (const name of readdirSync(ROOT).sort()) {
    it(name, () => {
      const dir = join(ROOT, name);
      const spec = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as CaseFile;
      const parsed = spec.config ? parseConfig(spec.config, GUARDRAIL_RULES.map((r) => r.id)) : { config: DEFAULT_CONFIG, findings: [] };
      assert.deepEqual(parsed.findings, [], 'the case configuration is valid');
      const config = parsed.config;
      const options = { ...DEFAULT_SYNTHESIS_OPTIONS, ...spec.options };
      const { inventory, errors } = loadFolder(join(dir, 'manifests'));
      assert.deepEqual(errors, [], 'the manifests are valid');
      const flows = readFlowsJson(join(dir, 'flows.json'));
      const result = synthesizePolicies(flows, inventory, config, options);
      const expectedDir = join(dir, 'expected');
      if (process.env['UPDATE_GOLDEN'] === '1') {
        mkdirSync(expectedDir, { recursive: true });
        for (const ns of result.namespaces) writeFileSync(join(expectedDir, ns.fileName), ns.text);
      }
      const expectedFiles = existsSync(expectedDir) ? readdirSync(expectedDir).sort() : [];
      assert.deepEqual(
        result.namespaces.map((ns) => ns.fileName).sort(),
        expectedFiles,
        'one file per policed namespace',
      );
      for (const ns of result.namespaces) assert.equal(ns.text, readFileSync(join(expectedDir, ns.fileName), 'utf8'), ns.fileName);
      assert.deepEqual(
        { admitted: result.admitted, dns: result.dns, notForwarded: result.notForwarded, outside: result.outside, uncovered: result.uncovered.map((u) => u.reason), notes: result.notes },
        { admitted: spec.expect.admitted, dns: spec.expect.dns, notForwarded: spec.expect.notForwarded, outside: spec.expect.outside, uncovered: spec.expect.uncovered, notes: spec.expect.notes },
      );
      const verified = verifySynthesis(flows, inventory, config, result, options);
      assert.deepEqual(verified.blocked, [], 'every admitted flow is allowed');
      assert.deepEqual(
        verified.unjustified.map((u) => `${u.source} -> ${u.destination}: ${u.ports}`),
        spec.expect.unjustified ?? [],
        'nothing beyond the flows is allowed',
      );
      assert.deepEqual(verified.apiErrors, [], 'the API would accept every policy');
      assert.deepEqual(
        verified.guardrails.map((g) => `${g.ruleId}: ${g.message}`),
        spec.expect.guardrails,
      );
      assert.equal(verified.checked, result.admitted + result.outside);
      // deterministic: the same input gives the same text
      assert.deepEqual(synthesizePolicies(flows, inventory, config, options).namespaces.map((n) => n.text), result.namespaces.map((n) => n.text));
    });
  }
});
