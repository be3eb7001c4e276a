import { resolve } from 'node:path';
import type { Inventory } from '../core';
import { readFlowFilesSync, type FlowFile, type FlowFilesResult } from '../flowFiles';
import { UsageError, type InputFile } from './files';
import type { CliIO } from './main';

/** `--flows a.json --flows b.csv` or `--flows a.json,b.csv`: the flow files, named as given. */
export function flowFilesOf(values: readonly string[] | undefined, cwd: string): FlowFile[] {
  const out: FlowFile[] = [];
  for (const value of values ?? []) {
    for (const name of value.split(',')) {
      if (name.trim() === '') continue;
      out.push({ name, path: resolve(cwd, name) });
    }
  }
  return out;
}

/**
 * Reads the flow files (streamed), pods mapped to the inventory's workloads. A file that cannot be
 * read is an I/O error (exit 2); malformed lines are reported on stderr with their place and
 * skipped.
 */
export function loadFlows(files: readonly FlowFile[], inventory: Inventory, io: CliIO, jobs: number): FlowFilesResult {
  // large Hubble files are parsed on threads (flowFiles.ts) when the CLI runs as its bundle
  const result = readFlowFilesSync(files, { inventory }, io.workerScript ? { script: io.workerScript, jobs } : undefined);
  const [unreadable] = result.unreadable;
  if (unreadable) throw new UsageError(`${unreadable.file}: cannot read flows: ${unreadable.error}`);
  for (const p of result.problems) io.stderr(`${p.file}:${p.line}: skipped: ${p.message}\n`);
  const unlisted = result.counts.malformed - result.problems.length;
  if (unlisted > 0) io.stderr(`... and ${unlisted} more malformed flow line(s)\n`);
  return result;
}

/** One line on what was read: records, distinct flows, skips, problems. */
export function flowReadLine(result: FlowFilesResult): string {
  const c = result.counts;
  const skipped = c.skipped.reply + c.skipped['not-l4'] + c.skipped['not-a-flow'];
  const parts = [`${c.records} record(s) (${c.observations} observation(s)) in ${result.files} file(s) -> ${c.flows} distinct flow(s)`];
  if (skipped > 0) parts.push(`${skipped} skipped (${c.skipped.reply} replies, ${c.skipped['not-l4']} not TCP/UDP/SCTP, ${c.skipped['not-a-flow']} not flows)`);
  if (c.malformed > 0) parts.push(`${c.malformed} malformed`);
  if (c.workloadsUnmapped > 0) parts.push(`${c.workloadsUnmapped} workload(s) not in the manifests`);
  return `flows: ${parts.join(', ')}`;
}

/** The manifest inputs without the flow files (a folder given as PATH may hold them too). */
export function withoutFlowFiles(inputs: readonly InputFile[], flows: readonly FlowFile[]): InputFile[] {
  if (flows.length === 0) return [...inputs];
  const paths = new Set(flows.map((f) => f.path));
  return inputs.filter((input) => input.file === undefined || !paths.has(resolve(input.file)));
}
