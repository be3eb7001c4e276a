import { ApiStatusError, CredentialsError, NetworkError, statusMessage, type Transport, type WatchEvent } from './apiTransport';
import type { ClusterKind } from './clusterTypes';

/**
 * One kind's cache, kept as client-go's Reflector keeps it: a paged LIST (limit/continue) fills
 * it, a WATCH from the list's resourceVersion keeps it, with bookmarks so a reconnecting watch
 * resumes where it was. When the server says the version is too old (410 Gone, as a status or
 * as an ERROR event), or a watch breaks, the kind is listed again; failures back off
 * exponentially with jitter.
 */

export type Obj = Record<string, unknown>;

export interface ResourceType {
  readonly kind: ClusterKind;
  readonly apiVersion: string;
  /** the API group ('' for core) and resource, as RBAC names them */
  readonly group: string;
  readonly resource: string;
  /** keeps what the inventory and the hovers read, drops the rest (managedFields, annotations, status) */
  readonly slim: (object: Obj) => Obj;
}

export type ReflectorState =
  /** listing (first time, or again after a failure: the old items are kept meanwhile) */
  | 'listing'
  /** listed and watching: the items are current */
  | 'watching'
  /** 403 */
  | 'denied'
  /** 401 */
  | 'unauthorised'
  /** no answer, or a 5xx */
  | 'unreachable';

export interface ReflectorOptions {
  readonly pageSize: number;
  readonly requestTimeoutMs: number;
  /** the server ends each watch after this long (plus its own jitter); the idle timeout is longer */
  readonly watchTimeoutSeconds: number;
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
}

export interface ReflectorHooks {
  /** the state or the last error changed */
  stateChanged(reflector: Reflector): void;
  /** the items changed */
  itemsChanged(reflector: Reflector): void;
  log(message: string): void;
}

export class Reflector {
  state: ReflectorState = 'listing';
  /** the last failure, for messages; cleared by a successful list */
  lastError: ApiStatusError | NetworkError | undefined;
  /** the verb that failed with 403/401 */
  failedVerb: 'list' | 'watch' | undefined;
  /** set once the kind has been listed (the items are meaningful) */
  listedAt: number | undefined;
  lastEventAt: number | undefined;
  /** by namespace/name */
  readonly items = new Map<string, Obj>();
  private readonly abort = new AbortController();

  constructor(
    readonly type: ResourceType,
    private readonly transport: Transport,
    private readonly hooks: ReflectorHooks,
    private readonly options: ReflectorOptions,
  ) {}

  get path(): string {
    return resourcePath(this.type);
  }

  start(): void {
    void this.run().catch((error: unknown) => this.hooks.log(`${this.type.kind}: the cache stopped: ${String(error)}`));
  }

  stop(): void {
    this.abort.abort();
  }

  private get signal(): AbortSignal {
    return this.abort.signal;
  }

