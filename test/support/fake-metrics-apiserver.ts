import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { generateServingCert } from '../../src/util/certificates.ts';

export interface SeenRequest {
  path: string;
  user: string | undefined;
  groups: string[];
  clientCn: string | undefined;
}

export type Answer = { status: number; body: unknown };

/**
 * A stand-in extension API server for custom/external metrics: serves what the test's `answer`
 * returns, demands a client certificate signed by the given requestheader CA (the aggregator's
 * front-proxy), and records who asked. Only for exercising the sim's aggregator and HPA.
 */
export class FakeMetricsApiServer {
  readonly seen: SeenRequest[] = [];
  answer: (path: URL) => Answer = () => ({
    status: 404,
    body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' },
  });
  private server: Server | undefined;
  caCert = '';
  port = 0;

  constructor(private readonly serviceHost: string) {}

  async start(requestHeaderCa: string): Promise<void> {
    const cert = await generateServingCert([this.serviceHost]);
    this.caCert = cert.caCert;
    this.server = createServer(
      { key: cert.key, cert: cert.cert, ca: requestHeaderCa, requestCert: true, rejectUnauthorized: true },
      (req, res) => {
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        const groups = req.headersDistinct['x-remote-group'] ?? [];
        this.seen.push({
          path: req.url ?? '',
          user: req.headers['x-remote-user'] as string | undefined,
          groups,
          clientCn: [peer.subject?.CN].flat()[0],
        });
        const url = new URL(req.url ?? '/', 'https://x');
        const a =
          url.pathname.split('/').length <= 4
            ? {
                status: 200,
                body: { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: url.pathname.slice(6), resources: [] },
              }
            : this.answer(url);
        res.writeHead(a.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(a.body));
      },
    );
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
