import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { metricsApiConfigSchema } from './config.ts';
import { servingNames, startMetricsApi } from './run.ts';

/** Configuration mistakes stop the start with a ConfigError naming the key, before anything listens. */
describe('metrics API configuration errors', () => {
  const kc = new KubeConfig();
  const start = async (
    cfg: Record<string, unknown>,
    files: Record<string, string> = {},
    env: NodeJS.ProcessEnv = {},
  ): Promise<Error> => {
    const dir = await mkdtemp(join(tmpdir(), 'kubeloop-metrics-api-config-'));
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    const err = await startMetricsApi({ config: metricsApiConfigSchema.parse(cfg), kc, configDir: dir, env }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    if (!err) throw new Error('expected the start to fail');
    return err;
  };

  it('names the rule and field of a bad rules file', async () => {
    const err = await start(
      { prometheusUrl: 'http://127.0.0.1:9090', rulesFile: 'rules.yaml' },
      { 'rules.yaml': 'rules:\n- seriesQuery: x\n  name: { matches: "(" }\n' },
    );
    expect(err.name).toBe('ConfigError');
    expect(err.message).toMatch(/^rules\.yaml: rules\[0\]\.name\.matches: invalid regular expression/);
  });

  it('a rules file that is not YAML, or missing', async () => {
    expect(
      (await start({ prometheusUrl: 'http://127.0.0.1:9090', rulesFile: 'rules.yaml' }, { 'rules.yaml': 'rules: [\n' }))
        .name,
    ).toBe('ConfigError');
    expect((await start({ prometheusUrl: 'http://127.0.0.1:9090', rulesFile: 'nope.yaml' })).message).toMatch(
      /^metricsApi\.rulesFile: cannot read .*nope\.yaml/,
    );
  });

  it('pull rules need a Prometheus; registration needs an IP; tokens are at least 16 characters', async () => {
    expect((await start({ rules: { presets: [{ counterRate: {} }] } })).message).toBe(
      'metricsApi.rules: pull rules need metricsApi.prometheusUrl',
    );
    expect((await start({ register: true, host: 'localhost' })).message).toMatch(
      /^metricsApi\.register: host must be an IP address/,
    );
    expect((await start({}, {}, { KUBELOOP_METRICS_WRITE_TOKEN: 'short' })).message).toMatch(
      /^KUBELOOP_METRICS_WRITE_TOKEN: shorter than 16/,
    );
    expect((await start({ writeTokenFile: 't' }, { t: 'abc\n' })).message).toMatch(
      /^metricsApi\.writeTokenFile: the token in t is shorter than 16/,
    );
  });
});

describe('the generated serving certificate', () => {
  it('covers the Service name and the address the server listens on, unless that is a wildcard', () => {
    const base = { serviceName: 'kubeloop-metrics-api', serviceNamespace: 'kube-system' };
    expect(servingNames({ ...base, host: '198.19.255.1' })).toEqual([
      'kubeloop-metrics-api.kube-system.svc',
      '198.19.255.1',
    ]);
    expect(servingNames({ ...base, host: '0.0.0.0' })).toEqual(['kubeloop-metrics-api.kube-system.svc']);
    expect(servingNames({ ...base, host: '::' })).toEqual(['kubeloop-metrics-api.kube-system.svc']);
  });
});
