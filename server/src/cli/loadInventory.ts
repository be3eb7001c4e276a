import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CONFIG_FILE_NAME, DEFAULT_CONFIG, GUARDRAIL_RULES, parseConfig, type GuardrailConfig, type Inventory } from '../core';
import { DEFAULT_SETTINGS } from '../settings';
import { UsageError, collectInputs, type InputFile } from './files';
import { loadFiles, workspaceOf } from './loadFiles';

export interface LoadedInventory {
  readonly inventory: Inventory;
  /** each read file's text, to turn offsets into lines */
  readonly texts: ReadonlyMap<string, string>;
  readonly files: number;
  /** NetworkPolicies left out because kube-apiserver would reject them (they never apply) */
  readonly rejectedPolicies: number;
}

/** How many threads read and analyse the files (see loadFiles.ts); one when not given. */
export interface LoadThreads {
  readonly jobs: number;
  /** the script analysis threads run (dist/cliMain.js); without it everything runs on this thread */
  readonly workerScript: string | undefined;
}

const ONE_THREAD: LoadThreads = { jobs: 1, workerScript: undefined };

/**
 * Reads the paths the way `check` does (folders recursively, `-` for stdin, the same size limit and
 * decoding, the same threads) into one WorkspaceAnalysis, so connectivity sees exactly the
 * inventory the guardrails see.
 */
export function loadInventory(
  paths: readonly string[],
  cwd: string,
  readStdin: () => Uint8Array,
  config: GuardrailConfig = DEFAULT_CONFIG,
  maxFileSize: number = DEFAULT_SETTINGS.maxFileSize,
  threads: LoadThreads = ONE_THREAD,
): LoadedInventory {
  return loadInputs(collectInputs(paths, cwd, readStdin), config, maxFileSize, threads);
}

/** The inventory of files given as InputFiles (from disk, stdin, or a git revision). */
export function loadInputs(
  inputs: readonly InputFile[],
  config: GuardrailConfig = DEFAULT_CONFIG,
  maxFileSize: number = DEFAULT_SETTINGS.maxFileSize,
  threads: LoadThreads = ONE_THREAD,
): LoadedInventory {
  const options = { maxFileSizeBytes: maxFileSize };
  const loaded = loadFiles(inputs, options, threads.jobs, threads.workerScript);
  const workspace = workspaceOf(loaded, config, options);
  const texts = new Map<string, string>();
  let rejectedPolicies = 0;
  for (const f of loaded) {
    if ('skipped' in f) continue;
    texts.set(f.path, f.text);
    rejectedPolicies += f.analysis.objects.filter((o) => o.kind === 'NetworkPolicy' && o.hasApiErrors === true).length;
  }
  return { inventory: workspace.inventory(), texts, files: inputs.length, rejectedPolicies };
}

/**
 * The guardrail configuration as `check` reads it (`--config FILE`, else ./.netpol-guardrails.yaml
 * when present): its defaultNamespace decides where objects without metadata.namespace live, so
 * connectivity must place them where check does. Its findings are check's to report.
 */
export function readConfig(path: string | undefined, cwd: string): GuardrailConfig {
  const file = resolve(cwd, path ?? CONFIG_FILE_NAME);
  if (!existsSync(file)) {
    if (path !== undefined) throw new UsageError(`${path}: no such file or directory`);
    return DEFAULT_CONFIG;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${path ?? CONFIG_FILE_NAME}: cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseConfig(text, GUARDRAIL_RULES.map((r) => r.id)).config;
}
