import type { KubeConfig } from '@kubernetes/client-node';
import { ApiStatusError, createTransport, statusMessage } from './apiTransport';
import { canonicalClusterUri, clusterObjectText, clusterObjectUri, clusterPod, objectContribution, parseClusterObjectUri, type ClusterPod, type ClusterSnapshot } from './clusterInventory';
import { type ClusterCounts, type ClusterDenial, type ClusterKind, type ClusterState, type ClusterStatus } from './clusterTypes';
import { KubeconfigError, loadKubeconfig, type LoadedKubeconfig } from './kubeconfig';
import { Reflector, type ReflectorOptions } from './reflector';
import { RESOURCE_TYPES } from './resources';
import type { NamespaceInfo, NetworkPolicyInfo, Workload } from '../core/inventory/model';

/**
 * The live-cluster connection: a kubeconfig and context, one Reflector (list + watch cache) per
 * kind, and the state derived from them. Nothing here is awaited by an LSP request: connect()
 * reads the kubeconfig (a local file) and returns at once; the network work runs in the
 * background and reports through onDidChangeStatus / onDidChangeCache; snapshot() reads the
 * cache as it is.
 */

export interface ConnectOptions {
  /** explicit kubeconfig path(s) (the machine-scoped setting); else $KUBECONFIG, else ~/.kube/config */
  readonly kubeconfig?: string | undefined;
  /** the context to use; else the kubeconfig's current-context */
  readonly context?: string | undefined;
}

export interface ClusterConnectionOptions extends Partial<ReflectorOptions> {
  readonly log?: (message: string) => void;
  readonly env?: NodeJS.ProcessEnv;
  readonly home?: string;
  /** cache changes are reported at most this often */
  readonly changeDebounceMs?: number;
}

export interface Disposable {
  dispose(): void;
}

const DEFAULT_REFLECTOR_OPTIONS: ReflectorOptions = {
  pageSize: 500,
  requestTimeoutMs: 5_000,
  watchTimeoutSeconds: 300,
  backoffInitialMs: 500,
  backoffMaxMs: 30_000,
};

const EMPTY_COUNTS: ClusterCounts = { namespaces: 0, pods: 0, workloads: 0, policies: 0 };

interface Session {
  readonly context: string;
  readonly server: string | undefined;
  readonly source: ConnectOptions;
  loaded: LoadedKubeconfig;
  /** set after a failure: the next request re-reads the kubeconfig (rotated credentials, a moved endpoint) */
  reloadPending: boolean;
  loadedAt: number;
  readonly reflectors: Reflector[];
}

export class ClusterConnection implements Disposable {
  private session: Session | undefined;
  /** the kubeconfig as last read without connecting (for the context list) */
  private lastRead: { contexts: readonly string[]; files: readonly string[]; current: string | undefined } = { contexts: [], files: [], current: undefined };
  private message: string | undefined;
  private failedState: ClusterState | undefined;
  private readonly denials = new Map<ClusterKind, ClusterDenial>();
  private lastStatusKey = '';
  private readonly statusListeners = new Set<(status: ClusterStatus) => void>();
  private readonly cacheListeners = new Set<() => void>();
  private cacheTimer: NodeJS.Timeout | undefined;
  private cacheVersion = 0;
  private snapshotCache: { version: number; snapshot: ClusterSnapshot } | undefined;
  private readonly reflectorOptions: ReflectorOptions;
  private readonly log: (message: string) => void;

  constructor(private readonly options: ClusterConnectionOptions = {}) {
    this.reflectorOptions = {
      pageSize: options.pageSize ?? DEFAULT_REFLECTOR_OPTIONS.pageSize,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REFLECTOR_OPTIONS.requestTimeoutMs,
      watchTimeoutSeconds: options.watchTimeoutSeconds ?? DEFAULT_REFLECTOR_OPTIONS.watchTimeoutSeconds,
      backoffInitialMs: options.backoffInitialMs ?? DEFAULT_REFLECTOR_OPTIONS.backoffInitialMs,
      backoffMaxMs: options.backoffMaxMs ?? DEFAULT_REFLECTOR_OPTIONS.backoffMaxMs,
    };
    this.log = options.log ?? (() => undefined);
  }

