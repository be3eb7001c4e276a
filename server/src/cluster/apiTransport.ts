import type * as Http from 'node:http';
import type * as Https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/**
 * node's http and https, loaded on the first request instead of at server start: https brings tls,
 * whose loading alone was over a tenth of the server's startup CPU.
 */
function http(): typeof Http {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at server start
  return require('node:http') as typeof Http;
}
function https(): typeof Https {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at server start
  return require('node:https') as typeof Https;
}

/**
 * Raw GETs and watch streams against the API server of a kubeconfig's current context. The
 * library applies the credentials (tokens, client certificates, exec plugins, auth providers,
 * proxies) to node's https options; the requests themselves are ours, for three reasons: the
 * objects stay plain JSON (the generated models rename fields such as `ipBlock.except` to
 * `_except`), every request has an idle timeout (an unreachable address fails in seconds instead
 * of hanging), and a watch's status codes and ERROR events are seen as they are.
 */

/** The API server answered with a status other than 200 (401, 403, 410, 5xx, ...). */
export class ApiStatusError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly path: string,
  ) {
    super(`${path}: ${status} ${statusMessage(body) ?? http().STATUS_CODES[status] ?? ''}`.trim());
  }
}

/** No answer: refused, reset, timed out, DNS or TLS failure. */
export class NetworkError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** The kubeconfig's credentials could not be had (an exec plugin failed or hung, a key file is missing). */
export class CredentialsError extends Error {}

/** how long an exec credential plugin (aws, gcloud, kubelogin) may take */
const CREDENTIALS_TIMEOUT_MS = 60_000;

export interface WatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly object: Record<string, unknown>;
}

export interface Transport {
  /** GET a path (with its query): the JSON body of a 200 answer; ApiStatusError or NetworkError otherwise */
  getJson(path: string, options: RequestOptions): Promise<Record<string, unknown>>;
  /**
   * Opens a watch and calls onEvent for each event until the server ends the stream (resolves)
   * or the connection fails (NetworkError) or the answer is no 200 (ApiStatusError).
   */
  watch(path: string, options: RequestOptions, onEvent: (event: WatchEvent) => void): Promise<void>;
}

export interface RequestOptions {
  /** the request fails when the socket is idle this long (connecting included) */
  readonly idleTimeoutMs: number;
  readonly signal: AbortSignal;
}

export function statusMessage(body: unknown): string | undefined {
  if (body !== null && typeof body === 'object') {
    const message = (body as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return typeof body === 'string' && body.trim().length > 0 ? body.trim().slice(0, 300) : undefined;
}

/** A transport over the kubeconfig that `config()` returns at the time of each request. */
export function createTransport(config: () => KubeConfig): Transport {
  async function open(path: string, options: RequestOptions): Promise<{ response: Http.IncomingMessage; request: Http.ClientRequest }> {
    const kc = config();
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new NetworkError('the kubeconfig context names no cluster', undefined);
    const url = new URL(cluster.server.replace(/\/+$/, '') + path);
    const requestOptions: Https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
    // credentials, CA, client certificate, proxy agent; exec plugins run here (asynchronously)
    await withCredentialsTimeout(kc.applyToHTTPSOptions(requestOptions));
    options.signal.throwIfAborted();
    const send = url.protocol === 'http:' ? http().request : https().request;
    return new Promise((resolve, reject) => {
      const noAnswer = (): NetworkError => new NetworkError(`no answer from ${url.origin} within ${options.idleTimeoutMs} ms`, 'ETIMEDOUT');
      // until the response headers: a deadline (connect, TLS handshake and the first byte); then
      // the socket's idle timeout (a watch is idle between events, up to its timeoutSeconds)
      const headersDeadline = setTimeout(() => request.destroy(noAnswer()), options.idleTimeoutMs);
      const request = send(url, { ...requestOptions, timeout: options.idleTimeoutMs, signal: options.signal }, (response) => {
        clearTimeout(headersDeadline);
        resolve({ response, request });
      });
      request.on('socket', (socket) => socket.setKeepAlive(true, 15_000));
      request.on('timeout', () => request.destroy(noAnswer()));
      request.on('error', (error) => {
        clearTimeout(headersDeadline);
        reject(asNetworkError(error, url.origin));
      });
      request.end();
    });
  }

  async function readBody(response: Http.IncomingMessage, origin: string): Promise<unknown> {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of response) chunks.push(chunk as Buffer);
    } catch (error) {
      throw asNetworkError(error, origin);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // a plain-text answer (a 401 from a proxy, an HTML error page): keep the text for the message
      return text;
    }
  }

  return {
    async getJson(path, options) {
      const { response } = await open(path, options);
      const body = await readBody(response, path);
      if (response.statusCode !== 200) throw new ApiStatusError(response.statusCode ?? 0, body, path);
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ApiStatusError(response.statusCode, body, path);
      return body as Record<string, unknown>;
    },

    async watch(path, options, onEvent) {
      const { response, request } = await open(path, options);
      if (response.statusCode !== 200) throw new ApiStatusError(response.statusCode ?? 0, await readBody(response, path), path);
      // one JSON object per line (the API server's watch encoding with Accept: application/json)
      let pending = '';
      try {
        for await (const chunk of response) {
          pending += (chunk as Buffer).toString('utf8');
          let newline = pending.indexOf('\n');
          while (newline >= 0) {
            const line = pending.slice(0, newline).trim();
            pending = pending.slice(newline + 1);
            newline = pending.indexOf('\n');
            if (line.length === 0) continue;
            const event = JSON.parse(line) as WatchEvent;
            onEvent(event);
          }
        }
      } catch (error) {
        request.destroy();
        if (error instanceof SyntaxError) throw new NetworkError(`a watch sent a malformed event: ${error.message}`, 'EBADEVENT');
        throw asNetworkError(error, path);
      }
      // the server closed the stream: a broken connection ends it without `complete`
      if (!response.complete) throw new NetworkError(`the watch ${path} was cut off`, 'ECONNRESET');
    },
  };
}

async function withCredentialsTimeout(applying: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CredentialsError(`the kubeconfig's credential plugin gave no credentials within ${CREDENTIALS_TIMEOUT_MS / 1000} s`)), CREDENTIALS_TIMEOUT_MS);
  });
  try {
    await Promise.race([applying, timeout]);
  } catch (error) {
    if (error instanceof CredentialsError) throw error;
    throw new CredentialsError(`cannot get credentials from the kubeconfig: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

function asNetworkError(error: unknown, where: string): Error {
  if (error instanceof NetworkError || error instanceof ApiStatusError) return error;
  if (error instanceof Error && error.name === 'AbortError') return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return new NetworkError(`${where}: ${message}`, code);
}
