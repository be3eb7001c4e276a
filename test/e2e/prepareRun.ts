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
const SUITE_BUNDLES = path.join(REPO_ROOT, 'dist', 'test', 'e2e', 'suite');
const WORKSPACE_FIXTURES = path.join(REPO_ROOT, 'test', 'e2e', 'workspace');

/** The suite runs against the extension as built by `npm run build`; fail clearly without it. */
export function assertExtensionBuilt(): void {
  for (const file of ['dist/extension.js', 'dist/server.js']) {
    if (!existsSync(path.join(REPO_ROOT, file))) throw new Error(`${file} is missing: run \`npm run build\` first`);
  }
}

/**
 * What the suite may use of the test API server: the runner writes it as JSON to the file named by
 * E2E_CLUSTER in the extension host's environment (suite/cluster.ts reads it).
 */
export interface E2eCluster {
  readonly url: string;
  /** the CA certificate (PEM) of the API server */
  readonly ca: string;
  /** the kubeconfig with both contexts, as in the machine settings */
  readonly kubeconfig: string;
  /** a system:masters user */
  readonly adminContext: string;
  /** a user who may get, list and watch namespaces and nothing else */
  readonly restrictedContext: string;
  /** the admin's bearer token, for the suite's own API calls (creating pods, ...) */
  readonly adminToken: string;
}

export interface SuiteBundles {
  /** suite/index.ts: the main suite (trusted workspace, test API server) */
  readonly trusted: string;
  /** suite/untrusted.ts: the untrusted workspace */
  readonly untrusted: string;
}

/** Bundles each suite entry (test/e2e/suite) into one CommonJS module that VS Code's extension host loads. */
export async function bundleSuite(): Promise<SuiteBundles> {
  await build({
    entryPoints: [path.join(REPO_ROOT, 'test', 'e2e', 'suite', 'index.ts'), path.join(REPO_ROOT, 'test', 'e2e', 'suite', 'untrusted.ts')],
    outdir: SUITE_BUNDLES,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    external: ['vscode'],
    logLevel: 'warning',
  });
  return { trusted: path.join(SUITE_BUNDLES, 'index.js'), untrusted: path.join(SUITE_BUNDLES, 'untrusted.js') };
}

/** Copies the workspace fixtures into `runDir/workspace`, so settings and edits never leak between runs. */
export async function copyWorkspace(runDir: string): Promise<string> {
  const workspace = path.join(runDir, 'workspace');
  await cp(WORKSPACE_FIXTURES, workspace, { recursive: true });
  return workspace;
}
