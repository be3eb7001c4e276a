/**
 * `npm run bench`: how fast the analysis is on a large file, in the core and through the built
 * language server. Prints one JSON object on stdout; progress goes to stderr.
 *
 * 1. cold validation: a fresh ManifestAnalyzer analyses the whole file (goal 150 ms)
 * 2. re-validation after a one-character edit with a warm analyzer (goal 20 ms median)
 * 3. LSP round trip: didChange (one character) + textDocument/diagnostic against
 *    `node dist/server.js --stdio` (goal 50 ms median), each answer checked against the core
 * 4. RSS of the server process before and after opening the file
 * and, as context for 3, what the server computes per edit in the core: the file's re-analysis
 * plus the guardrails over the workspace (WorkspaceAnalysis.update + findings).
 *
 * To profile the server under this load: BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/p".
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LineIndex, ManifestAnalyzer, WorkspaceAnalysis, analyzeText, type Finding } from '../server/src/core';
import { generateManifests, seededRandom } from './generateManifests';
import { LspServerProcess } from './lspClient';

const COLD_RUNS = 10;
const EDITS = 50;
const EDIT_SEED = 7;
const WATCHDOG_MS = 180_000;
const GOALS = { coldValidationMs: 150, incrementalEditMs: 20, lspRoundTripMs: 50 } as const;
const SERVER_PATH = join(__dirname, '..', 'dist', 'server.js');
const DOCUMENT_URI = 'file:///bench/networkpolicies.yaml';

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** nearest-rank percentile */
function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function summary(samples: readonly number[]): { median: number; p95: number; min: number; max: number } {
  return { median: round(percentile(samples, 50)), p95: round(percentile(samples, 95)), min: round(Math.min(...samples)), max: round(Math.max(...samples)) };
}

function timed<T>(run: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = run();
  return { ms: performance.now() - start, value };
}

// ---- edits -------------------------------------------------------------------------------

type EditKind = 'port-digit' | 'label-char' | 'label-error';

interface Edit {
  readonly kind: EditKind;
  /** offset in the text before the edit */
  readonly offset: number;
  /** characters replaced (0 for an insertion) */
  readonly remove: 0 | 1;
  readonly insert: string;
}

// every match is inside a NetworkPolicy: the generated file holds nothing else
const PORT_SITE = /^[ \t]*(?:- )?(?:port|endPort): (\d+)[ \t]*$/dgm;
const LABEL_SITE = /^[ \t]+(?:app|tier|team|k8s-app|app\.kubernetes\.io\/(?:name|instance|part-of)|kubernetes\.io\/metadata\.name): ([a-z0-9][a-z0-9-]*[a-z0-9])[ \t]*$/dgm;

function sites(text: string, pattern: RegExp): { start: number; value: string }[] {
  const out: { start: number; value: string }[] = [];
  for (const match of text.matchAll(pattern)) {
    const span = match.indices?.[1];
    if (span && match[1] !== undefined) out.push({ start: span[0], value: match[1] });
  }
  return out;
}

/**
 * A reproducible series of one-character edits, each applied to the result of the previous one:
 * a port digit changed, a character inserted into a label value, and every fifth edit an `@`
 * inserted into a label value, which makes it invalid and must add a diagnostic.
 */
function planEdits(base: string, count: number): { edits: Edit[]; texts: string[] } {
  const rnd = seededRandom(EDIT_SEED);
  const pick = <T>(items: readonly T[]): T => {
    if (items.length === 0) throw new Error('no edit sites in the generated text');
    return items[Math.floor(rnd() * items.length)] as T;
  };
  const edits: Edit[] = [];
  const texts: string[] = [];
  let text = base;
  for (let i = 0; i < count; i++) {
    let edit: Edit;
    if (i % 5 === 2 || rnd() < 0.5) {
      const site = pick(sites(text, LABEL_SITE));
      const at = site.start + 1 + Math.floor(rnd() * (site.value.length - 1));
      const insert = i % 5 === 2 ? '@' : pick([...'abcdefghijklmnopqrstuvwxyz0123456789']);
      edit = { kind: insert === '@' ? 'label-error' : 'label-char', offset: at, remove: 0, insert };
    } else {
      const site = pick(sites(text, PORT_SITE));
      const digit = Math.floor(rnd() * site.value.length);
      const choices = [...(digit === 0 ? '123456789' : '0123456789')].filter((d) => d !== site.value[digit]);
      edit = { kind: 'port-digit', offset: site.start + digit, remove: 1, insert: pick(choices) };
    }
    text = text.slice(0, edit.offset) + edit.insert + text.slice(edit.offset + edit.remove);
    edits.push(edit);
    texts.push(text);
  }
  return { edits, texts };
}

