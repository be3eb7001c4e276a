import { lstatSync, mkdirSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Node's on-disk compile cache (V8 code cache, `module.enableCompileCache`, Node >= 22.1) for the
 * server's bundle: without it every start compiles the whole bundle again (the largest single
 * step of the server's startup, see bench/startup.ts). Node keys each entry by the source's hash
 * and its own version, so a rebuilt bundle or another Node simply misses; the cache is a speed-up
 * only, and any failure leaves the server starting as before.
 *
 * The directory: NODE_COMPILE_CACHE when the user set it (Node has then enabled it before any of
 * our code ran), none with NODE_DISABLE_COMPILE_CACHE, else a folder of this user's under the
 * temporary directory. A code cache is code: a folder another user could write to, or a symbolic
 * link to one, is not used (Node's own default, `<tmpdir>/node-compile-cache`, is shared by every
 * user of the machine, hence a folder per user id).
 */

interface CompileCacheApi {
  enableCompileCache?: (directory?: string) => { status: number; message?: string; directory?: string };
  flushCompileCache?: () => void;
  getCompileCacheDir?: () => string | undefined;
}

const api = nodeModule as unknown as CompileCacheApi;

/** Enables the compile cache for what this process loads from now on; the directory used, if any. */
export function enableCompileCache(): string | undefined {
  if (typeof api.enableCompileCache !== 'function') return undefined;
  if (process.env['NODE_DISABLE_COMPILE_CACHE'] || process.env['NODE_COMPILE_CACHE'] !== undefined) return undefined;
  const directory = privateDirectory(join(tmpdir(), `netpol-guardrails-${process.getuid?.() ?? 'user'}`));
  if (directory === undefined) return undefined;
  try {
    return api.enableCompileCache(join(directory, 'compile-cache')).directory;
  } catch {
    return undefined;
  }
}

/** The compile cache's folder when it is on in this process (Node >= 22.8 tells). */
export function compileCacheDirectory(): string | undefined {
  try {
    return api.getCompileCacheDir?.() || undefined;
  } catch {
    return undefined;
  }
}

/** Writes what was compiled so far (Node >= 22.10; Node also writes at exit). */
export function flushCompileCache(): void {
  try {
    api.flushCompileCache?.();
  } catch {
    // a cache that cannot be written only costs the next start its speed-up
  }
}

/** `path`, created if missing, when it is a real directory only this user can write; else undefined. */
export function privateDirectory(path: string): string | undefined {
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    const stat = lstatSync(path);
    if (!stat.isDirectory()) return undefined;
    const uid = process.getuid?.();
    // POSIX: ours, and neither group- nor world-writable (Windows' temporary folder is per user)
    if (uid !== undefined && (stat.uid !== uid || (stat.mode & 0o022) !== 0)) return undefined;
    return path;
  } catch {
    return undefined;
  }
}
