import { request as httpsRequest } from 'node:https';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import type { UserInfo } from '../service/types.ts';
import type { Backend, RemoteVersion } from './api-services.ts';

/** The front-proxy client identity the aggregator presents to extension API servers. */
export interface FrontProxyIdentity {
  cert: string;
  key: string;
}

export interface ProxyRequest {
  method: string;
  /** Path and query as the client sent them (/apis/<group>/<version>/...). */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  user: UserInfo;
  timeoutMs?: number;
}

export interface ProxyResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Hop-by-hop and identity headers never forwarded: the aggregator sets the identity itself. */
const DROPPED = new Set([
  'authorization',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'proxy-connection',
  'te',
  'trailer',
]);

export function forwardedHeaders(incoming: Record<string, string>, user: UserInfo): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(incoming)) {
    const lower = k.toLowerCase();
    if (DROPPED.has(lower) || lower.startsWith('x-remote-')) continue;
    out[lower] = v;
  }
  out['x-remote-user'] = user.name;
  return out;
}

/**
 * Sends one request to an extension API server as kube-aggregator does: TLS verified against the
 * APIService's caBundle for <service>.<namespace>.svc (unless insecureSkipTLSVerify), the front-proxy
 * client certificate, and the caller's identity in X-Remote-User / X-Remote-Group.
 */
export function proxyTo(
  backend: Backend,
  rv: RemoteVersion,
  identity: FrontProxyIdentity,
  req: ProxyRequest,
): Promise<ProxyResponse> {
  // One X-Remote-Group header per group, as the requestheader authenticator reads them.
  const headerObject: Record<string, string | string[]> = {
    ...forwardedHeaders(req.headers, req.user),
    'x-remote-group': req.user.groups,
  };
  if (req.body && req.body.length > 0) headerObject['content-length'] = String(req.body.length);
  return new Promise((resolve, reject) => {
    const r = httpsRequest(
      {
        protocol: 'https:',
        hostname: backend.url.hostname.replace(/^\[|\]$/g, ''),
        port: backend.url.port,
        method: req.method,
        path: req.path,
        headers: headerObject,
        cert: identity.cert,
        key: identity.key,
        ca: rv.caBundle,
        rejectUnauthorized: !rv.insecureSkipTLSVerify,
        servername: backend.serverName,
        checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(backend.serverName, cert),
        timeout: req.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const out: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') out[k] = v;
          resolve({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
        });
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`no response within ${req.timeoutMs ?? 30_000} ms`)));
    r.on('error', reject);
    r.end(req.body);
  });
}
