import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { WorkspaceAnalysis, flowEndpointId, type AggregatedFlow, type Inventory } from '../../server/src/core';
import { LineSplitter, MAX_LINE_BYTES, readFlowFiles, readFlowFilesSync } from '../../server/src/flowFiles';
import { expectedFlows, genericCsvLines, genericJsonLines, genericRows, hubbleLines, observations, trafficPlan, type ExpectedFlow } from '../flows/generateFlows';

/**
 * Generate -> write -> read (streamed from disk) -> aggregate equals the generator's ground truth,
 * in Hubble's format and in both generic formats, with and without the workloads' manifests.
 */

const dir = mkdtempSync(join(tmpdir(), 'netpol-flows-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const plan = trafficPlan(1);
const observed = [...observations(plan, 6000, 2)];
const truth = expectedFlows(observed);

function inventoryOf(manifests: string): Inventory {
  const workspace = new WorkspaceAnalysis();
  workspace.update('app.yaml', manifests);
  return workspace.inventory();
}

function comparable(flows: readonly AggregatedFlow[]): ExpectedFlow[] {
  return flows.map((f) => ({ source: flowEndpointId(f.source), destination: flowEndpointId(f.destination), protocol: f.protocol as 'TCP' | 'UDP', port: f.port, forwarded: f.forwarded, dropped: f.dropped, firstSeen: f.firstSeen!, lastSeen: f.lastSeen! }));
}

function write(name: string, lines: readonly string[], eol = '\n'): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join(eol) + eol);
  return path;
}

describe('flows: round trip through the files', () => {
  it('the generated application is realistic: every role appears, with dropped flows, DNS, scrapes and the payment provider', () => {
    const roles = new Set(observed.map((o) => plan.connections[o.connection]!.role));
    assert.equal(roles.size, plan.connections.length);
    assert.ok(truth.some((f) => f.destination === 'kube-system/coredns' && f.protocol === 'UDP' && f.port === 53));
    assert.ok(truth.some((f) => f.source === 'monitoring/prometheus' && f.port === 9100));
    assert.ok(truth.some((f) => f.source === 'payments/payments-api' && f.destination === '198.51.100.10' && f.port === 443));
    assert.ok(truth.filter((f) => f.dropped > 0).length >= 4);
    // the manifests hold the workloads, and are valid
    const workspace = new WorkspaceAnalysis();
    workspace.update('app.yaml', plan.manifests);
    assert.deepEqual([...workspace.findings().values()].flat().filter((f) => f.severity === 'error'), []);
    assert.equal(workspace.inventory().workloads.length, plan.workloads.length);
  });

  it('Hubble JSON, with replies, ICMP, status and broken lines: the ground truth, the skips counted, the broken lines reported by number', () => {
    const lines = [...hubbleLines(observed, { malformedEvery: 1000 })];
    const path = write('hubble.json', lines.map((l) => l.text));
    for (const inventory of [undefined, inventoryOf(plan.manifests)]) {
      const result = readFlowFilesSync([{ name: 'hubble.json', path }], { inventory });
      assert.deepEqual(comparable(result.flows), truth);
      const count = (kind: string): number => lines.filter((l) => l.kind === kind).length;
      assert.deepEqual(result.counts.skipped, { reply: count('reply'), 'not-l4': count('icmp'), 'not-a-flow': count('status') });
      assert.equal(result.counts.malformed, count('malformed'));
      assert.deepEqual(
        result.problems.map((p) => p.line),
        lines.flatMap((l, i) => (l.kind === 'malformed' ? [i + 1] : [])),
      );
      assert.equal(result.counts.records, observed.length);
      assert.equal(result.counts.lines, lines.length);
      if (inventory) {
        // every pod found its workload in the manifests
        assert.equal(result.counts.workloadsUnmapped, 0);
        assert.equal(result.counts.workloadsMapped, plan.workloads.length);
        // the reachability endpoint ids, and the workloads' kinds
        const db = result.flows.find((f) => f.destination.type === 'workload' && f.destination.name === 'orders-db')!;
        assert.deepEqual(db.destination, { type: 'workload', namespace: 'data', name: 'orders-db', kind: 'StatefulSet', labels: { app: 'orders-db', tier: 'data', 'app.kubernetes.io/part-of': 'shop' }, endpointId: 'data/orders-db' });
      } else {
        // without manifests, owner naming alone finds the same workloads
        const kinds = new Map(result.flows.flatMap((f) => [f.source, f.destination]).flatMap((e) => (e.type === 'workload' ? [[`${e.namespace}/${e.name}`, e.kind]] : [])));
        assert.deepEqual(Object.fromEntries([...kinds].sort()), Object.fromEntries(plan.workloads.map((w) => [`${w.namespace}/${w.name}`, w.kind]).sort()));
      }
    }
  });

  it('the generic JSON lines and CSV (CRLF): the same ground truth', () => {
    const rows = genericRows(observed);
    const json = write('flows.jsonl', genericJsonLines(rows));
    const csv = write('flows.csv', genericCsvLines(rows), '\r\n');
    for (const inventory of [undefined, inventoryOf(plan.manifests)]) {
      for (const file of [json, csv]) {
        const result = readFlowFilesSync([{ name: file, path: file }], { inventory });
        assert.deepEqual(result.problems, [], file);
        assert.deepEqual(comparable(result.flows), truth, file);
        assert.equal(result.counts.observations, observed.length);
      }
    }
  });

  it('several files of different formats add up; the async reader gives the same; a missing file is reported', async () => {
    const half = Math.floor(observed.length / 2);
    const a = write('a.json', [...hubbleLines(observed.slice(0, half))].map((l) => l.text));
    const b = write('b.csv', genericCsvLines(genericRows(observed.slice(half))));
    const files = [
      { name: 'a.json', path: a },
      { name: 'missing.json', path: join(dir, 'missing.json') },
      { name: 'b.csv', path: b },
    ];
    const sync = readFlowFilesSync(files);
    assert.deepEqual(comparable(sync.flows), truth);
    assert.deepEqual(sync.unreadable, [{ file: 'missing.json', error: 'ENOENT' }]);
    const async = await readFlowFiles(files);
    assert.deepEqual(async.flows, sync.flows);
    assert.deepEqual(async.counts, sync.counts);
    assert.deepEqual(readFlowFilesSync([{ name: 'dir', path: dir }]).unreadable, [{ file: 'dir', error: 'EISDIR' }]);
  });
});

describe('flows: line splitting', () => {
  it('splits across chunk boundaries, strips CR, keeps UTF-8 split between chunks, reports an overlong line without holding it', () => {
    const lines: [string, number][] = [];
    const overlong: number[] = [];
    const splitter = new LineSplitter(
      (text, n) => lines.push([text.length > 100 ? `${text.length} characters` : text, n]),
      (n) => overlong.push(n),
    );
    const text = Buffer.from(`one\r\ntwo é\n${'x'.repeat(MAX_LINE_BYTES + 10)}\nthree\nlast`);
    for (let i = 0; i < text.length; i += 7777) splitter.push(text.subarray(i, i + 7777));
    splitter.end();
    assert.deepEqual(lines, [
      ['one', 1],
      ['two é', 2],
      ['three', 4],
      ['last', 5],
    ]);
    assert.deepEqual(overlong, [3]);
  });
});
