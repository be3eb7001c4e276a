import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

export class UsageError extends Error {}

/** A file to check: its display path and how to read it. `-` is stdin. */
export interface InputFile {
  readonly path: string;
  readonly size: number | undefined;
  /** its absolute path (undefined for stdin), so another thread can read it */
  readonly file: string | undefined;
  read(): Uint8Array;
}

function walk(dir: string, out: string[]): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(full, out);
    } else if (entry.isFile() && MANIFEST_EXTENSIONS.some((ext) => entry.name.toLowerCase().endsWith(ext))) {
      out.push(full);
    }
  }
}

/** Files named on the command line, folders searched recursively; a missing path is a UsageError. */
export function collectInputs(paths: readonly string[], cwd: string, readStdin: () => Uint8Array): InputFile[] {
  const inputs: InputFile[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    if (path === '-') {
      inputs.push({ path: '<stdin>', size: undefined, file: undefined, read: readStdin });
      continue;
    }
    const absolute = resolve(cwd, path);
    let stat;
    try {
      stat = statSync(absolute);
    } catch {
      throw new UsageError(`${path}: no such file or directory`);
    }
    const files: string[] = [];
    if (stat.isDirectory()) walk(absolute, files);
    else files.push(absolute);
    for (const file of files) {
      if (seen.has(file)) continue;
      seen.add(file);
      const display = relative(cwd, file) || file;
      inputs.push({
        path: display.startsWith('..') ? file : display,
        size: statSync(file).size,
        file,
        read: () => readFileSync(file),
      });
    }
  }
  return inputs;
}
