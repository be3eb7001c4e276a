import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { FlowLineParser, FlowPieceBuilder, NEVER_CANCELLED, flowFormatOf, remapFlows, type AggregatedFlows, type CancellationToken, type FlowAggregatorOptions, type FlowPiece, type StoredFlowPiece } from './core';

/**
 * Reading flow files (Hubble's `hubble observe -o json`, the generic JSON lines and CSV of
 * docs/flows.md) for the CLI (`--flows`) and the language server (`netpolGuardrails.flows`).
 *
 * Files are streamed: read in chunks, split into lines, each line parsed and aggregated
 * (core/flows) before the next chunk is read, so memory follows the distinct connections, never
 * the file size. A line longer than MAX_LINE_BYTES is reported and skipped without being held.
 * An unreadable file is reported; the others are still read.
 */

export interface FlowFile {
  /** the name in messages and examples (a path relative to the working folder, or a URI) */
  readonly name: string;
  /** the file on disk */
  readonly path: string;
}

export interface FlowFilesResult extends AggregatedFlows {
  /**
   * What was read, before pods are mapped to workloads: the result again for another inventory
   * (remapFlows), without reading the files again. Its size follows the distinct endpoints and
   * connections, not the lines.
   */
  readonly pieces: readonly StoredFlowPiece[];
  /** files that could not be read, with the error's code or message */
  readonly unreadable: readonly { readonly file: string; readonly error: string }[];
  readonly files: number;
}

const CHUNK_BYTES = 1 << 20;
/** a Hubble flow is a few kilobytes; a longer line is not a flow */
export const MAX_LINE_BYTES = 1 << 20;
const NEWLINE = 0x0a;

/**
 * Splits chunks of bytes into lines (LF or CRLF), decoding each as UTF-8 and handing it with its
 * 1-based number to `line`. Bytes of an unfinished line are kept up to MAX_LINE_BYTES.
 */
export class LineSplitter {
  private carry: Buffer[] = [];
  private carried = 0;
  private tooLong = false;
  private number = 0;

  constructor(
    private readonly line: (text: string, number: number) => void,
    private readonly overlong: (number: number) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const end = chunk.indexOf(NEWLINE, start);
      if (end < 0) break;
      this.number++;
      if (this.tooLong || this.carried + (end - start) > MAX_LINE_BYTES) {
        this.tooLong = false;
        this.carry = [];
        this.carried = 0;
        this.overlong(this.number);
      } else if (this.carried > 0) {
        this.carry.push(chunk.subarray(start, end));
        this.emit(Buffer.concat(this.carry));
        this.carry = [];
        this.carried = 0;
      } else {
        this.emit(chunk.subarray(start, end));
      }
      start = end + 1;
    }
    if (start < chunk.length && !this.tooLong) {
      this.carried += chunk.length - start;
      if (this.carried > MAX_LINE_BYTES) {
        this.tooLong = true;
        this.carry = [];
        this.carried = 0;
      } else {
        // copied: the reader reuses its chunk buffer
        this.carry.push(Buffer.from(chunk.subarray(start)));
      }
    }
  }

  end(): void {
    if (this.tooLong) {
      this.number++;
      this.overlong(this.number);
    } else if (this.carried > 0) {
      this.number++;
      this.emit(Buffer.concat(this.carry));
    }
    this.carry = [];
    this.carried = 0;
    this.tooLong = false;
  }

  /** Lines split so far (the number of the last one). */
  get lineCount(): number {
    return this.number;
  }

  private emit(bytes: Buffer): void {
    const n = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
    this.line(bytes.toString('utf8', 0, n), this.number);
  }
}

/** A whole file read on this thread as one piece: the builder and the splitter feeding it. */
function wholeFileReader(options: FlowAggregatorOptions, file: FlowFile): { builder: FlowPieceBuilder; splitter: LineSplitter } {
  const builder = new FlowPieceBuilder(options.maxProblems, options.maxExamples);
  const parser = new FlowLineParser(file.path);
  const splitter = new LineSplitter(
    (text, number) => builder.addLine(number, parser.line(text)),
    (number) => builder.problem(number, overlongMessage()),
  );
  return { builder, splitter };
}

