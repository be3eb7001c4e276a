import type { CancellationToken, Connection } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DRIFT_SECTIONS, computeDrift, driftSummary, formatDriftChange, formatPortSet, hasDrift, type DriftConnection, type DriftReport } from '../core';
import type { ClusterConnection } from '../cluster/clusterConnection';
import { isClusterUri } from '../cluster/clusterInventory';
import { REQUIRED_CLUSTER_KINDS } from '../cluster/clusterTypes';
import { ShowDriftRequest, type ShowDriftParams, type ShowDriftResult } from '../protocol';
import { placeLabels, relativeLabel } from './explainConnection';
import type { WorkspaceIndex } from './workspaceIndex';

/**
 * netpolGuardrails/showDrift (the command netpolGuardrails.showDrift): a folder's NetworkPolicies
 * against the connected cluster's, from the connection's cache (list + watch), so the request
 * never waits on the network. The core (core/drift) compares; this turns the report into the
 * Markdown view with links to the repository's files.
 */

/** connections listed per section; the rest are counted */
const LISTED_CONNECTIONS = 200;

const NO_COUNTS: ShowDriftResult['counts'] = { missingInCluster: 0, missingInRepository: 0, changed: 0, unchanged: 0, clusterOnly: 0, repositoryOnly: 0 };

function countsOf(report: DriftReport): ShowDriftResult['counts'] {
  return {
    missingInCluster: report.missingInCluster.length,
    missingInRepository: report.missingInRepository.length,
    changed: report.changed.length,
    unchanged: report.unchanged,
    clusterOnly: report.connectivity.clusterOnly.length,
    repositoryOnly: report.connectivity.repositoryOnly.length,
  };
}

export async function showDrift(
  index: WorkspaceIndex,
  cluster: ClusterConnection,
  params: ShowDriftParams,
  textDocument: (uri: string) => TextDocument | undefined,
  token?: CancellationToken,
): Promise<ShowDriftResult> {
  const status = cluster.status();
  const snapshot = cluster.snapshot();
  const failure = (error: string, extra: Partial<ShowDriftResult> = {}): ShowDriftResult => ({
    state: status.state,
    context: status.context,
    drift: false,
    counts: NO_COUNTS,
    text: `# Drift against the cluster\n\n${error}\n`,
    references: [],
    error,
    ...extra,
  });
  if (status.state === 'disconnected') {
    return failure(`Not connected to a cluster${status.message ? ` (${status.message})` : ''}: connect to one (Network Policy Guardrails: Select Cluster Context) to compare the repository with it.`, { canConnect: true });
  }
  const denied = status.denied.filter((d) => REQUIRED_CLUSTER_KINDS.includes(d.kind));
  if (denied.length > 0) return failure(`Cannot compare with ${status.context ?? 'the cluster'}: ${denied.map((d) => d.message).join(' ')}`);
  const unlisted = REQUIRED_CLUSTER_KINDS.filter((kind) => !snapshot.listedKinds.includes(kind));
  if (unlisted.length > 0) {
    return failure(`The cache of ${status.context ?? 'the cluster'} is still loading (${unlisted.join(', ')} not listed yet${status.state !== 'connecting' ? `; the connection is ${status.state}${status.message ? `: ${status.message}` : ''}` : ''}): try again in a moment.`);
  }

  const { folderUri, inventory } = await index.folderInventory(params.folderUri, params.documentUri);
  // the folder's own policies: never cluster objects an inventory may have merged in
  const repository = inventory.policies.filter((p) => !isClusterUri(p.source.file));
  const report = computeDrift(
    { repository, cluster: { namespaces: snapshot.namespaces, workloads: snapshot.workloads, policies: snapshot.policies }, allNamespaces: params.allNamespaces === true },
    token,
  );
  const places = placeLabels(folderUri, textDocument);
  const context = snapshot.context ?? status.context ?? 'the cluster';
  const code = (text: string): string => `\`${text}\``;
  const where = (source: { file: string; range: { start: number; end: number } }): string => places.label(source);

  const lines: string[] = [`# Drift against the cluster: ${context}`, ''];
  const scope = report.allNamespaces ? 'every namespace with policies' : 'the namespaces the folder has policies for';
  const folderName = relativeLabel('', folderUri).replace(/\/+$/, '').split('/').pop() ?? folderUri;
  lines.push(`The NetworkPolicies of the folder ${code(folderName)} compared with those of ${code(context)}, in ${scope}: ${report.namespaces.length === 0 ? 'none' : report.namespaces.map(code).join(', ')}.`, '');
  lines.push('Compared after the API server’s defaulting, ignoring order and server-set metadata; connections are over the cluster’s pods.', '');
  if (status.state !== 'connected') {
    lines.push(`The connection is ${status.state}${status.message ? ` (${status.message})` : ''}: this compares with the cache as it was last synced.`, '');
  }
  const section = (title: string, entries: readonly string[]): void => {
    lines.push(`## ${title} (${entries.length})`, '');
    lines.push(...(entries.length === 0 ? ['Nothing.'] : entries), '');
  };
  section(DRIFT_SECTIONS.missingInCluster, report.missingInCluster.map((p) => `- ${code(`${p.namespace}/${p.name}`)} (${where(p.policy.source)})`));
  section(DRIFT_SECTIONS.missingInRepository, report.missingInRepository.map((p) => `- ${code(`${p.namespace}/${p.name}`)}`));
  lines.push(`## ${DRIFT_SECTIONS.changed} (${report.changed.length})`, '');
  if (report.changed.length === 0) lines.push('Nothing.');
  for (const c of report.changed) {
    lines.push(`- ${code(`${c.namespace}/${c.name}`)} (${where(c.repository.source)})`);
    for (const d of c.changes) lines.push(`  - ${formatDriftChange(d, code)}`);
  }
  lines.push('');
  const connections = (title: string, list: readonly DriftConnection[]): void => {
    lines.push(`## ${title} (${list.length})`, '');
    if (list.length === 0) lines.push('Nothing.');
    for (const c of list.slice(0, LISTED_CONNECTIONS)) lines.push(`- ${c.src} -> ${c.dst}: ${formatPortSet(c.ports)}`);
    if (list.length > LISTED_CONNECTIONS) lines.push(`- and ${list.length - LISTED_CONNECTIONS} more (the CLI's \`drift --format json\` lists them all)`);
    lines.push('');
  };
  connections(DRIFT_SECTIONS.clusterOnly, report.connectivity.clusterOnly);
  connections(DRIFT_SECTIONS.repositoryOnly, report.connectivity.repositoryOnly);
  if (report.duplicates.length > 0) {
    lines.push(`Defined more than once in the folder (the first definition is compared): ${report.duplicates.map((p) => `${code(`${p.namespace}/${p.name}`)} (${where(p.policy.source)})`).join(', ')}.`, '');
  }
  lines.push(driftSummary(report), '');
  return { state: status.state, context, drift: hasDrift(report), counts: countsOf(report), text: lines.join('\n'), references: places.references() };
}

export function registerShowDrift(connection: Connection, index: WorkspaceIndex, cluster: ClusterConnection, textDocument: (uri: string) => TextDocument | undefined): void {
  connection.onRequest(ShowDriftRequest.method, async (params: ShowDriftParams, token: CancellationToken) => {
    try {
      return await showDrift(index, cluster, params, textDocument, token);
    } catch (error) {
      connection.console.error(`Show drift failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      throw error;
    }
  });
}
