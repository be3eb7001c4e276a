import { Agent, request } from 'node:https';
import type { TestCluster } from './testCluster';

/** A minimal HTTPS client for the test API server: raw bodies in, status and JSON out. */

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
}

export interface ApiClient {
  send(method: string, path: string, token: string, body?: string, contentType?: string): Promise<ApiResponse>;
  close(): void;
}

export function apiClient(cluster: Pick<TestCluster, 'url' | 'ca'>): ApiClient {
  const agent = new Agent({ ca: cluster.ca, keepAlive: true, maxSockets: 8 });
  const base = new URL(cluster.url);
  return {
    send(method, path, token, body, contentType = 'application/json') {
      return new Promise((resolve, reject) => {
        const req = request(
          {
            agent,
            host: base.hostname,
            port: base.port,
            method,
            path,
            headers: {
              Authorization: `Bearer ${token}`,
              Accept: 'application/json',
              ...(body === undefined ? {} : { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) }),
            },
            timeout: 30_000,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              let parsed: unknown = text;
              try {
                parsed = JSON.parse(text);
              } catch {
                // not JSON (e.g. a plain-text 401 body): keep the text
              }
              resolve({ status: res.statusCode ?? 0, body: parsed });
            });
            res.on('error', reject);
          },
        );
        req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 30 s`)));
        req.on('error', reject);
        if (body !== undefined) req.write(body);
        req.end();
      });
    },
    close() {
      agent.destroy();
    },
  };
}