/** What a client would see of the findings: rule and start position, in a stable order. */
function signature(entries: readonly { code: string; line: number; character: number }[]): string {
  return entries
    .map((e) => `${e.code}@${e.line}:${e.character}`)
    .sort()
    .join('\n');
}

function coreSignature(text: string, findings: readonly Finding[]): string {
  const lines = new LineIndex(text);
  return signature(findings.map((f) => ({ code: f.ruleId, ...lines.position(f.range.start) })));
}

/** The first lines where two signatures differ, for an error message. */
function signatureDiff(expected: string, actual: string): string {
  const want = new Set(expected.split('\n'));
  const got = new Set(actual.split('\n'));
  const missing = [...want].filter((e) => !got.has(e)).slice(0, 5);
  const extra = [...got].filter((e) => !want.has(e)).slice(0, 5);
  return `missing [${missing.join(', ')}], unexpected [${extra.join(', ')}]`;
}

// ---- the four figures --------------------------------------------------------------------

function coldValidation(text: string): { first: number; median: number; min: number; runs: number; findings: number } {
  const first = timed(() => new ManifestAnalyzer().analyze(text));
  const samples: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) samples.push(timed(() => new ManifestAnalyzer().analyze(text)).ms);
  return { first: round(first.ms), median: round(percentile(samples, 50)), min: round(Math.min(...samples)), runs: COLD_RUNS, findings: first.value.findings.length };
}

function incrementalEdits(base: string, texts: readonly string[]): number[] {
  const analyzer = new ManifestAnalyzer();
  analyzer.analyze(base);
  const samples: number[] = [];
  const signatures: string[] = [];
  for (const text of texts) {
    const { ms, value } = timed(() => analyzer.analyze(text));
    samples.push(ms);
    signatures.push(coreSignature(text, value.findings));
  }
  // untimed: the incremental answer must be the from-scratch answer (checked on every fifth edit
  // and the last, which keeps the run short)
  texts.forEach((text, i) => {
    if (i % 5 !== 4 && i !== texts.length - 1) return;
    if (coreSignature(text, analyzeText(text).findings) !== signatures[i]) throw new Error(`edit ${i + 1}: the incremental analysis differs from a fresh one`);
  });
  return samples;
}

/**
 * What the server computes for one open file outside any workspace folder (its "loose" files):
 * a WorkspaceAnalysis with the default configuration. Timed per edit, and the findings are the
 * answers the LSP figure expects.
 */
function workspaceEdits(base: string, texts: readonly string[]): { analyse: number[]; guardrails: number[]; total: number[]; base: string; signatures: string[] } {
  const workspace = new WorkspaceAnalysis();
  workspace.update(DOCUMENT_URI, base);
  const baseSignature = coreSignature(base, workspace.findings().get(DOCUMENT_URI) ?? []);
  const analyse: number[] = [];
  const guardrails: number[] = [];
  const signatures: string[] = [];
  for (const text of texts) {
    const update = timed(() => workspace.update(DOCUMENT_URI, text));
    // findings(): the inventory, every guardrail over it, suppressions
    const all = timed(() => workspace.findings());
    analyse.push(update.ms);
    guardrails.push(all.ms);
    signatures.push(coreSignature(text, all.value.get(DOCUMENT_URI) ?? []));
  }
  return { analyse, guardrails, total: analyse.map((ms, i) => ms + (guardrails[i] ?? 0)), base: baseSignature, signatures };
}

interface LspFigures {
  readonly roundTrips: number[];
  readonly openToDiagnosticsMs: number;
  readonly rssMb: { idle: number; afterOpen: number; afterEdits: number };
  readonly errorEditsReflected: number;
}

