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
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { startTestCluster } from '../cluster/testCluster';
import { E2E_CACHE, REPO_ROOT, assertExtensionBuilt, bundleSuite, copyWorkspace, type E2eCluster } from './prepareRun';

async function main(): Promise<number> {
  assertExtensionBuilt();
  const suite = (await bundleSuite()).trusted;
  const runDir = await mkdtemp(path.join(os.tmpdir(), 'netpol-e2e-desktop-'));
  // the cluster scenarios need the test API server, as in runE2e.ts; the untrusted-workspace suite
  // (suite/untrusted.ts) runs in the web runner only
  const cluster = await startTestCluster();
  try {
    const workspace = await copyWorkspace(runDir);
    const info: E2eCluster = { url: cluster.url, ca: cluster.ca, kubeconfig: cluster.kubeconfig, adminContext: 'netpol-test-admin', restrictedContext: 'netpol-test-restricted', adminToken: cluster.adminToken };
    const clusterFile = path.join(runDir, 'cluster.json');
    await writeFile(clusterFile, JSON.stringify(info));
    // desktop VS Code has no machine settings: the machine-scoped kubeconfig goes into the user's
    await mkdir(path.join(runDir, 'user-data', 'User'), { recursive: true });
    await writeFile(path.join(runDir, 'user-data', 'User', 'settings.json'), JSON.stringify({ 'netpolGuardrails.cluster.kubeconfig': cluster.kubeconfig }));
    return await runTests({
      cachePath: path.join(E2E_CACHE, 'vscode-test'),
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: suite,
      extensionTestsEnv: { E2E_CLUSTER: clusterFile },
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
    await cluster.stop();
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
