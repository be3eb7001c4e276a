import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { WorkspaceAnalysis, analyzeText, decodeManifestBytes, fileTooLargeFinding, type AnalysisOptions, type FileAnalysis, type Finding, type GuardrailConfig } from '../core';
import { receiveObjects, transferObjects, type TransferredObject } from '../core/parse/manifest';
import { UsageError, type InputFile } from './files';

/**
 * Reading and analysing the CLI's input files, on several threads when there are many.
 *
 * Each file's own analysis (decode, YAML, validation) is independent of the others, and it is
 * most of a cold check's time; the guardrails then run once over the whole inventory. So the
 * files are split by size between this thread and `jobs - 1` worker threads running the same
 * bundle (dist/cli.js, see cliMain.ts); the workers send back each file's text, findings and
 * objects as plain data. `check` stays synchronous: this thread blocks on a shared counter the
 * workers bump after each message (Atomics.wait) and takes the messages with
 * receiveMessageOnPort. The result is the same as one thread's, file by file, in input order
 * (test/cli/parallel.test.ts compares them).
 */

/** below this many files, starting threads costs more than it saves */
export const PARALLEL_MIN_FILES = 64;
/** a worker silent this long has died without a word (out of memory, killed) */
const WORKER_SILENCE_MS = 120_000;

export type LoadedFile = { readonly path: string; readonly text: string; readonly analysis: FileAnalysis } | { readonly path: string; readonly skipped: Finding };

interface WorkerFile {
  readonly path: string;
  readonly file: string;
  readonly size: number | undefined;
}

export interface WorkerData {
  readonly netpolGuardrailsAnalysis: true;
  readonly files: readonly WorkerFile[];
  readonly options: AnalysisOptions;
  readonly port: MessagePort;
  readonly signal: Int32Array;
}

type WorkerMessage =
  | { readonly path: string; readonly text: string; readonly findings: readonly Finding[]; readonly objects: readonly TransferredObject[]; readonly analysed: boolean }
  | { readonly path: string; readonly skipped: Finding }
  | { readonly error: string; readonly usage: boolean }
  | { readonly done: true };

/** One file: skipped (too large, binary, not UTF-8) or its text and analysis. Read errors are UsageErrors. */
export function loadFile(input: Pick<InputFile, 'path' | 'size' | 'read'>, options: AnalysisOptions): LoadedFile {
  if (input.size !== undefined && input.size > options.maxFileSizeBytes) return { path: input.path, skipped: fileTooLargeFinding(input.size, options.maxFileSizeBytes) };
  let bytes: Uint8Array;
  try {
    bytes = input.read();
  } catch (error) {
    throw new UsageError(`${input.path}: cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const decoded = decodeManifestBytes(bytes);
  if ('skipped' in decoded) return { path: input.path, skipped: decoded.skipped };
  return { path: input.path, text: decoded.text, analysis: analyzeText(decoded.text, options) };
}

/** The files' analyses in input order, using up to `jobs` threads when `workerScript` is given. */
export function loadFiles(inputs: readonly InputFile[], options: AnalysisOptions, jobs: number, workerScript: string | undefined): LoadedFile[] {
  const parallel = workerScript !== undefined && jobs > 1 && inputs.length >= PARALLEL_MIN_FILES && inputs.every((i) => i.file !== undefined);
  if (!parallel) return inputs.map((input) => loadFile(input, options));
  const parts = splitBySize(inputs, jobs);
  const [own = [], ...others] = parts;
  const workers = others.map((part) => startWorker(workerScript, part, options));
  try {
    const mine = own.map((input) => loadFile(input, options));
    return [...mine, ...workers.flatMap((w) => collect(w))];
  } finally {
    for (const w of workers) {
      w.port.close();
      void w.worker.terminate();
    }
  }
}

/** The default number of threads: the machine's cores, at most 4. */
export function defaultJobs(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** Consecutive slices of about equal bytes (file order is kept: slice 0 first). */
function splitBySize(inputs: readonly InputFile[], parts: number): InputFile[][] {
  const total = inputs.reduce((n, i) => n + (i.size ?? 0), 0);
  const out: InputFile[][] = [[]];
  let sum = 0;
  for (const input of inputs) {
    const current = out[out.length - 1] ?? [];
    if (sum >= (total * out.length) / parts && out.length < parts && current.length > 0) out.push([input]);
    else current.push(input);
    sum += input.size ?? 0;
  }
  return out;
}

interface RunningWorker {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly signal: Int32Array;
}

function startWorker(script: string, files: readonly InputFile[], options: AnalysisOptions): RunningWorker {
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const data: WorkerData = {
    netpolGuardrailsAnalysis: true,
    files: files.map((f) => ({ path: f.path, file: f.file ?? '', size: f.size })),
    options,
    port: port2,
    signal,
  };
  const worker = new Worker(script, { workerData: data, transferList: [port2] });
  worker.unref();
  return { worker, port: port1, signal };
}

function collect({ port, signal }: RunningWorker): LoadedFile[] {
  const out: LoadedFile[] = [];
  for (;;) {
    const seen = Atomics.load(signal, 0);
    const received = receiveMessageOnPort(port) as { message: WorkerMessage } | undefined;
    if (!received) {
      if (Atomics.wait(signal, 0, seen, WORKER_SILENCE_MS) === 'timed-out') throw new Error(`an analysis thread stopped answering for ${WORKER_SILENCE_MS / 1000} s`);
      continue;
    }
    const message = received.message;
    if ('done' in message) return out;
    if ('error' in message) throw message.usage ? new UsageError(message.error) : new Error(message.error);
    if ('skipped' in message) out.push(message);
    else out.push({ path: message.path, text: message.text, analysis: { findings: message.findings, objects: receiveObjects(message.objects), analysed: message.analysed } });
  }
}

/** The worker thread's side: analyse its files, send each result, then `done`. */
export function runAnalysisWorker(data: WorkerData): void {
  const { port, signal } = data;
  const send = (message: WorkerMessage): void => {
    port.postMessage(message);
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  };
  try {
    for (const f of data.files) {
      const loaded = loadFile({ path: f.path, size: f.size, read: () => readFileSync(f.file) }, data.options);
      if ('skipped' in loaded) send(loaded);
      else send({ path: loaded.path, text: loaded.text, findings: loaded.analysis.findings, objects: transferObjects(loaded.analysis.objects), analysed: loaded.analysis.analysed });
    }
    send({ done: true });
  } catch (error) {
    send({ error: error instanceof Error ? error.message : String(error), usage: error instanceof UsageError });
  }
  port.close();
}

/** A workspace holding the loaded files, as the CLI commands need it. */
export function workspaceOf(files: readonly LoadedFile[], config: GuardrailConfig, options: AnalysisOptions): WorkspaceAnalysis {
  const workspace = new WorkspaceAnalysis(config, options);
  for (const f of files) {
    if ('skipped' in f) workspace.setSkipped(f.path, f.skipped);
    else workspace.setAnalysed(f.path, f.text, f.analysis);
  }
  return workspace;
}
