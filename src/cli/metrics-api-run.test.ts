import { describe, expect, it } from 'vitest';
import { metricsApiConfigSchema } from '../metrics-api/config.ts';
import { metricsApiSettings } from './metrics-api-run.ts';

describe('kubeloop metrics-api settings', () => {
  const base = metricsApiConfigSchema.parse({ port: 9443, cacheTtl: '3s' });

  it('flags override the metricsApi section and enable the server', () => {
    const s = metricsApiSettings(base, {
      securePort: 6443,
      prometheusUrl: 'http://prom:9090',
      pushInterval: '30s',
      register: true,
    });
    expect(s).toMatchObject({
      enabled: true,
      port: 6443,
      prometheusUrl: 'http://prom:9090',
      pushInterval: 30_000,
      cacheTtl: 3_000,
      register: true,
    });
  });

  it('a bad flag value is named by its flag', () => {
    expect(() => metricsApiSettings(base, { prometheusUrl: 'ftp://x' })).toThrow(/^--prometheus-url:/);
    expect(() => metricsApiSettings(base, { cacheTtl: '5m' })).toThrow(/^--cache-ttl: must be at most 1m/);
  });
});

describe('kubeloop metrics-api manifests', () => {
  it("fills the three APIServices' caBundle from --cert-dir (an option the parent command also has)", async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { generateServingCert } = await import('../util/certificates.ts');
    const { main } = await import('./main.ts');
    const dir = await mkdtemp(join(tmpdir(), 'kubeloop-manifests-'));
    const cert = await generateServingCert(['kubeloop-metrics-api.kubeloop.svc']);
    await writeFile(join(dir, 'ca.crt'), cert.caCert);
    let out = '';
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((c: string | Uint8Array) => ((out += c.toString()), true)) as typeof process.stdout.write;
    try {
      expect(
        await main(['node', 'kubeloop', 'metrics-api', 'manifests', '--namespace', 'ops', '--cert-dir', dir]),
      ).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    expect(out.match(/caBundle: /g)).toHaveLength(3);
    expect(out).toContain(Buffer.from(cert.caCert).toString('base64'));
    expect(out).not.toContain('insecureSkipTLSVerify');
    expect(await main(['node', 'kubeloop', 'metrics-api', 'manifests', '--cert-dir', join(dir, 'missing')])).toBe(2);
  });
});
