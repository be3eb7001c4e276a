import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { analyzeText, type Finding } from '../../server/src/core';
import { apiClient, type ApiClient, type ApiResponse } from './apiClient';
import { NAMESPACES, generateCases, type ParityCase } from './policyGenerator';
import { startTestCluster, type TestCluster } from './testCluster';

/**
 * API validation parity: generated NetworkPolicies (valid ones and mutations of every field) are
 * sent to a real kube-apiserver with server-side dry run and strict field validation, and checked
 * by our validator. Both must accept or reject alike, and on a rejection our findings must name the
 * fields the API names. The cases are seeded: a failure names a case id that reproduces.
 *
 * Unknown fields: under strict field validation the API fails at decoding and names only them. Our
 * validator also reports what the API finds once they are dropped (fieldValidation=Warn, the
 * server's default, and kubectl --validate=false), as the golden fixtures expect (for example
 * unknown-field-peer: "podSelectors" and "must specify a peer"). So for such a case the expected
 * fields are the unknown ones plus those of the same request sent again with fieldValidation=Warn.
 */

const SEED = Number(process.env['NETPOL_PARITY_SEED'] ?? 20261129);
const VALID = 150;
const ROUNDS = 2;
const PAIRS = 80;
const CONCURRENCY = 8;
/** NETPOL_PARITY_EXTRA=1 adds the cases whose answer depends on the client and the known gaps (policyGenerator.ts) */
const EXTRA = process.env['NETPOL_PARITY_EXTRA'] === '1';

type ApiKind = 'accepted' | 'invalid' | 'unknown-field' | 'type' | 'duplicate-key' | 'not-json' | 'namespace' | 'other';

interface ApiVerdict {
  readonly accepted: boolean;
  readonly kind: ApiKind;
  /** the API's field paths; for a type error without list indices, as Go's decoder names it */
  readonly fields: readonly string[];
  /** for 422: `field: message` per cause, comparable with our apiMessage */
  readonly messages: readonly string[];
  readonly summary: string;
}

