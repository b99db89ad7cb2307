import { request as httpsRequest, type RequestOptions } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';

/** A Kubernetes API error with the Status the server sent (code, reason, message). */
export class KubeApiError extends Error {
  constructor(readonly code: number, readonly reason: string, readonly detail: string, readonly path: string) {
    super(`${path}: ${code} ${reason}: ${detail}`);
  }
}

/**
 * One GET against the cluster's API with the kubeconfig's credentials, returning the raw JSON (no
 * typed-model conversion: timestamps stay strings, unknown fields survive). Used for lists and
 * reads where Kubeloop wants the wire shape.
 */
export async function kubeGetJson(kc: KubeConfig, path: string, query: Record<string, string | number | boolean | undefined> = {}, timeoutMs = 30_000): Promise<unknown> {
  const text = await kubeGetText(kc, path, query, timeoutMs, 'application/json');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: the API server sent invalid JSON: ${(err as Error).message}`, { cause: err });
  }
}

export async function kubeGetText(kc: KubeConfig, path: string, query: Record<string, string | number | boolean | undefined> = {}, timeoutMs = 30_000, accept = '*/*'): Promise<string> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('no current cluster in the kubeconfig');
  const url = new URL(cluster.server.replace(/\/$/, '') + path);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
  const opts: RequestOptions = { method: 'GET', headers: { accept } };
  await kc.applyToHTTPSOptions(opts);
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
    req.end();
  });
}
