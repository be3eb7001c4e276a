import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type * as KubernetesClient from './kubernetesClient';

let kubernetesClient: typeof KubernetesClient | undefined;

/** A new KubeConfig; the first call loads @kubernetes/client-node (see kubernetesClient.ts). */
function newKubeConfig(): KubeConfig {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at server start (dist/kubernetes.js)
  kubernetesClient ??= require('./kubernetesClient') as typeof KubernetesClient;
  return new kubernetesClient.KubeConfig();
}

/**
 * Which kubeconfig to read, as kubectl decides: an explicit path (the machine-scoped setting)
 * wins, then the files of $KUBECONFIG merged in order (the first file to set a value wins), then
 * ~/.kube/config. Unlike KubeConfig.loadFromDefault there is no fallback to in-cluster credentials
 * or to http://localhost:8080: without a file there is nothing to connect to.
 */
export interface KubeconfigSource {
  /** an explicit path (setting); may itself be a $KUBECONFIG-style list */
  readonly path?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  readonly home?: string;
}

export interface LoadedKubeconfig {
  readonly config: KubeConfig;
  readonly files: readonly string[];
  readonly contexts: readonly string[];
  readonly currentContext: string | undefined;
}

export class KubeconfigError extends Error {}

export function kubeconfigFiles(source: KubeconfigSource = {}): string[] {
  const env = source.env ?? process.env;
  const list = (value: string): string[] => value.split(delimiter).filter((file) => file.length > 0);
  const explicit = source.path?.trim();
  if (explicit) return list(explicit);
  const fromEnv = env['KUBECONFIG'];
  if (fromEnv && fromEnv.length > 0) return list(fromEnv);
  const home = source.home ?? homedir();
  return [join(home, '.kube', 'config')];
}

/** Reads and merges the kubeconfig files (synchronous file reads: no network). */
export function loadKubeconfig(source: KubeconfigSource = {}): LoadedKubeconfig {
  const files = kubeconfigFiles(source);
  const present = files.filter((file) => existsSync(file));
  if (present.length === 0) {
    throw new KubeconfigError(`No kubeconfig found (looked for ${files.join(', ')}). Set netpolGuardrails.cluster.kubeconfig or KUBECONFIG.`);
  }
  const config = newKubeConfig();
  let first = true;
  for (const file of present) {
    try {
      if (first) config.loadFromFile(file);
      else {
        const other = newKubeConfig();
        other.loadFromFile(file);
        mergeFirstWins(config, other);
      }
    } catch (error) {
      throw new KubeconfigError(`Cannot read kubeconfig ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    first = false;
  }
  const contexts = config.getContexts().map((c) => c.name);
  const current = config.getCurrentContext();
  return { config, files: present, contexts, currentContext: current && contexts.includes(current) ? current : undefined };
}

/**
 * kubectl's merge (client-go clientcmd): the first file to define a cluster, user or context name
 * keeps it, and current-context comes from the first file that sets one. KubeConfig.mergeConfig
 * throws on a duplicate name instead.
 */
function mergeFirstWins(into: KubeConfig, other: KubeConfig): void {
  const has = (list: readonly { name: string }[], name: string): boolean => list.some((item) => item.name === name);
  for (const cluster of other.clusters) if (!has(into.clusters, cluster.name)) into.addCluster(cluster);
  for (const user of other.users) if (!has(into.users, user.name)) into.addUser(user);
  for (const context of other.contexts) if (!has(into.contexts, context.name)) into.addContext(context);
  if (!into.getCurrentContext() && other.getCurrentContext()) into.setCurrentContext(other.getCurrentContext());
}
