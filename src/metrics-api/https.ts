import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Server as HttpsServer } from 'node:https';
import { generateServingCert } from '../util/certificates.ts';
import { installMetricsApi, type MetricsApiServerOptions } from './server.ts';
import type { MetricStore } from './store.ts';

/**
 * The server over HTTPS, as kube-aggregator reaches it: a serving certificate for the Service name
 * (<service>.<namespace>.svc, which the aggregator verifies against the APIService's caBundle),
 * and client certificates requested so the front-proxy identity can be checked. Unverified or
 * absent client certificates do not fail the handshake: such callers get a 401 Status (or use the
 * write token), which says more than a TLS alert.
 */

export interface ServingCertificate {
  cert: string;
  key: string;
  /** The CA to put in the APIService caBundle; undefined when the directory has no ca.crt. */
  caCert?: string;
}

export interface StartMetricsApiServerOptions extends MetricsApiServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** A directory with tls.crt and tls.key (and optionally ca.crt), as a kubernetes.io/tls Secret mounts them. */
  certDir?: string;
  /** Names the generated certificate covers, e.g. kubeloop-metrics-api.kube-system.svc. */
  serviceHosts?: string[];
}

export interface RunningMetricsApiServer {
  app: FastifyInstance<HttpsServer>;
  store: MetricStore;
  url: string;
  port: number;
  /** The CA that signed the serving certificate (the APIService caBundle, base64 it). */
  caCert: string | undefined;
  close(): Promise<void>;
}

export async function loadServingCertificate(dir: string): Promise<ServingCertificate> {
  const [cert, key] = await Promise.all([
    readFile(join(dir, 'tls.crt'), 'utf8'),
    readFile(join(dir, 'tls.key'), 'utf8'),
  ]);
  const caCert = await readFile(join(dir, 'ca.crt'), 'utf8').catch(() => undefined);
  return { cert, key, caCert };
}

/** A certificate generated at start (openssl, like the sim's), or the one in certDir. */
export async function servingCertificate(opts: {
  certDir?: string;
  serviceHosts?: string[];
}): Promise<ServingCertificate> {
  if (opts.certDir) return loadServingCertificate(opts.certDir);
  const hosts = ['127.0.0.1', 'localhost', ...(opts.serviceHosts ?? ['kubeloop-metrics-api.kube-system.svc'])];
  const c = await generateServingCert([...new Set(hosts)]);
  return { cert: c.cert, key: c.key, caCert: c.caCert };
}

export async function startMetricsApiServer(opts: StartMetricsApiServerOptions): Promise<RunningMetricsApiServer> {
  const serving = await servingCertificate(opts);
  const app = Fastify({
    logger: false,
    https: {
      cert: serving.cert,
      key: serving.key,
      // Asking for a client certificate lets the front-proxy identity be verified; not requiring
      // one leaves token callers and health probes free.
      requestCert: true,
      rejectUnauthorized: false,
      ...(opts.requestHeader ? { ca: opts.requestHeader.clientCa } : {}),
    },
  });
  const { store } = installMetricsApi(app, opts);
  await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 6443 });
  const addr = app.server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    app,
    store,
    port: addr.port,
    url: `https://${host}:${addr.port}`,
    caCert: serving.caCert,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
}
