import { receiveMessageOnPort } from 'node:worker_threads';
import { PARALLEL_MIN_FILES, WORKER_SILENCE_MS, defaultJobs, receiveFile, splitBySize, startAnalysisWorker, type RunningWorker, type WorkerMessage } from '../analysisThreads';
import { WorkspaceAnalysis, analyzeText, decodeManifestBytes, fileTooLargeFinding, type AnalysisOptions, type FileAnalysis, type Finding, type GuardrailConfig } from '../core';
import { UsageError, type InputFile } from './files';

export { PARALLEL_MIN_FILES, defaultJobs };

/**
 * Reading and analysing the CLI's input files, on several threads when there are many (the
 * machinery is shared with the language server: ../analysisThreads.ts).
 *
 * The files are split by size between this thread and `jobs - 1` worker threads running the same
 * bundle (dist/cliMain.js, see cliMain.ts). `check` stays synchronous: this thread blocks on a shared
 * counter the workers bump after each message (Atomics.wait) and takes the messages with
 * receiveMessageOnPort. The result is the same as one thread's, file by file, in input order
 * (test/cli/parallel.test.ts compares them).
 */

export type LoadedFile = { readonly path: string; readonly text: string; readonly analysis: FileAnalysis } | { readonly path: string; readonly skipped: Finding };

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
  const workers = others.map((part) => startAnalysisWorker(workerScript, part.map((f) => ({ path: f.path, file: f.file ?? '', size: f.size })), options, false));
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
    if ('error' in message) throw new Error(message.error);
    for (const file of message.files) {
      const loaded = receiveFile(file);
      if ('readError' in loaded) throw new UsageError(`${loaded.path}: cannot read: ${loaded.readError}`);
      out.push(loaded);
    }
  }
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
