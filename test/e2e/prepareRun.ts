/**
 * What both e2e runners (web: runE2e.ts, desktop: runDesktop.ts) prepare before VS Code starts:
 * the built extension, the bundled suite and a fresh copy of the workspace fixtures.
 */
import { existsSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import * as path from 'node:path';
import { build } from 'esbuild';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** gitignored: the VS Code server install, failure screenshots */
export const E2E_CACHE = path.join(REPO_ROOT, 'test', 'e2e', '.cache');
/** outside tracked files, and outside what .vscodeignore lets into the package */
export const SUITE_BUNDLE = path.join(REPO_ROOT, 'dist', 'test', 'e2e', 'suite', 'index.js');
const WORKSPACE_FIXTURES = path.join(REPO_ROOT, 'test', 'e2e', 'workspace');

/** The suite runs against the extension as built by `npm run build`; fail clearly without it. */
export function assertExtensionBuilt(): void {
  for (const file of ['dist/extension.js', 'dist/server.js']) {
    if (!existsSync(path.join(REPO_ROOT, file))) throw new Error(`${file} is missing: run \`npm run build\` first`);
  }
}

/** Bundles test/e2e/suite into one CommonJS module that VS Code's extension host loads. */
export async function bundleSuite(): Promise<string> {
  await build({
    entryPoints: [path.join(REPO_ROOT, 'test', 'e2e', 'suite', 'index.ts')],
    outfile: SUITE_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    external: ['vscode'],
    logLevel: 'warning',
  });
  return SUITE_BUNDLE;
}

/** Copies the workspace fixtures into `runDir/workspace`, so settings and edits never leak between runs. */
export async function copyWorkspace(runDir: string): Promise<string> {
  const workspace = path.join(runDir, 'workspace');
  await cp(WORKSPACE_FIXTURES, workspace, { recursive: true });
  return workspace;
}
