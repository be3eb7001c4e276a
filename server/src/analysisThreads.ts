import { readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { analyzeText, decodeManifestBytes, fileTooLargeFinding, type AnalysisOptions, type FileAnalysis, type Finding } from './core';
import { receiveObjects, transferObjects, type TransferredObject } from './core/parse/manifest';

/**
 * Reading and analysing many manifest files on worker threads, for the CLI (cli/loadFiles.ts) and
 * the language server's full reads (lsp/workspaceIndex.ts).
 *
 * Each file's own analysis (decode, YAML, validation) is independent of the others, and it is
 * most of a cold check's time; the guardrails then run once over the whole inventory. The workers
 * run the same bundle as the process (dist/cliMain.js or dist/serverMain.js: each entry starts
 * runAnalysisWorker when isAnalysisWorker(workerData)), read their slice of the files and send
 * back each file's text, findings and objects as plain data (transferObjects), in order. The CLI
 * waits for them synchronously (Atomics.wait on `signal`); the server must not block its event
 * loop, so it listens for the messages (analyseOnThreads).
 */

/** below this many files, starting threads costs more than it saves */
export const PARALLEL_MIN_FILES = 64;
/** a worker silent this long has died without a word (out of memory, killed) */
export const WORKER_SILENCE_MS = 120_000;

export interface ThreadFile {
  /** the name the results carry (a path for the CLI, a URI for the server) */
  readonly path: string;
  /** the file on disk */
  readonly file: string;
  /** bytes, when known */
  readonly size: number | undefined;
}

export interface AnalysisWorkerData {
  readonly netpolGuardrailsAnalysis: true;
  readonly files: readonly ThreadFile[];
  readonly options: AnalysisOptions;
  /** stat a file whose size is not given, to skip it for size before reading (the server's way) */
  readonly statUnknownSizes: boolean;
  readonly port: MessagePort;
  /** bumped and notified after each message, for a waiter that blocks (the CLI) */
  readonly signal: Int32Array;
}

/** One file's outcome as it crosses the thread boundary. */
export type FileMessage =
  | { readonly path: string; readonly text: string; readonly findings: readonly Finding[]; readonly objects: readonly TransferredObject[]; readonly analysed: boolean }
  | { readonly path: string; readonly skipped: Finding }
  | { readonly path: string; readonly readError: string };

/** Files go in batches: one message per file costs the receiving thread more than the files' data. */
export type WorkerMessage = { readonly files: readonly FileMessage[] } | { readonly error: string } | { readonly done: true };

/** files per message */
const BATCH_FILES = 64;

/** One file's outcome on the receiving thread: analysed, skipped, or unreadable (the error's code). */
export type ThreadResult = { readonly path: string; readonly text: string; readonly analysis: FileAnalysis } | { readonly path: string; readonly skipped: Finding } | { readonly path: string; readonly readError: string };

export function isAnalysisWorker(data: unknown): data is AnalysisWorkerData {
  return typeof data === 'object' && data !== null && (data as Partial<AnalysisWorkerData>).netpolGuardrailsAnalysis === true;
}

/** The default number of threads: the machine's cores, at most 4. */
export function defaultJobs(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** A thread count from a setting or environment variable (e.g. NETPOL_GUARDRAILS_JOBS), when it is a positive integer. */
export function parseJobs(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  const jobs = Number(value);
  return jobs >= 1 ? jobs : undefined;
}

/** Consecutive slices of about equal bytes (file order is kept: slice 0 first); unknown sizes count as 1. */
export function splitBySize<T extends { readonly size: number | undefined }>(inputs: readonly T[], parts: number): T[][] {
  const sizeOf = (i: T): number => i.size ?? 1;
  const total = inputs.reduce((n, i) => n + sizeOf(i), 0);
  const out: T[][] = [[]];
  let sum = 0;
  for (const input of inputs) {
    const current = out[out.length - 1] ?? [];
    if (sum >= (total * out.length) / parts && out.length < parts && current.length > 0) out.push([input]);
    else current.push(input);
    sum += sizeOf(input);
  }
  return out;
}

export interface RunningWorker {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly signal: Int32Array;
}

export function startAnalysisWorker(script: string, files: readonly ThreadFile[], options: AnalysisOptions, statUnknownSizes: boolean): RunningWorker {
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const data: AnalysisWorkerData = {
    netpolGuardrailsAnalysis: true,
    files: files.map((f) => ({ path: f.path, file: f.file, size: f.size })),
    options,
    statUnknownSizes,
    port: port2,
    signal,
  };
  const worker = new Worker(script, { workerData: data, transferList: [port2] });
  worker.unref();
  return { worker, port: port1, signal };
}

/** A file message as the receiving thread uses it (objects rebuilt from plain data). */
export function receiveFile(message: FileMessage): ThreadResult {
  if ('skipped' in message || 'readError' in message) return message;
  return { path: message.path, text: message.text, analysis: { findings: message.findings, objects: receiveObjects(message.objects), analysed: message.analysed } };
}

function analyseFile(f: ThreadFile, data: AnalysisWorkerData): FileMessage {
  const max = data.options.maxFileSizeBytes;
  let bytes: Uint8Array;
  try {
    const size = f.size ?? (data.statUnknownSizes ? statSync(f.file).size : undefined);
    if (size !== undefined && size > max) return { path: f.path, skipped: fileTooLargeFinding(size, max) };
    bytes = readFileSync(f.file);
  } catch (error) {
    return { path: f.path, readError: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
  const decoded = decodeManifestBytes(bytes);
  if ('skipped' in decoded) return { path: f.path, skipped: decoded.skipped };
  const analysis = analyzeText(decoded.text, data.options);
  return { path: f.path, text: decoded.text, findings: analysis.findings, objects: transferObjects(analysis.objects), analysed: analysis.analysed };
}

/** The worker thread's side: analyse its files, send each result in order, then `done`. */
export function runAnalysisWorker(data: AnalysisWorkerData): void {
  const { port, signal } = data;
  const send = (message: WorkerMessage): void => {
    port.postMessage(message);
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  };
  try {
    let batch: FileMessage[] = [];
    for (const f of data.files) {
      batch.push(analyseFile(f, data));
      if (batch.length >= BATCH_FILES) {
        send({ files: batch });
        batch = [];
      }
    }
    if (batch.length > 0) send({ files: batch });
    send({ done: true });
  } catch (error) {
    send({ error: error instanceof Error ? error.message : String(error) });
  }
  port.close();
}

export interface ThreadHooks {
  /** files done so far (out of all given) */
  readonly progress: (done: number) => void;
  /** polled after each file and now and then: true stops the threads */
  readonly cancelled: () => boolean;
}

/**
 * The files' outcomes in input order, analysed on `jobs` worker threads without blocking this
 * thread: the results arrive as message events, between which the event loop serves everything
 * else (an editor's requests). They are left as messages (receiveFile each, so the caller can
 * yield in between). Undefined when cancelled; rejects when a thread fails.
 */
export function analyseOnThreads(files: readonly ThreadFile[], options: AnalysisOptions, jobs: number, script: string, hooks: ThreadHooks): Promise<FileMessage[] | undefined> {
  return new Promise((resolve, reject) => {
    const results: FileMessage[] = [];
    const running: RunningWorker[] = [];
    const parts = splitBySize(files, Math.max(1, jobs));
    let done = 0;
    let finished = 0;
    let settled = false;
    let lastHeard = Date.now();
    const settle = (outcome: { results: FileMessage[] | undefined } | { error: Error }): void => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      for (const r of running) {
        r.port.close();
        void r.worker.terminate();
      }
      if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.results);
    };
    // cancellation and silence are noticed even while no message arrives
    const watch = setInterval(() => {
      if (hooks.cancelled()) settle({ results: undefined });
      else if (Date.now() - lastHeard > WORKER_SILENCE_MS) settle({ error: new Error(`an analysis thread stopped answering for ${WORKER_SILENCE_MS / 1000} s`) });
    }, 100);
    let offset = 0;
    for (const part of parts) {
      const base = offset;
      offset += part.length;
      let next = 0;
      const r = startAnalysisWorker(script, part, options, true);
      running.push(r);
      r.port.on('message', (message: WorkerMessage) => {
        if (settled) return;
        lastHeard = Date.now();
        if ('done' in message) {
          if (++finished === parts.length) settle({ results });
        } else if ('error' in message) {
          settle({ error: new Error(`an analysis thread failed: ${message.error}`) });
        } else {
          for (const file of message.files) results[base + next++] = file;
          done += message.files.length;
          hooks.progress(done);
          if (hooks.cancelled()) settle({ results: undefined });
        }
      });
      r.worker.on('error', (error) => settle({ error }));
      r.worker.on('exit', (code) => {
        if (code !== 0) settle({ error: new Error(`an analysis thread exited with code ${code}`) });
      });
    }
  });
}
