/**
 * The test API server from inside the extension host: the runner (test/e2e/runE2e.ts) starts a real
 * kube-apiserver (test/cluster/testCluster.ts), puts its kubeconfig into the VS Code server's
 * machine settings (`netpolGuardrails.cluster.kubeconfig`) and names a JSON file with what the
 * suite may use of it in E2E_CLUSTER. Scenarios that need the cluster fail without it: never skipped.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ClusterStatusItemView, SelectClusterContextArgs } from '../../../client/src/clusterStatus';
import type { ExtensionApi } from '../../../client/src/extension';
import type { ClusterStatus } from '../../../server/src/protocol';
import { apiClient, type ApiClient } from '../../cluster/apiClient';
import type { E2eCluster } from '../prepareRun';
import { waitFor } from './scenarioRunner';

export const SELECT_CLUSTER_CONTEXT = 'netpolGuardrails.selectClusterContext';

export function e2eCluster(): E2eCluster {
  const file = process.env['E2E_CLUSTER'];
  assert.ok(file, 'E2E_CLUSTER names the test API server (test/e2e/runE2e.ts starts it)');
  return JSON.parse(readFileSync(file, 'utf8')) as E2eCluster;
}

/** An HTTPS client for the test API server with the admin's token: `send(method, path, body?)`. */
export function adminApi(cluster: E2eCluster): ApiClient & { admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> } {
  const client = apiClient(cluster);
  return {
    ...client,
    admin: (method, path, body) => client.send(method, path, cluster.adminToken, body === undefined ? undefined : JSON.stringify(body)),
  };
}

/** Runs the status bar item's command with a choice of its quick pick (a context name, or `Disconnect`). */
export async function pickCluster(pick: string): Promise<ClusterStatus | undefined> {
  const args: SelectClusterContextArgs = { pick };
  return vscode.commands.executeCommand<ClusterStatus | undefined>(SELECT_CLUSTER_CONTEXT, args);
}

/** Waits until the cluster status bar item satisfies `predicate`; on timeout says what it showed last. */
export async function waitForStatusItem(api: ExtensionApi, predicate: (view: ClusterStatusItemView) => boolean, what: string, timeoutMs = 30_000): Promise<ClusterStatusItemView> {
  try {
    return await waitFor(() => {
      const view = api.clusterStatusItem();
      return Promise.resolve(predicate(view) ? view : undefined);
    }, timeoutMs, what);
  } catch (error) {
    const view = api.clusterStatusItem();
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}; the item showed: ${view.shown ? `"${view.text}"` : '(hidden)'}, state ${view.status?.state ?? '(no status)'}` +
        `${view.status?.message ? ` (${view.status.message})` : ''}`,
    );
  }
}
