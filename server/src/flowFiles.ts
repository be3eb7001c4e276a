import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { FlowAggregator, FlowLineParser, NEVER_CANCELLED, type AggregatedFlows, type CancellationToken, type FlowAggregatorOptions } from './core';

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

  private emit(bytes: Buffer): void {
    const n = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
    this.line(bytes.toString('utf8', 0, n), this.number);
  }
}

function splitterFor(aggregator: FlowAggregator, file: FlowFile): LineSplitter {
  const parser = new FlowLineParser(file.path);
  return new LineSplitter(
    (text, number) => aggregator.addLine(file.name, number, parser.line(text)),
    (number) => aggregator.problem(file.name, number, `line longer than ${MAX_LINE_BYTES} bytes, not a flow`),
  );
}

function errorText(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
}

/** Reads the files one after the other on this thread (the CLI's way). */
export function readFlowFilesSync(files: readonly FlowFile[], options: FlowAggregatorOptions = {}): FlowFilesResult {
  const aggregator = new FlowAggregator(options);
  const unreadable: { file: string; error: string }[] = [];
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  for (const file of files) {
    let fd: number;
    try {
      fd = openSync(file.path, 'r');
    } catch (error) {
      unreadable.push({ file: file.name, error: errorText(error) });
      continue;
    }
    const splitter = splitterFor(aggregator, file);
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
  }
  return { ...aggregator.result(), unreadable, files: files.length };
}

/**
 * Reads the files without blocking the event loop for more than a chunk (the language server's
 * way); a cancelled token stops between chunks, with what was read so far.
 */
export async function readFlowFiles(files: readonly FlowFile[], options: FlowAggregatorOptions = {}, token: CancellationToken = NEVER_CANCELLED): Promise<FlowFilesResult> {
  const aggregator = new FlowAggregator(options);
  const unreadable: { file: string; error: string }[] = [];
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  for (const file of files) {
    if (token.isCancellationRequested) break;
    let handle;
    try {
      handle = await open(file.path, 'r');
    } catch (error) {
      unreadable.push({ file: file.name, error: errorText(error) });
      continue;
    }
    const splitter = splitterFor(aggregator, file);
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
  }
  return { ...aggregator.result(), unreadable, files: files.length };
}