function overlongMessage(): string {
  return `line longer than ${MAX_LINE_BYTES} bytes, not a flow`;
}

function errorText(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
}

// ---- large files in pieces, on worker threads ------------------------------------------------

/**
 * Threads for large JSON-lines files (Hubble's output above all): the file is cut at line ends into
 * one piece per thread, each piece is read and parsed apart (core/flows/pieces.ts) and the pieces
 * are folded into the aggregator in file order, which gives exactly what reading every line here
 * gives. Parsing JSON is most of the time, and it is what the threads share. The workers run the
 * process's own bundle (`script`: dist/cliMain.js or dist/serverMain.js, whose entries start
 * runFlowWorker when isFlowWorker(workerData)).
 */
export interface FlowThreads {
  readonly script: string;
  /** threads in all (the calling one included when it waits anyway: the CLI) */
  readonly jobs: number;
  /** files smaller than this are read on the calling thread; default PARALLEL_MIN_BYTES */
  readonly minBytes?: number;
}

/** below this, starting threads costs more than they save */
export const PARALLEL_MIN_BYTES = 32 << 20;
/** a flow thread silent this long has died without a word */
const FLOW_WORKER_SILENCE_MS = 120_000;

export interface FlowWorkerData {
  readonly netpolGuardrailsFlows: true;
  readonly piece: PieceTask;
  readonly port: MessagePort;
  /** bumped and notified after the message, for a waiter that blocks (the CLI) */
  readonly signal: Int32Array;
}

interface PieceTask {
  readonly path: string;
  /** byte range: from a line's start to just after a line end (or the end of the file) */
  readonly start: number;
  readonly end: number;
  /** the file's first piece finds the format (and a byte order mark) as a whole-file reader does */
  readonly first: boolean;
  readonly maxProblems: number | undefined;
  readonly maxExamples: number | undefined;
}

type FlowWorkerMessage = { readonly piece: FlowPiece } | { readonly error: string };

export function isFlowWorker(data: unknown): data is FlowWorkerData {
  return typeof data === 'object' && data !== null && (data as Partial<FlowWorkerData>).netpolGuardrailsFlows === true;
}

/** Reads one piece of a file into a FlowPiece (on a worker thread, or on the calling one). */
function readPiece(task: PieceTask): FlowPiece {
  const builder = new FlowPieceBuilder(task.maxProblems, task.maxExamples);
  const parser = new FlowLineParser(task.path, task.first ? undefined : 'json');
  const splitter = new LineSplitter(
    (text, number) => builder.addLine(number, parser.line(text)),
    (number) => builder.problem(number, overlongMessage()),
  );
  const fd = openSync(task.path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (let at = task.start; at < task.end; ) {
      const n = readSync(fd, buffer, 0, Math.min(CHUNK_BYTES, task.end - at), at);
      if (n === 0) break;
      at += n;
      splitter.push(buffer.subarray(0, n));
    }
    splitter.end();
  } finally {
    closeSync(fd);
  }
  builder.countLines(splitter.lineCount);
  return builder.result();
}

/** The worker thread's side: read the piece, send it (or the error), and stop. */
export function runFlowWorker(data: FlowWorkerData): void {
  let message: FlowWorkerMessage;
  try {
    message = { piece: readPiece(data.piece) };
  } catch (error) {
    message = { error: errorText(error) };
  }
  data.port.postMessage(message);
  Atomics.add(data.signal, 0, 1);
  Atomics.notify(data.signal, 0);
  data.port.close();
}

/**
 * The pieces of a file for `parts` threads: byte ranges of about equal size, each starting at a
 * line's start; one piece (read on the calling thread) when the file is small or not JSON lines.
 */