function apiVerdict(response: ApiResponse, namespace: string): ApiVerdict {
  const body = (response.body ?? {}) as { message?: string; reason?: string; details?: { kind?: string; name?: string; causes?: { field?: string; message?: string }[] } };
  const message = body.message ?? String(response.body);
  const summary = `HTTP ${response.status} ${body.reason ?? ''}: ${message}`;
  if (response.status === 200 || response.status === 201) return { accepted: true, kind: 'accepted', fields: [], messages: [], summary: `HTTP ${response.status}` };
  if (response.status === 422) {
    const causes = body.details?.causes ?? [];
    return {
      accepted: false,
      kind: 'invalid',
      fields: causes.map((c) => c.field ?? ''),
      messages: causes.map((c) => `${c.field ?? ''}: ${c.message ?? ''}`),
      summary,
    };
  }
  // go-yaml names the line of a repeated key, not its field: "line 9: key "name" already set in map"
  const duplicates = [...message.matchAll(/line (\d+): key "[^"]*" already set in map/g)];
  if (response.status === 400 && duplicates.length > 0) return { accepted: false, kind: 'duplicate-key', fields: duplicates.map((m) => `line ${m[1] ?? ''}`), messages: [], summary };
  // .inf and .NaN are YAML numbers that JSON cannot carry: the YAML-to-JSON step fails, naming no field
  if (response.status === 400 && message.includes('json: unsupported value: ')) return { accepted: false, kind: 'not-json', fields: [], messages: [], summary };
  if (response.status === 400 && message.includes('strict decoding error: ')) {
    return { accepted: false, kind: 'unknown-field', fields: [...message.matchAll(/unknown field "([^"]*)"/g)].map((m) => m[1] ?? ''), messages: [], summary };
  }
  const typeError = /json: cannot unmarshal .* into Go struct field [A-Za-z0-9_]+\.(\S+) of type/.exec(message);
  if (response.status === 400 && typeError) return { accepted: false, kind: 'type', fields: [typeError[1] ?? ''], messages: [], summary };
  // The request goes to the policy's own namespace, as kubectl sends it; a name that is no valid
  // namespace cannot exist, so NamespaceLifecycle admission answers 404 before validation runs.
  if (response.status === 404 && body.details?.kind === 'namespaces' && body.details.name === namespace) {
    return { accepted: false, kind: 'namespace', fields: ['metadata.namespace'], messages: [], summary };
  }
  return { accepted: false, kind: 'other', fields: [], messages: [], summary };
}

interface OurVerdict {
  readonly accepted: boolean;
  readonly findings: readonly Finding[];
  readonly fields: readonly string[];
  /** `line N` (1-based) of each finding, to compare with go-yaml's duplicate-key errors */
  readonly lines: readonly string[];
}

function ourVerdict(text: string): OurVerdict {
  const findings = analyzeText(text).findings.filter((f) => f.severity === 'error');
  const lineOf = (offset: number): string => `line ${text.slice(0, offset).split('\n').length}`;
  return { accepted: findings.length === 0, findings, fields: findings.map((f) => f.fieldPath ?? '(no field path)'), lines: findings.map((f) => lineOf(f.range.start)) };
}

// Maps from string to string: Go's decoder names the map, not the key, in a type error.
const STRING_MAPS = /(^|\.)(labels|annotations|matchLabels)\.[^.]+$/;

/** Our path as Go's JSON decoder prints it in a type error: no list indices, no map key. */
function asGoDecoderPath(fieldPath: string): string {
  const noIndices = fieldPath.replace(/\[\d+\]/g, '');
  return STRING_MAPS.test(noIndices) ? noIndices.replace(/\.[^.]+$/, '') : noIndices;
}

// The name generated from generateName ends in 5 random characters (apiserver pkg/storage/names);
// our validator stands in "xxxxx" for them.
function maskGeneratedName(message: string): string {
  return message.replace(/^(metadata\.name: Invalid value: ".*)[a-z0-9]{5}(": )/, '$1*****$2');
}

function sortedList(values: readonly string[]): string[] {
  return [...values].sort();
}

interface Disagreement {
  readonly testCase: ParityCase;
  readonly problem: string;
  readonly api: ApiVerdict;
  readonly ours: OurVerdict;
}

function compare(api: ApiVerdict, ours: OurVerdict, afterDroppingUnknown: ApiVerdict | undefined): string | undefined {
  if (api.kind === 'other') return 'the API answered in a way this test cannot read';
  if (api.accepted !== ours.accepted) return api.accepted ? 'the API accepts, we reject' : 'the API rejects, we accept';
  if (api.accepted) return undefined;
  if (api.kind === 'not-json') {
    // no field to compare; the value that JSON cannot carry must be what we report
    return ours.findings.every((f) => f.ruleId === 'api-type') ? undefined : 'the API fails converting YAML to JSON; we report something else';
  }
  if (api.kind === 'duplicate-key') {
    if (ours.findings.some((f) => f.ruleId !== 'yaml-syntax')) return 'the API stops at a duplicate key, but we also report other findings';
    return JSON.stringify(sortedList(ours.lines)) === JSON.stringify(sortedList(api.fields)) ? undefined : `duplicate key at ${api.fields.join(', ')}, ours at ${ours.lines.join(', ')}`;
  }
  if (api.kind === 'type') {
    // The API stops at the first value of the wrong type; we report every one.
    const goPath = api.fields[0] ?? '';
    const ourGoPaths = ours.findings.map((f) => asGoDecoderPath(f.fieldPath ?? ''));
    if (!ourGoPaths.includes(goPath)) return `type error at ${goPath}, ours at ${ourGoPaths.join(', ')}`;
    if (ours.findings.some((f) => f.ruleId !== 'api-type')) return 'the API stops at a type error, but we also report other findings';
    return undefined;
  }
  if (afterDroppingUnknown && (afterDroppingUnknown.kind === 'type' || afterDroppingUnknown.kind === 'other')) return `with fieldValidation=Warn the API answers ${afterDroppingUnknown.summary}`;
  const expected = sortedList([...api.fields, ...(afterDroppingUnknown?.fields ?? [])]);
  const actual = sortedList(ours.fields);
  if (JSON.stringify(expected) !== JSON.stringify(actual)) return `field paths differ: API ${JSON.stringify(expected)}, ours ${JSON.stringify(actual)}`;
  return undefined;
}

async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (;;) {
      const index = next++;
      if (index >= items.length) return;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(workers);
  return results;
}

function describeDisagreement(d: Disagreement): string {
  return [
    `#${d.testCase.id} ${d.testCase.description} (${d.testCase.contentType}, namespace ${d.testCase.namespace}): ${d.problem}`,
    `  API:  ${d.api.summary.slice(0, 600)}`,
    `  ours: ${d.ours.findings.map((f) => `${f.ruleId} ${f.fieldPath ?? ''}: ${f.apiMessage ?? f.message}`).join(' | ').slice(0, 600) || 'no error'}`,
    `  input:\n${d.testCase.text.length > 1500 ? `${d.testCase.text.slice(0, 1500)}...` : d.testCase.text}`.replace(/\n/g, '\n    '),
  ].join('\n');
}

describe('API validation parity with kube-apiserver (server-side dry run, strict field validation)', () => {
  let cluster: TestCluster;
  let client: ApiClient;

  before(async () => {
    cluster = await startTestCluster();
    client = apiClient(cluster);
    for (const namespace of NAMESPACES) {
      if (namespace === 'default') continue;
      const body = JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
      const response = await client.send('POST', '/api/v1/namespaces', cluster.adminToken, body);
      assert.ok(response.status === 201 || response.status === 409, `create namespace ${namespace}: HTTP ${response.status}`);
    }
  });

  after(async () => {
    client?.close();
    await cluster?.stop();
  });

  it('agrees on every generated policy: accept or reject, and the field paths of each rejection', async () => {
    const cases = generateCases(SEED, VALID, ROUNDS, PAIRS, EXTRA);
    assert.ok(cases.length >= 500, `${cases.length} cases`);
    const disagreements: Disagreement[] = [];
    const unexpected: string[] = [];
    const messageDifferences: string[] = [];
    const counts = { accepted: 0, rejected: 0, byKind: new Map<ApiKind, number>() };

    await mapConcurrently(cases, CONCURRENCY, async (testCase) => {
      const path = `/apis/networking.k8s.io/v1/namespaces/${encodeURIComponent(testCase.namespace)}/networkpolicies?dryRun=All&fieldValidation=Strict`;
      const response = await client.send('POST', path, cluster.adminToken, testCase.text, testCase.contentType);
      const api = apiVerdict(response, testCase.namespace);
      let afterDroppingUnknown: ApiVerdict | undefined;
      if (api.kind === 'unknown-field') {
        const warnPath = path.replace('fieldValidation=Strict', 'fieldValidation=Warn');
        afterDroppingUnknown = apiVerdict(await client.send('POST', warnPath, cluster.adminToken, testCase.text, testCase.contentType), testCase.namespace);
      }
      const ours = ourVerdict(testCase.text);
      if (api.accepted) counts.accepted++;
      else counts.rejected++;
      counts.byKind.set(api.kind, (counts.byKind.get(api.kind) ?? 0) + 1);
      if (testCase.expectValid !== undefined && testCase.expectValid !== api.accepted) {
        unexpected.push(`#${testCase.id} ${testCase.description}: the generator expected ${testCase.expectValid ? 'valid' : 'invalid'}, the API says ${api.summary.slice(0, 200)}`);
      }
      const problem = compare(api, ours, afterDroppingUnknown);
      if (problem) {
        disagreements.push({ testCase, problem, api, ours });
      } else if (api.kind === 'invalid') {
        const mask = testCase.text.includes('generateName') ? maskGeneratedName : (m: string): string => m;
        const ourMessages = sortedList(ours.findings.map((f) => mask(f.apiMessage ?? '')));
        if (JSON.stringify(ourMessages) !== JSON.stringify(sortedList(api.messages.map(mask)))) {
          messageDifferences.push(`#${testCase.id} ${testCase.description}: API ${JSON.stringify(sortedList(api.messages))}, ours ${JSON.stringify(ourMessages)}`);
        }
      }
    });

    const kinds = [...counts.byKind.entries()].map(([kind, n]) => `${kind} ${n}`).join(', ');
    process.stderr.write(`parity: ${cases.length} cases (seed ${SEED}): API accepted ${counts.accepted}, rejected ${counts.rejected} (${kinds}); ${disagreements.length} disagreements, ${messageDifferences.length} message differences\n`);
    if (unexpected.length > 0) process.stderr.write(`parity: the generator's expectation differed from the API:\n${unexpected.join('\n')}\n`);
    if (messageDifferences.length > 0) process.stderr.write(`parity: apiMessage differences (field paths agree):\n${messageDifferences.slice(0, 40).join('\n')}\n`);

    assert.ok(counts.accepted >= 100 && counts.rejected >= 300, `a useful mix: ${counts.accepted} accepted, ${counts.rejected} rejected`);
    disagreements.sort((a, b) => a.testCase.id - b.testCase.id);
    assert.equal(disagreements.length, 0, `${disagreements.length} disagreements with kube-apiserver:\n\n${disagreements.slice(0, 40).map(describeDisagreement).join('\n\n')}`);
    assert.deepEqual(messageDifferences, [], 'our apiMessage equals the API server message for each cause');
    // a mutation named "valid: ..." must be accepted and any other rejected, or it tests less than it says
    assert.deepEqual(unexpected.sort(), [], 'the generator knows which cases are valid');
  });
});
