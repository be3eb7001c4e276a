/**
 * Runs the same e2e suite in desktop VS Code through @vscode/test-electron.
 *
 *   npm run test:e2e:desktop
 *
 * It needs a machine that can download VS Code (test-electron fetches a build from VS Code's
 * update servers into test/e2e/.cache/vscode-test/) and can show a window (a desktop, or Linux
 * with `xvfb-run -a npm run test:e2e:desktop`). Our CI machines can do neither: there,
 * `npm run test:e2e` (runE2e.ts) runs the suite in VS Code's web workbench instead.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { E2E_CACHE, REPO_ROOT, assertExtensionBuilt, bundleSuite, copyWorkspace } from './prepareRun';

async function main(): Promise<number> {
  assertExtensionBuilt();
  const suite = await bundleSuite();
  const runDir = await mkdtemp(path.join(os.tmpdir(), 'netpol-e2e-desktop-'));
  try {
    const workspace = await copyWorkspace(runDir);
    return await runTests({
      cachePath: path.join(E2E_CACHE, 'vscode-test'),
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: suite,
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        `--user-data-dir=${path.join(runDir, 'user-data')}`,
      ],
    });
  } finally {
    await rm(runDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // runTests rejects when VS Code exits non-zero, which includes a failed suite
    process.stderr.write(`e2e (desktop) failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
