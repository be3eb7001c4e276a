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
   * what the analysis (rules, reachability, hovers) reads: the workspace's manifests, the connected
   * cluster's objects, or both (the workspace's version of an object wins). Without a connection,
   * every value means the workspace.
   */
  readonly inventorySource: InventorySource;
  readonly authoring: AuthoringSettings;
  /**
   * observed flow files (Hubble JSON, or the generic JSON lines / CSV of docs/flows.md), relative
   * to the workspace folder or absolute: the observed-flow rules check the folder's policies
   * against them, and they are not read as manifests
   */
  readonly flows: readonly string[];
}

/** Where a template's new policy goes: a new `---` document of the current file, or a new file beside it. */
export type TemplateTarget = 'sameFile' | 'newFile';

export interface AuthoringSettings {
  /** `netpolGuardrails.authoring.templateTarget` */
  readonly templateTarget: TemplateTarget;
}

export const INVENTORY_SOURCES = ['workspace', 'cluster', 'both'] as const;
export type InventorySource = (typeof INVENTORY_SOURCES)[number];

/** Each setting's key under SETTINGS_SECTION in package.json (most are their own name). */
export const SETTING_KEYS: { readonly [K in keyof Settings]: string } = {
  enable: 'enable',
  maxFileSize: 'maxFileSize',
  include: 'include',
  exclude: 'exclude',
  inventorySource: 'cluster.inventorySource',
  authoring: 'authoring',
  flows: 'flows',
};

export const DEFAULT_SETTINGS: Settings = {
  enable: true,
  maxFileSize: 5 * 1024 * 1024,
  include: ['**/*.yaml', '**/*.yml', '**/*.json'],
  exclude: ['**/node_modules/**', '**/.git/**'],
  inventorySource: 'both',
  authoring: { templateTarget: 'sameFile' },
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
    inventorySource: inventorySourceOf(value['cluster']),
    authoring: normalizeAuthoring(value['authoring']),
    flows: stringList(value['flows'], DEFAULT_SETTINGS.flows),
  };
}

function inventorySourceOf(cluster: unknown): InventorySource {
  const raw = cluster !== null && typeof cluster === 'object' ? (cluster as Record<string, unknown>)['inventorySource'] : undefined;
  return INVENTORY_SOURCES.find((s) => s === raw) ?? DEFAULT_SETTINGS.inventorySource;
}

function normalizeAuthoring(raw: unknown): AuthoringSettings {
  const value = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const target = value['templateTarget'];
  return { templateTarget: target === 'sameFile' || target === 'newFile' ? target : DEFAULT_SETTINGS.authoring.templateTarget };
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
