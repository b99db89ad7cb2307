import { Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';

/** A Kubernetes API error with the Status the server sent (code, reason, message). */
export class KubeApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    readonly detail: string,
    readonly path: string,
  ) {
    super(`${path}: ${code} ${reason}: ${detail}`);
  }
}

/**
 * One GET against the cluster's API with the kubeconfig's credentials, returning the raw JSON (no
 * typed-model conversion: timestamps stay strings, unknown fields survive). Used for lists and
 * reads where Kubeloop wants the wire shape.
 */
export async function kubeGetJson(
  kc: KubeConfig,
  path: string,
  query: Record<string, string | number | boolean | undefined> = {},
  timeoutMs = 30_000,
): Promise<unknown> {
  const text = await kubeGetText(kc, path, query, timeoutMs, 'application/json');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: the API server sent invalid JSON: ${(err as Error).message}`, { cause: err });
  }
}

interface Connection {
  agent: Agent;
  headers: Record<string, string>;
  at: number;
}

const connections = new WeakMap<KubeConfig, Connection>();
/** Credentials are re-read this often (exec plugins and token files rotate). */
const CREDENTIALS_TTL_MS = 60_000;

/**
 * One keep-alive TLS agent per kubeconfig: client-node builds a new agent (a new TLS handshake)
 * for every request, which costs more than the request itself when the monitor captures a burst
 * of failures. Credentials are refreshed from the kubeconfig every minute.
 */
async function connectionFor(kc: KubeConfig): Promise<Connection> {
  const cached = connections.get(kc);
  if (cached && Date.now() - cached.at < CREDENTIALS_TTL_MS) return cached;
  const probe: RequestOptions = { headers: {} };
  await kc.applyToHTTPSOptions(probe);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(probe.headers ?? {})) if (typeof v === 'string') headers[k] = v;
  const same =
    cached &&
    cached.agent.options.ca === probe.ca &&
    cached.agent.options.cert === probe.cert &&
    cached.agent.options.key === probe.key;
  const agent = same
    ? cached.agent
    : new Agent({
        keepAlive: true,
        maxSockets: 32,
        ca: probe.ca,
        cert: probe.cert,
        key: probe.key,
        rejectUnauthorized: probe.rejectUnauthorized,
        servername: probe.servername,
      });
  if (cached && !same) cached.agent.destroy();
  const conn = { agent, headers, at: Date.now() };
  connections.set(kc, conn);
  return conn;
}

export async function kubeGetText(
  kc: KubeConfig,
  path: string,
  query: Record<string, string | number | boolean | undefined> = {},
  timeoutMs = 30_000,
  accept = '*/*',
): Promise<string> {
  return kubeRequest(kc, { method: 'GET', path, query, timeoutMs, accept });
}

export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** A JSON body (serialized here). */
  body?: unknown;
  /** For PATCH: application/merge-patch+json, application/strategic-merge-patch+json, application/json-patch+json. */
  contentType?: string;
  timeoutMs?: number;
  accept?: string;
}

/**
 * One request against the cluster's API with the kubeconfig's credentials; resolves with the
 * response text on 2xx and rejects with a KubeApiError carrying the Status (409 Conflict on a
 * stale resourceVersion, 404, 403...) otherwise.
 */
export async function kubeRequest(kc: KubeConfig, r: KubeRequest): Promise<string> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('no current cluster in the kubeconfig');
  const { path, timeoutMs = 30_000 } = r;
  const url = new URL(cluster.server.replace(/\/$/, '') + path);
  for (const [k, v] of Object.entries(r.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  const conn = await connectionFor(kc);
  const payload = r.body === undefined ? undefined : Buffer.from(JSON.stringify(r.body));
  const headers: Record<string, string> = { accept: r.accept ?? 'application/json', ...conn.headers };
  if (payload) {
    headers['content-type'] = r.contentType ?? 'application/json';
    headers['content-length'] = String(payload.length);
  }
  const opts: RequestOptions = { method: r.method, headers };
  if (url.protocol === 'https:') opts.agent = conn.agent;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { ...opts, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) return resolve(body);
        let reason = 'Unknown';
        let message = body.slice(0, 500);
        try {
          const s = JSON.parse(body) as { reason?: string; message?: string };
          reason = s.reason ?? reason;
          message = s.message ?? message;
        } catch {
          // Not a Status object (a proxy's HTML page, plain text): keep the start of the body.
        }
        reject(new KubeApiError(status, reason, message, path));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${path}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** kubeRequest with a JSON answer. */
export async function kubeJson<T = unknown>(kc: KubeConfig, r: KubeRequest): Promise<T> {
  const text = await kubeRequest(kc, r);
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new Error(`${r.method} ${r.path}: the API server sent invalid JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