  onDidChangeStatus(listener: (status: ClusterStatus) => void): Disposable {
    this.statusListeners.add(listener);
    return { dispose: () => this.statusListeners.delete(listener) };
  }

  /** the cache changed (debounced) */
  onDidChangeCache(listener: () => void): Disposable {
    this.cacheListeners.add(listener);
    return { dispose: () => this.cacheListeners.delete(listener) };
  }

  /** Reads the kubeconfig for its contexts, without connecting. */
  readKubeconfig(source: ConnectOptions = {}): ClusterStatus {
    try {
      const loaded = this.load(source);
      this.lastRead = { contexts: loaded.contexts, files: loaded.files, current: source.context ?? loaded.currentContext };
      if (!this.session) this.message = undefined;
    } catch (error) {
      this.lastRead = { contexts: [], files: [], current: undefined };
      if (!this.session) this.message = errorMessage(error);
    }
    this.emitStatus();
    return this.status();
  }

  /**
   * Starts (or restarts) the connection with a kubeconfig and context. Returns at once with the
   * state `connecting`, or `disconnected` with a message when the kubeconfig cannot be used.
   */
  connect(source: ConnectOptions = {}): ClusterStatus {
    this.stopSession();
    this.denials.clear();
    this.failedState = undefined;
    let loaded: LoadedKubeconfig;
    try {
      loaded = this.load(source);
    } catch (error) {
      this.lastRead = { contexts: [], files: [], current: undefined };
      this.message = errorMessage(error);
      this.emitStatus();
      return this.status();
    }
    const context = source.context ?? loaded.currentContext;
    this.lastRead = { contexts: loaded.contexts, files: loaded.files, current: context };
    if (!context || !loaded.contexts.includes(context)) {
      this.message = context ? `The kubeconfig has no context "${context}".` : 'The kubeconfig has no current-context: choose a context.';
      this.emitStatus();
      return this.status();
    }
    loaded.config.setCurrentContext(context);
    const session: Session = {
      context,
      server: loaded.config.getCurrentCluster()?.server,
      source,
      loaded,
      reloadPending: false,
      loadedAt: Date.now(),
      reflectors: [],
    };
    this.session = session;
    this.message = undefined;
    const transport = createTransport(() => this.currentConfig(session));
    for (const type of RESOURCE_TYPES) {
      session.reflectors.push(
        new Reflector(type, transport, {
          stateChanged: (reflector) => this.reflectorStateChanged(session, reflector),
          itemsChanged: () => this.itemsChanged(session),
          log: (message) => this.log(`cluster ${context}: ${message}`),
        }, this.reflectorOptions),
      );
    }
    this.log(`cluster: connecting to context ${context} (${session.server ?? 'no server'}) from ${loaded.files.join(', ')}`);
    this.emitStatus();
    for (const reflector of session.reflectors) reflector.start();
    return this.status();
  }

  disconnect(): ClusterStatus {
    if (this.session) this.log(`cluster: disconnected from ${this.session.context}`);
    this.stopSession();
    this.denials.clear();
    this.failedState = undefined;
    this.message = undefined;
    this.emitStatus();
    return this.status();
  }

  dispose(): void {
    this.stopSession();
    this.statusListeners.clear();
    this.cacheListeners.clear();
  }

  status(): ClusterStatus {
    const session = this.session;
    const reflectors = session?.reflectors ?? [];
    return {
      state: this.state(),
      context: session?.context ?? this.lastRead.current,
      server: session?.server,
      contexts: this.lastRead.contexts,
      kubeconfigFiles: this.lastRead.files,
      message: this.message,
      denied: [...this.denials.values()],
      counts: session ? this.counts(session) : EMPTY_COUNTS,
      syncedKinds: reflectors.filter((r) => r.state === 'watching').map((r) => r.type.kind),
      lastSyncAt: reflectors.reduce<number | undefined>((latest, r) => (r.lastEventAt !== undefined && (latest === undefined || r.lastEventAt > latest) ? r.lastEventAt : latest), undefined),
    };
  }