  private setState(state: ReflectorState, error?: ApiStatusError | NetworkError, verb?: 'list' | 'watch'): void {
    const changed = state !== this.state || error?.message !== this.lastError?.message;
    this.state = state;
    this.lastError = error;
    this.failedVerb = verb;
    if (changed) this.hooks.stateChanged(this);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.signal.aborted) {
      let verb: 'list' | 'watch' = 'list';
      try {
        let resourceVersion = await this.list();
        failures = 0;
        this.setState('watching');
        verb = 'watch';
        for (;;) {
          const started = Date.now();
          const next = await this.watch(resourceVersion);
          if (next === undefined) {
            this.hooks.log(`${this.type.kind}: the watch from resourceVersion ${resourceVersion} expired (410 Gone): listing again`);
            break;
          }
          resourceVersion = next;
          // a watch that ran its course is a success; one the server ends at once is not (no busy loop)
          if (Date.now() - started < 1000) await sleep(this.options.backoffInitialMs, this.signal);
          else failures = 0;
        }
        continue;
      } catch (error) {
        if (this.signal.aborted) return;
        failures++;
        const delay = this.classify(error, verb, failures);
        await sleep(delay, this.signal);
      }
    }
  }

  /** Records a failure and returns how long to wait before listing again. */
  private classify(error: unknown, verb: 'list' | 'watch', failures: number): number {
    const backoff = Math.min(this.options.backoffMaxMs, this.options.backoffInitialMs * 2 ** (failures - 1));
    const jittered = backoff * (0.8 + Math.random() * 0.4);
    if (error instanceof ApiStatusError) {
      if (error.status === 401) {
        this.setState('unauthorised', error, verb);
        return this.options.backoffMaxMs;
      }
      if (error.status === 403) {
        this.setState('denied', error, verb);
        return this.options.backoffMaxMs;
      }
      if (error.status === 410) return 0;
      if (verb === 'watch' && failures === 1) {
        this.setState('listing', error);
        return 0;
      }
      this.setState('unreachable', error, verb);
      return jittered;
    }
    if (error instanceof CredentialsError) {
      this.setState('unauthorised', new NetworkError(error.message, 'ECREDENTIALS'), verb);
      return this.options.backoffMaxMs;
    }
    if (error instanceof NetworkError) {
      // A watch that breaks once (a load balancer's idle cut, an API server rollout) is listed
      // again at once, with the old items kept; only a failing list makes the kind unreachable.
      if (verb === 'watch' && failures === 1) {
        this.setState('listing', error);
        return 0;
      }
      this.setState('unreachable', error, verb);
      return jittered;
    }
    this.hooks.log(`${this.type.kind}: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    this.setState('unreachable', new NetworkError(String(error), undefined), verb);
    return jittered;
  }

  /** A paged list; replaces the items at the end and returns the list's resourceVersion. */
  private async list(): Promise<string> {
    const { items, resourceVersion } = await listPages(this.transport, this.type, this.path, this.options, this.signal);
    this.items.clear();
    for (const [key, value] of items) this.items.set(key, value);
    this.listedAt = Date.now();
    this.lastEventAt = this.listedAt;
    this.hooks.itemsChanged(this);
    return resourceVersion;
  }

  /** One watch; returns the resourceVersion to resume from, or undefined to list again. */
  private async watch(resourceVersion: string): Promise<string | undefined> {
    const query = new URLSearchParams({
      watch: '1',
      resourceVersion,
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(this.options.watchTimeoutSeconds),
    });
    let latest: string | undefined = resourceVersion;
    let gone = false;
    const onEvent = (event: WatchEvent): void => {
      if (gone) return;
      const object = isObj(event.object) ? event.object : {};
      if (event.type === 'ERROR') {
        // a Status: 410 Gone (Expired) when resourceVersion is too old
        if (object['code'] === 410) gone = true;
        else this.hooks.log(`${this.type.kind}: watch error event: ${statusMessage(object) ?? JSON.stringify(object)}`);
        latest = undefined;
        return;
      }
      const rv = resourceVersionOf(object);
      if (rv !== undefined) latest = rv;
      this.lastEventAt = Date.now();
      if (event.type === 'BOOKMARK') return;
      const key = keyOf(object);
      if (event.type === 'DELETED') this.items.delete(key);
      else this.items.set(key, this.type.slim(object));
      this.hooks.itemsChanged(this);
    };
    try {
      await this.transport.watch(`${this.path}?${query.toString()}`, { idleTimeoutMs: (this.options.watchTimeoutSeconds + 30) * 1000, signal: this.signal }, onEvent);
    } catch (error) {
      if (error instanceof ApiStatusError && error.status === 410) return undefined;
      throw error;
    }
    return gone ? undefined : latest;
  }
}

/** The API path of a kind's objects in all namespaces, e.g. `/apis/apps/v1/deployments`. */
export function resourcePath(type: ResourceType): string {
  const base = type.group === '' ? '/api/v1' : `/apis/${type.apiVersion}`;
  return `${base}/${type.resource}`;
}

/**
 * Every object of a kind by paged LIST (limit/continue), slimmed, keyed by namespace/name, and the
 * list's resourceVersion. An expired continue token (410 Gone) starts the list over, as client-go's
 * pager does.
 */
export async function listPages(
  transport: Transport,
  type: ResourceType,
  path: string,
  options: Pick<ReflectorOptions, 'pageSize' | 'requestTimeoutMs'>,
  signal: AbortSignal,
): Promise<{ items: Map<string, Obj>; resourceVersion: string }> {
  const items = new Map<string, Obj>();
  let continueToken: string | undefined;
  let resourceVersion = '';
  for (;;) {
    const query = new URLSearchParams({ limit: String(options.pageSize) });
    if (continueToken) query.set('continue', continueToken);
    let page: Obj;
    try {
      page = await transport.getJson(`${path}?${query.toString()}`, { idleTimeoutMs: options.requestTimeoutMs, signal });
    } catch (error) {
      if (error instanceof ApiStatusError && error.status === 410 && continueToken) {
        continueToken = undefined;
        items.clear();
        continue;
      }
      throw error;
    }
    for (const item of Array.isArray(page['items']) ? (page['items'] as unknown[]) : []) {
      if (isObj(item)) items.set(keyOf(item), type.slim(item));
    }
    const metadata = isObj(page['metadata']) ? page['metadata'] : {};
    continueToken = typeof metadata['continue'] === 'string' && metadata['continue'] !== '' ? metadata['continue'] : undefined;
    if (typeof metadata['resourceVersion'] === 'string') resourceVersion = metadata['resourceVersion'];
    if (!continueToken) return { items, resourceVersion };
  }
}

function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function metadataOf(object: Obj): Obj {
  return isObj(object['metadata']) ? object['metadata'] : {};
}

export function keyOf(object: Obj): string {
  const metadata = metadataOf(object);
  const namespace = typeof metadata['namespace'] === 'string' ? metadata['namespace'] : '';
  return `${namespace}/${String(metadata['name'])}`;
}

function resourceVersionOf(object: Obj): string | undefined {
  const rv = metadataOf(object)['resourceVersion'];
  return typeof rv === 'string' ? rv : undefined;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
