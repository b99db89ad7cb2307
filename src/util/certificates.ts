import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ServingCert {
  caCert: string;
  cert: string;
  key: string;
}

/**
 * A throw-away CA and a serving certificate for 127.0.0.1/localhost, made with the system's
 * openssl (Node has no certificate generator). Clients trust the CA through the kubeconfig.
 */
const cache = new Map<string, Promise<ServingCert>>();

/** One certificate per host set and process: starting many sims (tests) costs one openssl run. */
export function generateServingCert(hosts: string[] = ['127.0.0.1', 'localhost']): Promise<ServingCert> {
  const key = hosts.join(',');
  let cert = cache.get(key);
  if (!cert) {
    cert = makeServingCert(hosts);
    cache.set(key, cert);
    cert.catch(() => cache.delete(key));
  }
  return cert;
}

async function makeServingCert(hosts: string[]): Promise<ServingCert> {
  const dir = await mkdtemp(join(tmpdir(), 'kubeloop-tls-'));
  try {
    const p = (f: string): string => join(dir, f);
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      p('ca.key'),
      '-out',
      p('ca.crt'),
      '-days',
      '365',
      '-subj',
      '/CN=kubeloop-sim-ca',
    ]);
    await run('openssl', [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      p('tls.key'),
      '-out',
      p('tls.csr'),
      '-subj',
      '/CN=kubeloop-sim',
    ]);
    const san = hosts.map((h) => (/^[\d.]+$/.test(h) || h.includes(':') ? `IP:${h}` : `DNS:${h}`)).join(',');
    await writeFile(p('ext.cnf'), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`);
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      p('tls.csr'),
      '-CA',
      p('ca.crt'),
      '-CAkey',
      p('ca.key'),
      '-CAcreateserial',
      '-out',
      p('tls.crt'),
      '-days',
      '365',
      '-extfile',
      p('ext.cnf'),
    ]);
    const [caCert, cert, key] = await Promise.all([
      readFile(p('ca.crt'), 'utf8'),
      readFile(p('tls.crt'), 'utf8'),
      readFile(p('tls.key'), 'utf8'),
    ]);
    return { caCert, cert, key };
  } catch (err) {
    throw new Error(
      `sim: could not generate a TLS certificate with openssl (is openssl installed?): ${(err as Error).message}`,
      { cause: err },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface FrontProxyCerts {
  /** The requestheader CA extension API servers trust (extension-apiserver-authentication). */
  caCert: string;
  /** The aggregator's client certificate, CN=front-proxy-client. */
  cert: string;
  key: string;
}

let frontProxy: Promise<FrontProxyCerts> | undefined;

/** The aggregator's front-proxy CA and client certificate (one per process, like the serving cert). */
export function generateFrontProxyCerts(): Promise<FrontProxyCerts> {
  frontProxy ??= makeFrontProxyCerts();
  frontProxy.catch(() => (frontProxy = undefined));
  return frontProxy;
}

async function makeFrontProxyCerts(): Promise<FrontProxyCerts> {
  const dir = await mkdtemp(join(tmpdir(), 'kubeloop-front-proxy-'));
  try {
    const p = (f: string): string => join(dir, f);
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      p('ca.key'),
      '-out',
      p('ca.crt'),
      '-days',
      '365',
      '-subj',
      '/CN=kubeloop-sim-front-proxy-ca',
    ]);
    await run('openssl', [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      p('client.key'),
      '-out',
      p('client.csr'),
      '-subj',
      '/CN=front-proxy-client',
    ]);
    await writeFile(p('ext.cnf'), 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n');
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      p('client.csr'),
      '-CA',
      p('ca.crt'),
      '-CAkey',
      p('ca.key'),
      '-CAcreateserial',
      '-out',
      p('client.crt'),
      '-days',
      '365',
      '-extfile',
      p('ext.cnf'),
    ]);
    const [caCert, cert, key] = await Promise.all([
      readFile(p('ca.crt'), 'utf8'),
      readFile(p('client.crt'), 'utf8'),
      readFile(p('client.key'), 'utf8'),
    ]);
    return { caCert, cert, key };
  } catch (err) {
    throw new Error(`sim: could not generate the front-proxy certificates with openssl: ${(err as Error).message}`, {
      cause: err,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
