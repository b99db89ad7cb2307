import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface KeyPair {
  cert: string;
  key: string;
}

export interface NodePki {
  /** kube-apiserver's client certificate towards the kubelet (logs, exec, port-forward). */
  kubeletClient: KeyPair;
  /** The kubelet's serving certificate (its IP and name). */
  kubeletServing: KeyPair;
  /** The aggregator's request-header CA and its front-proxy client certificate. */
  frontProxyCa: string;
  frontProxyClient: KeyPair;
}

async function sign(dir: string, name: string, subject: string, ext: string, ca = 'ca'): Promise<KeyPair> {
  const p = (f: string): string => join(dir, f);
  await run('openssl', [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    p(`${name}.key`),
    '-out',
    p(`${name}.csr`),
    '-subj',
    subject,
  ]);
  await writeFile(p(`${name}.ext`), `${ext}\nbasicConstraints=CA:FALSE\n`);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    p(`${name}.csr`),
    '-CA',
    p(`${ca}.crt`),
    '-CAkey',
    p(`${ca}.key`),
    '-CAcreateserial',
    '-out',
    p(`${name}.crt`),
    '-days',
    '30',
    '-extfile',
    p(`${name}.ext`),
  ]);
  return { cert: p(`${name}.crt`), key: p(`${name}.key`) };
}

/** Certificates a node adds to the control plane's CA (ca.crt/ca.key in `dir`), and a separate front-proxy CA. */
export async function nodePki(dir: string, nodeName: string, nodeIP: string): Promise<NodePki> {
  const kubeletClient = await sign(
    dir,
    'apiserver-kubelet-client',
    '/O=system:masters/CN=kube-apiserver-kubelet-client',
    'extendedKeyUsage=clientAuth',
  );
  const kubeletServing = await sign(
    dir,
    'kubelet',
    `/CN=${nodeName}`,
    `subjectAltName=IP:${nodeIP},IP:127.0.0.1,DNS:${nodeName}\nextendedKeyUsage=serverAuth`,
  );
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    join(dir, 'front-proxy-ca.key'),
    '-out',
    join(dir, 'front-proxy-ca.crt'),
    '-days',
    '30',
    '-subj',
    '/CN=kubeloop-front-proxy-ca',
  ]);
  const frontProxyClient = await sign(
    dir,
    'front-proxy-client',
    '/CN=front-proxy-client',
    'extendedKeyUsage=clientAuth',
    'front-proxy-ca',
  );
  return { kubeletClient, kubeletServing, frontProxyCa: join(dir, 'front-proxy-ca.crt'), frontProxyClient };
}
