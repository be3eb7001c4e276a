import { parseArgs } from 'node:util';
import { LineIndex, computeDrift, formatDrift, hasDrift, isAll, portSetToJson, type DriftConnection, type DriftReport, type PortSet } from '../core';
import type { NetworkPolicyInfo } from '../core/inventory/model';
import { ClusterListError, listCluster, type ClusterListing } from '../cluster/clusterList';
import { isClusterUri } from '../cluster/clusterInventory';
import { DEFAULT_SETTINGS } from '../settings';
import { UsageError } from './files';
import { defaultJobs } from './loadFiles';
import { loadInventory, readConfig, type LoadedInventory } from './loadInventory';
import type { CliIO } from './main';

export const DRIFT_USAGE = `Usage: netpol-guardrails drift [options] PATH...

Compares the NetworkPolicies in PATH (folders are searched recursively; - reads stdin) with those
in a cluster: policies in the repository but missing in the cluster, in the cluster but not in the
repository, and changed (compared after the API server's defaulting, ignoring order and server-set
metadata), plus the connections over the cluster's real pods that only one side's policies allow.
By default only the namespaces the repository has policies for are compared.

Options:
  --context NAME             kubeconfig context (default: the current-context)
  --kubeconfig FILE          kubeconfig file(s) (default: $KUBECONFIG, else ~/.kube/config)
  --all-namespaces           compare every namespace, not only those the repository covers
  --format text|json         output format (default: text); json is a stable contract
  --request-timeout SECONDS  each API request fails after this long without an answer (default: 10)
  --max-file-size BYTES      skip larger files (default: ${DEFAULT_SETTINGS.maxFileSize})
  --config FILE              guardrail configuration, for its defaultNamespace
                             (default: ./.netpol-guardrails.yaml when present)
  -h, --help                 show this help

Needs list on namespaces, pods and networkpolicies (and on deployments, statefulsets,
daemonsets and replicasets in group apps, to group pods by workload) in all namespaces.

Exit codes: 0 no drift, 1 drift, 2 usage, kubeconfig or connection error.`;

function portsJson(set: PortSet): { all: true } | { all: false; ports: ReturnType<typeof portSetToJson> } {
  return isAll(set) ? { all: true } : { all: false, ports: portSetToJson(set) };
}

function connectionJson(c: DriftConnection): unknown {
  return { src: c.src, dst: c.dst, ...portsJson(c.ports), allowed: portsJson(c.allowed) };
}

/** The JSON contract of `drift --format json` (version 1; README "drift JSON"). */
export function driftJson(report: DriftReport, listing: Pick<ClusterListing, 'context' | 'server'>, locate: (policy: NetworkPolicyInfo) => { file: string; line: number }): unknown {
  return {
    version: 1,
    context: listing.context,
    server: listing.server ?? null,
    allNamespaces: report.allNamespaces,
    namespaces: report.namespaces,
    drift: hasDrift(report),
    missingInCluster: report.missingInCluster.map((p) => ({ namespace: p.namespace, name: p.name, ...locate(p.policy) })),
    missingInRepository: report.missingInRepository.map((p) => ({ namespace: p.namespace, name: p.name })),
    changed: report.changed.map((c) => ({
      namespace: c.namespace,
      name: c.name,
      ...locate(c.repository),
      changes: c.changes.map((d) => ({ path: d.path, repository: d.repository ?? null, cluster: d.cluster ?? null })),
    })),
    unchanged: report.unchanged,
    duplicates: report.duplicates.map((p) => ({ namespace: p.namespace, name: p.name, ...locate(p.policy) })),
    connectivity: {
      clusterOnly: report.connectivity.clusterOnly.map(connectionJson),
      repositoryOnly: report.connectivity.repositoryOnly.map(connectionJson),
    },
  };
}

function locator(loaded: LoadedInventory): (policy: NetworkPolicyInfo) => { file: string; line: number } {
  const indexes = new Map<string, LineIndex>();
  return (policy) => {
    const file = policy.source.file;
    let index = indexes.get(file);
    if (!index) indexes.set(file, (index = new LineIndex(loaded.texts.get(file) ?? '')));
    return { file, line: index.position(policy.source.range.start).line + 1 };
  };
}

export async function driftCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      context: { type: 'string' },
      kubeconfig: { type: 'string' },
      'all-namespaces': { type: 'boolean', default: false },
      format: { type: 'string', default: 'text' },
      'request-timeout': { type: 'string' },
      'max-file-size': { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(`${DRIFT_USAGE}\n`);
    return 0;
  }
  const format = values.format;
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  if (positionals.length === 0) throw new UsageError('drift needs the repository PATH(s) to compare with the cluster');
  const timeout = values['request-timeout'] === undefined ? 10 : Number(values['request-timeout']);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError('--request-timeout must be a positive number of seconds');
  let maxFileSize = DEFAULT_SETTINGS.maxFileSize;
  if (values['max-file-size'] !== undefined) {
    maxFileSize = Number(values['max-file-size']);
    if (!Number.isInteger(maxFileSize) || maxFileSize <= 0) throw new UsageError('--max-file-size must be a positive number of bytes');
  }
  const loaded = loadInventory(positionals, io.cwd, io.readStdin, readConfig(values.config, io.cwd), maxFileSize, { jobs: defaultJobs(), workerScript: io.workerScript });
  if (loaded.rejectedPolicies > 0) {
    io.stderr(`netpol-guardrails: ${loaded.rejectedPolicies} NetworkPolicy object(s) left out: kube-apiserver would reject them (run check to see why)\n`);
  }
  let listing: ClusterListing;
  try {
    listing = await listCluster({ kubeconfig: values.kubeconfig, context: values.context, requestTimeoutMs: timeout * 1000 });
  } catch (error) {
    if (error instanceof ClusterListError) {
      io.stderr(`netpol-guardrails: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  for (const denial of listing.denied) io.stderr(`netpol-guardrails: warning: ${denial.message} (its pods are compared one by one)\n`);
  const report = computeDrift({ repository: loaded.inventory.policies, cluster: listing.inventory, allNamespaces: values['all-namespaces'] });
  if (report.namespaces.length === 0 && !report.allNamespaces) {
    io.stderr('netpol-guardrails: the paths hold no NetworkPolicy, so no namespace is compared (--all-namespaces compares every namespace)\n');
  }
  const locate = locator(loaded);
  if (format === 'json') io.stdout(`${JSON.stringify(driftJson(report, listing, locate), null, 2)}\n`);
  else {
    const where = (policy: NetworkPolicyInfo): string => {
      if (isClusterUri(policy.source.file)) return `context ${listing.context}`;
      const l = locate(policy);
      return `${l.file}:${l.line}`;
    };
    io.stdout(`${formatDrift(report, where)}\n`);
  }
  return hasDrift(report) ? 1 : 0;
}