function planPieces(file: FlowFile, threads: FlowThreads | undefined, options: FlowAggregatorOptions): PieceTask[] | undefined {
  // a script that is not there (the sources run without a build) cannot start threads
  if (!threads || threads.jobs < 2 || !existsSync(threads.script)) return undefined;
  const fd = openSync(file.path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < (threads.minBytes ?? PARALLEL_MIN_BYTES)) return undefined;
    const head = Buffer.allocUnsafe(Math.min(size, 1 << 16));
    const read = readSync(fd, head, 0, head.length, 0);
    let text = head.toString('utf8', 0, read);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const firstLine = text.split('\n').find((l) => l.trim() !== '');
    if (firstLine === undefined || flowFormatOf(file.path, firstLine) !== 'json') return undefined;
    const cuts = [0];
    const probe = Buffer.allocUnsafe(1 << 16);
    for (let i = 1; i < threads.jobs; i++) {
      // the first line end at or after the even cut (a line longer than a piece merges two pieces)
      let at = Math.max(cuts[cuts.length - 1]!, Math.floor((size * i) / threads.jobs));
      let cut = size;
      while (at < size) {
        const n = readSync(fd, probe, 0, probe.length, at);
        if (n === 0) break;
        const newline = probe.subarray(0, n).indexOf(NEWLINE);
        if (newline >= 0) {
          cut = at + newline + 1;
          break;
        }
        at += n;
      }
      if (cut > cuts[cuts.length - 1]! && cut < size) cuts.push(cut);
    }
    if (cuts.length < 2) return undefined;
    cuts.push(size);
    return cuts.slice(0, -1).map((start, i) => ({ path: file.path, start, end: cuts[i + 1]!, first: i === 0, maxProblems: options.maxProblems, maxExamples: options.maxExamples }));
  } finally {
    closeSync(fd);
  }
}

interface StartedPiece {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly signal: Int32Array;
}

function startPiece(script: string, piece: PieceTask): StartedPiece {
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const data: FlowWorkerData = { netpolGuardrailsFlows: true, piece, port: port2, signal };
  const worker = new Worker(script, { workerData: data, transferList: [port2] });
  worker.unref();
  return { worker, port: port1, signal };
}

function pieceOf(message: FlowWorkerMessage): FlowPiece {
  if ('error' in message) throw new Error(`a flow thread failed: ${message.error}`);
  return message.piece;
}

/** The pieces of `file` in order, each with the file line it starts at. */
function storePieces(stored: StoredFlowPiece[], file: FlowFile, pieces: readonly FlowPiece[]): void {
  let firstLine = 1;
  for (const piece of pieces) {
    stored.push({ file: file.name, firstLine, piece });
    firstLine += piece.lineCount;
  }
}

/** The pieces read: the first on this thread while the others' threads run, waiting for them by blocking (the CLI). */
function readPiecesSync(tasks: readonly PieceTask[], script: string): FlowPiece[] {
  const started = tasks.slice(1).map((task) => startPiece(script, task));
  try {
    const pieces = [readPiece(tasks[0]!)];
    for (const s of started) {
      for (;;) {
        const seen = Atomics.load(s.signal, 0);
        const received = receiveMessageOnPort(s.port) as { message: FlowWorkerMessage } | undefined;
        if (received) {
          pieces.push(pieceOf(received.message));
          break;
        }
        if (Atomics.wait(s.signal, 0, seen, FLOW_WORKER_SILENCE_MS) === 'timed-out') throw new Error(`a flow thread stopped answering for ${FLOW_WORKER_SILENCE_MS / 1000} s`);
      }
    }
    return pieces;
  } finally {
    for (const s of started) {
      s.port.close();
      void s.worker.terminate();
    }
  }
}