  /** The cached objects as inventory entries; the same object until the cache changes. */
  snapshot(): ClusterSnapshot {
    if (this.snapshotCache && this.snapshotCache.version === this.cacheVersion) {
      const state = this.state();
      const cached = this.snapshotCache.snapshot;
      if (cached.state === state) return cached;
      // only the state moved: the same objects (and lists), so what was built from them is kept
      const reflectors = this.session?.reflectors ?? [];
      const snapshot: ClusterSnapshot = {
        ...cached,
        state,
        takenAt: Date.now(),
        syncedKinds: reflectors.filter((r) => r.state === 'watching').map((r) => r.type.kind),
        listedKinds: reflectors.filter((r) => r.listedAt !== undefined).map((r) => r.type.kind),
      };
      this.snapshotCache = { version: this.cacheVersion, snapshot };
      return snapshot;
    }
    const session = this.session;
    const namespaces: NamespaceInfo[] = [];
    const workloads: Workload[] = [];
    const policies: NetworkPolicyInfo[] = [];
    const pods: ClusterPod[] = [];
    for (const reflector of session?.reflectors ?? []) {
      if (reflector.listedAt === undefined || !session) continue;
      for (const object of reflector.items.values()) {
        const contribution = objectContribution(session.context, object);
        namespaces.push(...contribution.namespaces);
        workloads.push(...contribution.workloads);
        policies.push(...contribution.policies);
        if (reflector.type.kind === 'Pod') pods.push(clusterPod(object));
      }
    }
    const reflectors = session?.reflectors ?? [];
    const snapshot: ClusterSnapshot = {
      context: session?.context,
      state: this.state(),
      takenAt: Date.now(),
      syncedKinds: reflectors.filter((r) => r.state === 'watching').map((r) => r.type.kind),
      listedKinds: reflectors.filter((r) => r.listedAt !== undefined).map((r) => r.type.kind),
      namespaces,
      workloads,
      policies,
      pods,
    };
    this.snapshotCache = { version: this.cacheVersion, snapshot };
    return snapshot;
  }

  /**
   * The text of a cached object named by its netpol-cluster: URI (the text its findings' ranges
   * are offsets into), or undefined when the cache has no such object in the current context.
   */
  objectText(uri: string): string | undefined {
    const parsed = parseClusterObjectUri(canonicalClusterUri(uri));
    const session = this.session;
    if (!parsed || !session) return undefined;
    const reflector = session.reflectors.find((r) => r.type.kind.toLowerCase() === parsed.kind);
    if (!reflector) return undefined;
    // the URI must name this context (as the client writes it back)
    if (canonicalClusterUri(clusterObjectUri(session.context, reflector.type.kind, parsed.namespace, parsed.name)) !== canonicalClusterUri(uri)) return undefined;
    const object = reflector.items.get(`${parsed.namespace ?? ''}/${parsed.name}`);
    return object ? clusterObjectText(object) : undefined;
  }

  private load(source: ConnectOptions): LoadedKubeconfig {
    return loadKubeconfig({
      path: source.kubeconfig,
      ...(this.options.env ? { env: this.options.env } : {}),
      ...(this.options.home !== undefined ? { home: this.options.home } : {}),
    });
  }

  /**
   * The session's KubeConfig, read again while requests fail (at most once a second): credentials
   * may have been rotated or the endpoint moved, as kubectl would see on its next run.
   */
  private currentConfig(session: Session): KubeConfig {
    const failing = session.reflectors.some((r) => r.state === 'unreachable' || r.state === 'unauthorised');
    if ((session.reloadPending || failing) && this.session === session && Date.now() - session.loadedAt >= 1000) {
      session.reloadPending = false;
      session.loadedAt = Date.now();
      try {
        const loaded = this.load(session.source);
        if (loaded.contexts.includes(session.context)) {
          loaded.config.setCurrentContext(session.context);
          session.loaded = loaded;
        }
      } catch (error) {
        this.log(`cluster: re-reading the kubeconfig failed, keeping the one read before: ${errorMessage(error)}`);
      }
    }
    return session.loaded.config;
  }

