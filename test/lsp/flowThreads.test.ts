import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { WorkspaceAnalysis, remapFlows } from '../../server/src/core';
import { MAX_LINE_BYTES, readFlowFiles, readFlowFilesSync, type FlowFilesResult } from '../../server/src/flowFiles';
import { hubbleLines, observations, trafficPlan } from '../flows/generateFlows';

/**
 * Large JSON-lines flow files parsed in pieces on worker threads (flowFiles.ts) by the built bundles
 * (dist/cli.js for the CLI, dist/serverMain.js for the server: their entries start the flow
 * workers): the same result as one thread reading every line, for the CLI's blocking read and the
 * server's non-blocking one, with the awkward lines a real file has (a byte order mark, CRLF, blank
 * lines, broken JSON, a line too long to be a flow, no newline at the end).
 */

const root = join(__dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'netpol-flow-threads-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const plan = trafficPlan(1);

function inventory() {
  const workspace = new WorkspaceAnalysis();
  workspace.update('app.yaml', plan.manifests);
  return workspace.inventory();
}

function writeAwkwardFile(path: string): void {
  const lines = [...hubbleLines(observations(plan, 20_000, 2), { malformedEvery: 501 })].map((l) => l.text);
  lines[7000] = 'x'.repeat(MAX_LINE_BYTES + 10);
  lines[9000] = '';
  lines[9001] = '{"flow":';
  const text = `\ufeff${lines.map((l, i) => (i % 3 === 0 ? `${l}\r\n` : `${l}\n`)).join('')}${lines[1]!}`;
  writeFileSync(path, text);
}

/** All but the pieces themselves, which differ with the cuts */
function comparable(result: FlowFilesResult): string {
  const { pieces, ...rest } = result;
  assert.ok(pieces.length > 0);
  return JSON.stringify(rest);
}

describe('flow files on threads', () => {
  const path = join(dir, 'hubble.json');
  writeAwkwardFile(path);
  const files = [
    { name: 'hubble.json', path },
    { name: 'missing.json', path: join(dir, 'missing.json') },
  ];
  const options = { inventory: inventory() };
  const expected = readFlowFilesSync(files, options);

  it('has the awkward lines the test is about', () => {
    assert.ok(expected.counts.records > 19_000, `records: ${expected.counts.records}`);
    assert.ok(expected.problems.some((p) => p.message.startsWith('line longer than')));
    assert.ok(expected.problems.some((p) => p.message.startsWith('not JSON')));
    assert.deepEqual(expected.unreadable.map((u) => u.file), ['missing.json']);
  });

  for (const jobs of [2, 3, 5]) {
    it(`the CLI's read (dist/cli.js threads, blocking) on ${jobs} threads gives one thread's result`, () => {
      const got = readFlowFilesSync(files, options, { script: join(root, 'dist', 'cli.js'), jobs, minBytes: 1 });
      assert.equal(comparable(got), comparable(expected));
    });
  }

  it("the server's read (dist/serverMain.js threads, not blocking) gives one thread's result", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const got = await readFlowFiles(files, options, undefined, { script: join(root, 'dist', 'serverMain.js'), jobs: 3, minBytes: 1 });
      assert.equal(comparable(got), comparable(expected));
    } finally {
      clearInterval(timer);
    }
    assert.ok(ticks > 0, 'the event loop ran while the threads read');
  });

  it('the pieces read with no workloads, mapped to the manifests afterwards (remapFlows), equal a read with them', () => {
    const bare = readFlowFilesSync(files);
    const remapped = remapFlows(bare.pieces, options);
    const { pieces, unreadable, files: count, ...mapped } = expected;
    assert.ok(pieces.length > 0 && unreadable.length === 1 && count === 2);
    assert.equal(JSON.stringify(remapped), JSON.stringify(mapped));
    assert.notEqual(JSON.stringify(bare.flows), JSON.stringify(mapped.flows), 'the workloads change the mapping');
  });

  it('reads a small file on the calling thread, threads or not', () => {
    const small = join(dir, 'small.json');
    writeFileSync(small, [...hubbleLines(observations(plan, 50, 2))].map((l) => l.text).join('\n'));
    const one = readFlowFilesSync([{ name: 'small.json', path: small }]);
    // a bad script would fail if threads were started
    const got = readFlowFilesSync([{ name: 'small.json', path: small }], {}, { script: join(dir, 'no-such-script.js'), jobs: 4 });
    assert.equal(comparable(got), comparable(one));
  });

  it('falls back to one thread when a thread cannot start', () => {
    const got = readFlowFilesSync(files, options, { script: join(dir, 'no-such-script.js'), jobs: 3, minBytes: 1 });
    assert.equal(comparable(got), comparable(expected));
  });
});
