import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlowAggregator, FlowLineParser, FlowPieceBuilder, WorkspaceAnalysis, type AggregatedFlows, type Inventory } from '../../server/src/core';
import { genericJsonLines, genericRows, hubbleLines, observations, trafficPlan } from '../flows/generateFlows';

/**
 * A flow file read in pieces (core/flows/pieces.ts: each piece on its own, as a worker thread reads
 * it, then folded into the aggregator in file order) gives exactly what one reader taking every line
 * in order gives: flows, counts, examples, problems and their lines, the workloads' labels and kinds,
 * and which pod an address belongs to. Cut anywhere, into any number of pieces.
 */

const plan = trafficPlan(1);

function inventoryOf(manifests: string): Inventory {
  const workspace = new WorkspaceAnalysis();
  workspace.update('app.yaml', manifests);
  return workspace.inventory();
}

/** Lines whose outcome depends on what came before them, mixed into the generated traffic. */
function trickyLines(): string[] {
  const pod = (name: string, labels: string[], extra = '') =>
    `{"namespace":"shop","pod_name":"${name}","labels":[${labels.map((l) => `"k8s:${l}"`).join(',')}]${extra}}`;
  const flow = (source: string, destination: string, sip: string, dip: string, port: number, verdict = 'FORWARDED', time = '2026-12-01T01:00:00Z') =>
    `{"time":"${time}","verdict":"${verdict}","IP":{"source":"${sip}","destination":"${dip}"},"l4":{"TCP":{"source_port":40000,"destination_port":${port}}},"source":${source},"destination":${destination},"traffic_direction":"EGRESS","is_reply":false}`;
  const world = '{"identity":2,"labels":["reserved:world"]}';
  return [
    // a pod seen first with a label it later loses: its workload keeps what every sight showed
    flow(pod('web-7d9f8b6c5d-abcde', ['app=web', 'tier=front', 'pod-template-hash=7d9f8b6c5d']), pod('db-0', ['app=db']), '10.9.0.1', '10.9.0.2', 5432),
    flow(pod('web-7d9f8b6c5d-fghij', ['app=web']), pod('db-0', ['app=db']), '10.9.0.3', '10.9.0.2', 5432, 'DROPPED', '2026-12-01T00:30:00Z'),
    // an address that moves from one pod to another (and is written two ways): the last pod wins
    flow(pod('cache-0', ['app=cache']), world, 'fd00::1', '203.0.113.9', 443),
    flow(pod('cache-1', ['app=cache']), world, 'fd00:0:0::1', '203.0.113.9', 443),
    flow(world, pod('cache-0', ['app=cache']), 'fd00::0:1', 'fd00::1', 6379),
    // a bad source address: a problem and nothing else; a bad destination: the source was still seen
    flow(world, pod('db-0', ['app=db']), 'not-an-ip', '10.9.0.2', 5432),
    flow(pod('late-5f6d7c8b9a-zzzzz', ['app=late']), world, '10.9.0.9', '999.1.1.1', 80),
    '{"flow": {"truncated": ',
    '',
    '   ',
    // a generic record with a count, between Hubble lines
    '{"source":"shop/web","destination":"shop/db","protocol":"TCP","port":5432,"count":7,"first_seen":"2026-12-01T00:00:00Z","last_seen":"2026-12-01T02:00:00Z"}',
  ];
}

function allLines(): string[] {
  const lines: string[] = [];
  const tricky = trickyLines();
  let t = 0;
  for (const line of hubbleLines(observations(plan, 3000, 2), { malformedEvery: 97 })) {
    lines.push(line.text);
    if (lines.length % 211 === 0) lines.push(tricky[t++ % tricky.length]!);
  }
  lines.push(...tricky, ...genericJsonLines(genericRows(observations(plan, 200, 3))).slice(0, 50), ...tricky);
  return lines;
}

function sequential(lines: readonly string[], options: { inventory?: Inventory; maxProblems?: number; maxExamples?: number }): AggregatedFlows {
  const aggregator = new FlowAggregator(options);
  const parser = new FlowLineParser('flows.json');
  lines.forEach((text, i) => aggregator.addLine('flows.json', i + 1, parser.line(text)));
  return aggregator.result();
}

/** The lines cut at `cuts` (line indexes), each piece read apart, then folded in order. */
function inPieces(lines: readonly string[], cuts: readonly number[], options: { inventory?: Inventory; maxProblems?: number; maxExamples?: number }): AggregatedFlows {
  const aggregator = new FlowAggregator(options);
  const bounds = [0, ...cuts, lines.length];
  for (let p = 0; p + 1 < bounds.length; p++) {
    const builder = new FlowPieceBuilder(options.maxProblems, options.maxExamples);
    // the first piece finds the format as a reader of the whole file does; the others are told it
    const parser = new FlowLineParser('flows.json', p === 0 ? undefined : 'json');
    for (let i = bounds[p]!; i < bounds[p + 1]!; i++) builder.addLine(i - bounds[p]! + 1, parser.line(lines[i]!));
    builder.countLines(bounds[p + 1]! - bounds[p]!);
    const piece = structuredClone(builder.result());
    aggregator.addPiece('flows.json', bounds[p]! + 1, piece);
  }
  return aggregator.result();
}

describe('flow files read in pieces', () => {
  const lines = allLines();
  const inventory = inventoryOf(plan.manifests);

  for (const [label, options] of [
    ['without an inventory', {}],
    ['with the workloads of the manifests', { inventory }],
    ['keeping few problems and examples', { inventory, maxProblems: 5, maxExamples: 2 }],
  ] as const) {
    it(`equal one reader's result, ${label}, cut into 1, 2, 3, 7 and 50 pieces and at every tricky line`, () => {
      const expected = sequential(lines, options);
      assert.ok(expected.counts.malformed > 0 && expected.counts.flows > 20, 'the input has problems and flows');
      const cutsFor = (parts: number) => Array.from({ length: parts - 1 }, (_, i) => Math.round(((i + 1) * lines.length) / parts));
      const trickyAt = lines.flatMap((l, i) => (l.includes('shop","pod_name') || l.trim() === '' ? [i] : []));
      for (const cuts of [[], cutsFor(2), cutsFor(3), cutsFor(7), cutsFor(50), trickyAt, trickyAt.map((i) => i + 1).filter((i) => i < lines.length)]) {
        const got = inPieces(lines, [...new Set(cuts)].sort((a, b) => a - b), options);
        // JSON text too: the same keys in the same order, not only equal values
        assert.equal(JSON.stringify(got), JSON.stringify(expected), `cut at ${cuts.length} places`);
      }
    });
  }
});