  private stopSession(): void {
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    for (const reflector of session.reflectors) reflector.stop();
    this.cacheVersion++;
    if (this.cacheTimer) clearTimeout(this.cacheTimer);
    this.cacheTimer = undefined;
    // the cache is now empty
    for (const listener of [...this.cacheListeners]) listener();
  }

  private state(): ClusterState {
    const session = this.session;
    if (!session) return 'disconnected';
    const states = session.reflectors.map((r) => r.state);
    if (states.includes('unauthorised')) return 'unauthorised';
    if (states.includes('unreachable')) return 'unreachable';
    if (states.every((s) => s === 'denied')) return 'unauthorised';
    if (states.every((s) => s === 'watching' || s === 'denied')) return 'connected';
    // a kind being listed again after a watch broke keeps a state already reached
    if (this.failedState === undefined && session.reflectors.every((r) => r.listedAt !== undefined || r.state === 'denied')) return 'connected';
    return this.failedState ?? 'connecting';
  }

  private reflectorStateChanged(session: Session, reflector: Reflector): void {
    if (this.session !== session) return;
    const error = reflector.lastError;
    if (reflector.state === 'denied' && reflector.failedVerb && !this.denials.has(reflector.type.kind)) {
      const denial = describeDenial(reflector.type.kind, reflector.type.group, reflector.type.resource, reflector.failedVerb, error);
      this.denials.set(reflector.type.kind, denial);
      this.log(`cluster ${session.context}: ${denial.message}`);
    }
    if (reflector.state === 'unauthorised' || reflector.state === 'unreachable') {
      session.reloadPending = true;
      this.failedState = reflector.state;
      if (error) this.message = error.message;
    }
    // a list that works again (RBAC granted since) ends a list denial; a watch denial stays, since
    // every relist of that kind succeeds before its watch is denied again
    if (reflector.state === 'watching' && this.denials.get(reflector.type.kind)?.verb === 'list') this.denials.delete(reflector.type.kind);
    if (reflector.state === 'watching' && session.reflectors.every((r) => r.state === 'watching' || r.state === 'denied')) {
      this.failedState = undefined;
      this.message = undefined;
    }
    this.emitStatus();
  }

  private itemsChanged(session: Session): void {
    if (this.session !== session) return;
    this.cacheVersion++;
    if (this.cacheTimer) return;
    this.cacheTimer = setTimeout(() => {
      this.cacheTimer = undefined;
      if (this.session !== session) return;
      // build the snapshot here, off any request's path: requests then read it as it is
      this.snapshot();
      for (const listener of [...this.cacheListeners]) listener();
      this.emitStatus();
    }, this.options.changeDebounceMs ?? 100);
  }

  private counts(session: Session): ClusterCounts {
    let workloads = 0;
    const size = (kind: ClusterKind): number => session.reflectors.find((r) => r.type.kind === kind)?.items.size ?? 0;
    for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'] as const) workloads += size(kind);
    return { namespaces: size('Namespace'), pods: size('Pod'), workloads, policies: size('NetworkPolicy') };
  }

  /** Tells the listeners when the status (the counts included) differs from the last one told. */
  private emitStatus(): void {
    const status = this.status();
    const key = JSON.stringify({ ...status, lastSyncAt: undefined });
    if (key === this.lastStatusKey) return;
    this.lastStatusKey = key;
    for (const listener of [...this.statusListeners]) listener(status);
  }
}

export function describeDenial(kind: ClusterKind, group: string, resource: string, verb: 'list' | 'watch', error: ApiStatusError | Error | undefined): ClusterDenial {
  const groupText = group === '' ? 'core group' : `group ${group}`;
  const apiMessage = error instanceof ApiStatusError ? statusMessage(error.body) : error?.message;
  return {
    kind,
    verb,
    resource,
    group,
    // the cache lists and watches across all namespaces, so the permission is cluster-wide
    namespace: undefined,
    message: `No access to ${kind} objects: missing permission "${verb}" on ${resource} (${groupText}) in all namespaces (cluster scope)${apiMessage ? `. The API server said: ${apiMessage}` : ''}`,
  };
}

function errorMessage(error: unknown): string {
  if (error instanceof KubeconfigError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
