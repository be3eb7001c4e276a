import { readFileSync } from 'node:fs';
import type { AggregatedFlow, FlowEndpoint } from '../../server/src/core/flows/model';

/**
 * Aggregated flows from a hand-written JSON file: the model's fields, with times as ISO text and
 * the optional ones (kind, labels, endpointId, verdict counts, examples) left out when empty.
 */

type Json = Record<string, unknown>;

function endpoint(raw: Json): FlowEndpoint {
  if (raw['type'] === 'external') return { type: 'external', cidr: String(raw['cidr']) };
  return {
    type: 'workload',
    namespace: String(raw['namespace']),
    name: String(raw['name']),
    kind: typeof raw['kind'] === 'string' ? raw['kind'] : undefined,
    labels: (raw['labels'] as Record<string, string> | undefined) ?? {},
    endpointId: typeof raw['endpointId'] === 'string' ? raw['endpointId'] : undefined,
  };
}

const time = (v: unknown): number | undefined => (typeof v === 'string' ? Date.parse(v) : undefined);

export function parseFlowsJson(text: string): AggregatedFlow[] {
  return (JSON.parse(text) as Json[]).map((raw) => ({
    source: endpoint(raw['source'] as Json),
    destination: endpoint(raw['destination'] as Json),
    protocol: raw['protocol'] as AggregatedFlow['protocol'],
    port: Number(raw['port']),
    forwarded: Number(raw['forwarded'] ?? 0),
    dropped: Number(raw['dropped'] ?? 0),
    unknown: Number(raw['unknown'] ?? 0),
    firstSeen: time(raw['firstSeen']),
    lastSeen: time(raw['lastSeen']),
    examples: [],
  }));
}

export function readFlowsJson(path: string): AggregatedFlow[] {
  return parseFlowsJson(readFileSync(path, 'utf8'));
}
