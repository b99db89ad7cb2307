import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { startSimCluster, type SimCluster, type SimClusterOptions } from '../../src/sim/cluster.ts';

export interface TestSim {
  sim: SimCluster;
  kc: KubeConfig;
  /** A KubeConfig with the read-only token. */
  viewer: KubeConfig;
}

function kubeConfigFor(sim: SimCluster, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'sim',
        server: sim.url,
        caData: sim.caCert ? Buffer.from(sim.caCert).toString('base64') : undefined,
        skipTLSVerify: false,
      },
    ],
    users: [{ name: 'user', token }],
    contexts: [{ name: 'sim', cluster: 'sim', user: 'user' }],
    currentContext: 'sim',
  });
  return kc;
}

/**
 * Starts a sim in-process on a free loopback port; call `sim.stop()` in afterAll. API tests run
 * without the scheduler and kubelet by default, so nothing but the test writes to their pods.
 */
export async function startTestSim(opts: SimClusterOptions = {}): Promise<TestSim> {
  const sim = await startSimCluster({
    port: 0,
    scenario: 'empty',
    controllers: { scheduler: false, kubelet: false },
    ...opts,
  });
  return { sim, kc: kubeConfigFor(sim, sim.tokens.admin), viewer: kubeConfigFor(sim, sim.tokens.readOnly) };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = unknown>(): T;
}

/** A raw HTTPS request to the sim that trusts its CA (for tests of bad input a typed client cannot send). */
export function simRequest(
  sim: SimCluster,
  method: string,
  path: string,
  opts: { token?: string | null; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  const url = new URL(path, sim.url);
  const token = opts.token === undefined ? sim.tokens.admin : opts.token;
  const headers: Record<string, string> = {
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(opts.headers ?? {}),
  };
  if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method, headers, ca: sim.caCert }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T }),
      );
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}