/** The pieces read, each on its own thread, without blocking this one (the language server). */
function readPiecesAsync(tasks: readonly PieceTask[], script: string, token: CancellationToken): Promise<FlowPiece[] | undefined> {
  return new Promise((resolve, reject) => {
    const started = tasks.map((task) => startPiece(script, task));
    const pieces: FlowPiece[] = [];
    let received = 0;
    let settled = false;
    const settle = (outcome: { pieces: FlowPiece[] | undefined } | { error: Error }): void => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      for (const s of started) {
        s.port.close();
        void s.worker.terminate();
      }
      if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.pieces);
    };
    const watch = setInterval(() => {
      if (token.isCancellationRequested) settle({ pieces: undefined });
    }, 100);
    started.forEach((s, i) => {
      s.port.once('message', (message: FlowWorkerMessage) => {
        try {
          pieces[i] = pieceOf(message);
        } catch (error) {
          return settle({ error: error as Error });
        }
        if (++received === started.length) settle({ pieces });
      });
      s.worker.on('error', (error) => settle({ error }));
      s.worker.on('exit', (code) => {
        if (code !== 0) settle({ error: new Error(`a flow thread exited with code ${code}`) });
      });
    });
  });
}

/** Reads the files one after the other on this thread (the CLI's way); large JSON-lines files in pieces on `threads`. */
export function readFlowFilesSync(files: readonly FlowFile[], options: FlowAggregatorOptions = {}, threads?: FlowThreads): FlowFilesResult {
  const stored: StoredFlowPiece[] = [];
  const unreadable: { file: string; error: string }[] = [];
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  for (const file of files) {
    try {
      const tasks = planPieces(file, threads, options);
      if (tasks && threads) {
        storePieces(stored, file, readPiecesSync(tasks, threads.script));
        continue;
      }
    } catch {
      // unreadable here, or a thread failed before anything was kept: read it the plain way, which says why
    }
    let fd: number;
    try {
      fd = openSync(file.path, 'r');
    } catch (error) {
      unreadable.push({ file: file.name, error: errorText(error) });
      continue;
    }
    const { builder, splitter } = wholeFileReader(options, file);
    try {
      for (;;) {
        const n = readSync(fd, buffer, 0, CHUNK_BYTES, null);
        if (n === 0) break;
        splitter.push(buffer.subarray(0, n));
      }
      splitter.end();
    } catch (error) {
      // a folder, or a read error half way: what was read counts
      unreadable.push({ file: file.name, error: errorText(error) });
    } finally {
      closeSync(fd);
    }
    builder.countLines(splitter.lineCount);
    storePieces(stored, file, [builder.result()]);
  }
  return { ...remapFlows(stored, options), pieces: stored, unreadable, files: files.length };
}

/**
 * Reads the files without blocking the event loop for more than a chunk (the language server's
 * way); large JSON-lines files in pieces on `threads`. A cancelled token stops between chunks (or
 * pieces), with what was read so far.
 */
export async function readFlowFiles(files: readonly FlowFile[], options: FlowAggregatorOptions = {}, token: CancellationToken = NEVER_CANCELLED, threads?: FlowThreads): Promise<FlowFilesResult> {
  const stored: StoredFlowPiece[] = [];
  const unreadable: { file: string; error: string }[] = [];
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  for (const file of files) {
    if (token.isCancellationRequested) break;
    try {
      const tasks = planPieces(file, threads, options);
      if (tasks && threads) {
        const pieces = await readPiecesAsync(tasks, threads.script, token);
        if (!pieces) break;
        storePieces(stored, file, pieces);
        continue;
      }
    } catch {
      // as readFlowFilesSync: the plain read says what is wrong, or reads it all the same
    }
    let handle;
    try {
      handle = await open(file.path, 'r');
    } catch (error) {
      unreadable.push({ file: file.name, error: errorText(error) });
      continue;
    }
    const { builder, splitter } = wholeFileReader(options, file);
    try {
      for (;;) {
        if (token.isCancellationRequested) break;
        const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
        if (bytesRead === 0) break;
        splitter.push(buffer.subarray(0, bytesRead));
      }
      splitter.end();
    } catch (error) {
      unreadable.push({ file: file.name, error: errorText(error) });
    } finally {
      await handle.close();
    }
    builder.countLines(splitter.lineCount);
    storePieces(stored, file, [builder.result()]);
  }
  return { ...remapFlows(stored, options), pieces: stored, unreadable, files: files.length };
}