async function lspRoundTrips(
  base: string,
  edits: readonly Edit[],
  texts: readonly string[],
  expected: { base: string; edits: readonly string[] },
  started: (server: LspServerProcess) => void,
): Promise<LspFigures> {
  const nodeArgs = (process.env['BENCH_SERVER_NODE_ARGS'] ?? '').split(' ').filter((arg) => arg.length > 0);
  const server = await LspServerProcess.start(SERVER_PATH, nodeArgs);
  started(server);
  try {
    const idle = server.rssMb();
    const openStart = performance.now();
    await server.open(DOCUMENT_URI, base);
    const opened = await server.diagnostics(DOCUMENT_URI);
    const openToDiagnosticsMs = performance.now() - openStart;
    const lspSignature = (items: typeof opened): string => signature(items.map((d) => ({ code: String(d.code), ...d.range.start })));
    if (lspSignature(opened) !== expected.base) throw new Error(`the server's diagnostics for the opened file differ from the core's: ${signatureDiff(expected.base, lspSignature(opened))}`);
    const afterOpen = server.rssMb();

    const roundTrips: number[] = [];
    let previous = opened;
    let errorEditsReflected = 0;
    let before = base;
    for (let i = 0; i < edits.length; i++) {
      const edit = edits[i]!;
      const lines = new LineIndex(before);
      const range = { start: lines.position(edit.offset), end: lines.position(edit.offset + edit.remove) };
      const start = performance.now();
      const [, items] = await Promise.all([server.change(DOCUMENT_URI, range, edit.insert), server.diagnostics(DOCUMENT_URI)]);
      roundTrips.push(performance.now() - start);
      // a stale or partial answer would not match the core's findings for the edited text
      const got = lspSignature(items);
      if (got !== expected.edits[i]) throw new Error(`edit ${i + 1} (${edit.kind}): the server's diagnostics do not reflect the edit: ${signatureDiff(expected.edits[i] ?? '', got)}`);
      // and visibly so: an invalid label value gets an API error on its line
      const apiErrorsOnLine = (list: typeof items): number => list.filter((d) => String(d.code).startsWith('api-') && d.range.start.line === range.start.line).length;
      if (edit.kind === 'label-error' && apiErrorsOnLine(items) > apiErrorsOnLine(previous)) errorEditsReflected++;
      previous = items;
      before = texts[i]!;
    }
    if (errorEditsReflected === 0) throw new Error('no error-introducing edit added an API error diagnostic on its line');
    return { roundTrips, openToDiagnosticsMs, rssMb: { idle, afterOpen, afterEdits: server.rssMb() }, errorEditsReflected };
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  let server: LspServerProcess | undefined;
  const watchdog = setTimeout(() => {
    progress(`gave up after ${WATCHDOG_MS / 1000} s`);
    server?.kill();
    process.exit(2);
  }, WATCHDOG_MS);
  watchdog.unref();

  const input = generateManifests();
  const lines = input.text.split('\n').length - (input.text.endsWith('\n') ? 1 : 0);
  progress(`input: ${lines} lines, ${input.policies} NetworkPolicies, ${input.text.length} bytes, ${input.plantedErrors.length} planted errors`);

  progress(`cold validation: 1 + ${COLD_RUNS} runs`);
  const cold = coldValidation(input.text);
  if (cold.findings < input.plantedErrors.length) throw new Error(`expected at least ${input.plantedErrors.length} findings, got ${cold.findings}`);

  progress(`incremental: ${EDITS} one-character edits`);
  const { edits, texts } = planEdits(input.text, EDITS);
  const incremental = incrementalEdits(input.text, texts);
  progress(`workspace (file + guardrails): ${EDITS} one-character edits`);
  const workspace = workspaceEdits(input.text, texts);

  progress(`LSP: node ${SERVER_PATH} --stdio, ${EDITS} didChange + textDocument/diagnostic`);
  const lsp = await lspRoundTrips(input.text, edits, texts, { base: workspace.base, edits: workspace.signatures }, (s) => (server = s));
  clearTimeout(watchdog);

  const incrementalSummary = summary(incremental);
  const lspSummary = summary(lsp.roundTrips);
  const result = {
    input: {
      lines,
      policies: input.policies,
      bytes: Buffer.byteLength(input.text),
      plantedErrors: input.plantedErrors.length,
      /** the file's own findings (API validation) */
      findings: cold.findings,
      /** what the server reports: own findings and guardrails */
      diagnostics: workspace.base.split('\n').filter((l) => l.length > 0).length,
    },
    coldValidationMs: { first: cold.first, median: cold.median, min: cold.min, runs: cold.runs, goal: GOALS.coldValidationMs, met: cold.median <= GOALS.coldValidationMs },
    incrementalEditMs: { ...incrementalSummary, edits: EDITS, goal: GOALS.incrementalEditMs, met: incrementalSummary.median <= GOALS.incrementalEditMs },
    // no goal of its own: the share of the LSP round trip spent in the core
    workspaceEditMs: { fileAnalysis: summary(workspace.analyse), inventoryAndGuardrails: summary(workspace.guardrails), total: summary(workspace.total), edits: EDITS },
    lspRoundTripMs: {
      ...lspSummary,
      edits: EDITS,
      openToFirstDiagnostics: round(lsp.openToDiagnosticsMs),
      errorEditsReflected: lsp.errorEditsReflected,
      goal: GOALS.lspRoundTripMs,
      met: lspSummary.median <= GOALS.lspRoundTripMs,
    },
    serverRssMb: { idle: round(lsp.rssMb.idle), afterOpen: round(lsp.rssMb.afterOpen), afterEdits: round(lsp.rssMb.afterEdits) },
    node: process.version,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((error: unknown) => {
  progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
