import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ReachabilityIndex, computeConnectivity } from '../../server/src/core/reachability/engine';
import { connectivityJson } from '../../server/src/core/reachability/report';
import { referenceConnectivity } from '../../server/src/core/reachability/reference';
import { isAll, portSetToJson } from '../../server/src/core/reachability/portSet';
import { loadFolder, shortPorts } from './reachabilityUtil';

/**
 * Golden connectivity: `reachability/<case>/` holds manifests and `expected.json` with the endpoint
 * list (`id Kind` for workloads, the range for externals, in map order) and the connections as
 * `"src -> dst": "all" | "none" | "TCP 80,8080-8090 UDP 53"`; pairs not listed are `unlisted`.
 * The expectations were worked out by hand from the NetworkPolicy documentation, not copied from
 * the engine's output; the straightforward evaluator must agree with them too.
 */

const fixtures = join(__dirname, '..', 'fixtures', 'reachability');

interface Expected {
  readonly endpoints: readonly string[];
  readonly unlisted: 'all' | 'none';
  readonly connections: Readonly<Record<string, string>>;
}

function expectedPairs(expected: Expected, ids: readonly string[], externals: ReadonlySet<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const src of ids) {
    for (const dst of ids) {
      if (src === dst) continue;
      const key = `${src} -> ${dst}`;
      const value = expected.connections[key] ?? (externals.has(src) && externals.has(dst) ? 'none' : expected.unlisted);
      if (value !== 'none') out.set(key, value);
    }
  }
  return out;
}

describe('reachability fixtures', () => {
  for (const name of readdirSync(fixtures).filter((n) => statSync(join(fixtures, n)).isDirectory()).sort()) {
    it(name, () => {
      const dir = join(fixtures, name);
      const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
      const { inventory, errors } = loadFolder(dir);
      assert.deepEqual(errors.map((e) => e.message), [], 'fixture manifests must be valid');
      const json = connectivityJson(computeConnectivity(new ReachabilityIndex(inventory)));
      assert.deepEqual(
        json.endpoints.map((e) => (e.type === 'workload' ? `${e.id} ${e.kind}` : e.id)),
        expected.endpoints,
      );
      const ids = json.endpoints.map((e) => e.id);
      const externals = new Set(json.endpoints.filter((e) => e.type === 'external').map((e) => e.id));
      for (const key of Object.keys(expected.connections)) {
        const [src, dst] = key.split(' -> ');
        assert.ok(ids.includes(src!) && ids.includes(dst!), `expected.json names an unknown pair: ${key}`);
      }
      const want = expectedPairs(expected, ids, externals);
      const got = new Map(json.connections.map((c) => [`${c.src} -> ${c.dst}`, shortPorts(c)]));
      assert.deepEqual(Object.fromEntries([...got].sort()), Object.fromEntries([...want].sort()));

      const reference = referenceConnectivity(inventory);
      const fromReference = new Map(
        reference.connections.map((c) => [`${c.source} -> ${c.destination}`, shortPorts(isAll(c.ports) ? { all: true } : { all: false, ports: portSetToJson(c.ports) })]),
      );
      assert.deepEqual(Object.fromEntries([...fromReference].sort()), Object.fromEntries([...want].sort()), 'reference evaluator');
    });
  }
});
