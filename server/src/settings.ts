/**
 * Settings: the one place for their types and defaults. package.json's `contributes.configuration`
 * repeats the defaults for VS Code; test/core/settings.test.ts keeps the two equal.
 */
export const SETTINGS_SECTION = 'netpolGuardrails';

export interface Settings {
  /** run the analysis at all, per resource */
  readonly enable: boolean;
  /** files over this many bytes get one "skipped" finding instead of an analysis */
  readonly maxFileSize: number;
  /** globs (relative to the workspace folder) of the files the workspace index reads */
  readonly include: readonly string[];
  /** globs the workspace index skips, besides VS Code's files.exclude */
  readonly exclude: readonly string[];
  /**
   * observed flow files (Hubble JSON, or the generic JSON lines / CSV of docs/flows.md), relative
   * to the workspace folder or absolute: the observed-flow rules check the folder's policies
   * against them, and they are not read as manifests
   */
  readonly flows: readonly string[];
}

export const DEFAULT_SETTINGS: Settings = {
  enable: true,
  maxFileSize: 5 * 1024 * 1024,
  include: ['**/*.yaml', '**/*.yml', '**/*.json'],
  exclude: ['**/node_modules/**', '**/.git/**'],
  flows: [],
};

function stringList(value: unknown, fallback: readonly string[]): readonly string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : fallback;
}

/** Settings from an untrusted source (client configuration, config file) with defaults filled in. */
export function normalizeSettings(raw: unknown): Settings {
  const value = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const enable = typeof value['enable'] === 'boolean' ? value['enable'] : DEFAULT_SETTINGS.enable;
  const size = value['maxFileSize'];
  const maxFileSize = typeof size === 'number' && Number.isFinite(size) && size > 0 ? size : DEFAULT_SETTINGS.maxFileSize;
  return {
    enable,
    maxFileSize,
    include: stringList(value['include'], DEFAULT_SETTINGS.include),
    exclude: stringList(value['exclude'], DEFAULT_SETTINGS.exclude),
    flows: stringList(value['flows'], DEFAULT_SETTINGS.flows),
  };
}

/**
 * The live-cluster settings: one connection per window, so they are read without a scope. The
 * kubeconfig path is `machine` scoped (a workspace cannot point the extension at credentials);
 * the context is `window` scoped and restricted in untrusted workspaces.
 */
export const CLUSTER_SETTINGS_SECTION = `${SETTINGS_SECTION}.cluster`;

export interface ClusterSettings {
  /** kubeconfig file(s), KUBECONFIG-style list allowed; '' for $KUBECONFIG or ~/.kube/config */
  readonly kubeconfig: string;
  /** the context to connect to; '' for the kubeconfig's current-context */
  readonly context: string;
}

export const DEFAULT_CLUSTER_SETTINGS: ClusterSettings = { kubeconfig: '', context: '' };

export function normalizeClusterSettings(raw: unknown): ClusterSettings {
  const value = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  return {
    kubeconfig: typeof value['kubeconfig'] === 'string' ? value['kubeconfig'] : DEFAULT_CLUSTER_SETTINGS.kubeconfig,
    context: typeof value['context'] === 'string' ? value['context'] : DEFAULT_CLUSTER_SETTINGS.context,
  };
}
