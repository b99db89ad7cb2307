import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.ts';

describe('metricsApi in kubeloop.yaml', () => {
  it('defaults: enabled and register follow the cluster (unset), 7443, 2m pushes, 5s cache', () => {
    const c = parseConfig({}).metricsApi;
    expect(c).toMatchObject({
      port: 7443,
      pushInterval: 120_000,
      cacheTtl: 5_000,
      discoveryInterval: 30_000,
      delegatedAuth: true,
      insecureAllowAnonymous: false,
    });
    expect(c.enabled).toBeUndefined();
    expect(c.register).toBeUndefined();
  });

  it('errors name the key', () => {
    const fail = (metricsApi: unknown): string => {
      try {
        parseConfig({ metricsApi });
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error('expected a ConfigError');
    };
    expect(fail({ cacheTtl: '5m' })).toMatch(/metricsApi\.cacheTtl: must be at most 1m/);
    expect(fail({ prometheusUrl: 'prometheus:9090' })).toMatch(/metricsApi\.prometheusUrl/);
    expect(fail({ port: 'https' })).toMatch(/metricsApi\.port: expected number, got "https"/);
    expect(fail({ rules: { rules: [{ seriesQuery: 'x', name: { match: 'y' } }] } })).toMatch(
      /metricsApi\.rules\.rules\[0\]\.name\.match: unknown key/,
    );
    expect(fail({ insecure: true })).toMatch(/metricsApi\.insecure: unknown key/);
  });
});
