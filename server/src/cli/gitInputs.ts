import { execFileSync } from 'node:child_process';
import { MANIFEST_EXTENSIONS, UsageError, type InputFile } from './files';

/**
 * The manifests under `paths` as they are in git revision `ref` (read-only: `git ls-tree` and
 * `git show`), for `diff --git REF`. Paths are relative to `cwd`, as git prints them there.
 */
export function gitInputs(ref: string, paths: readonly string[], cwd: string): InputFile[] {
  let listing: string;
  try {
    listing = execFileSync('git', ['ls-tree', '-r', '-z', '--name-only', ref, '--', ...paths], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new UsageError(`--git ${ref}: ${stderr || String(error)}`);
  }
  return listing
    .split('\0')
    .filter((file) => file.length > 0 && MANIFEST_EXTENSIONS.some((ext) => file.toLowerCase().endsWith(ext)))
    .map((file) => ({
      path: file,
      size: undefined,
      // not on disk: read in this thread, through git
      file: undefined,
      read: () => execFileSync('git', ['show', `${ref}:./${file}`], { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 }),
    }));
}
