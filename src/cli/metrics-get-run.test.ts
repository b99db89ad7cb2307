import { describe, expect, it } from 'vitest';
import { metricsPath } from './metrics-get-run.ts';
import { main } from './main.ts';

const flags = { namespace: 'default', apiVersion: 'v1beta2' as const };

describe('kubeloop metrics get: targets as the HPA asks for them', () => {
  it('maps each target form onto the metrics API path', () => {
    expect(metricsPath('pods/*/http_requests_qps', { ...flags, selector: 'app=web' })).toBe(
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/http_requests_qps?labelSelector=app%3Dweb',
    );
    expect(metricsPath('pods/web-1/qps', { ...flags, apiVersion: 'v1beta1' })).toBe(
      '/apis/custom.metrics.k8s.io/v1beta1/namespaces/default/pods/web-1/qps',
    );
    expect(metricsPath('deployments.apps/web/qps', { ...flags, namespace: 'prod', metricSelector: 'code=200' })).toBe(
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/prod/deployments.apps/web/qps?metricLabelSelector=code%3D200',
    );
    expect(metricsPath('nodes/node-1/temperature', flags)).toBe(
      '/apis/custom.metrics.k8s.io/v1beta2/nodes/node-1/temperature',
    );
    expect(metricsPath('namespaces/prod/queue_depth', flags)).toBe(
      '/apis/custom.metrics.k8s.io/v1beta2/namespaces/prod/metrics/queue_depth',
    );
    expect(metricsPath('external/queue_messages_ready', { ...flags, metricSelector: 'queue=orders' })).toBe(
      '/apis/external.metrics.k8s.io/v1beta1/namespaces/default/queue_messages_ready?labelSelector=queue%3Dorders',
    );
  });

  it('refuses malformed targets and flag combinations with a reason', () => {
    expect(() => metricsPath('pods/http_requests_qps', flags)).toThrow(/expected <resource>\/<name or \*>\/<metric>/);
    expect(() => metricsPath('pods//qps', flags)).toThrow(/expected/);
    expect(() => metricsPath('pods/Web_1/qps', flags)).toThrow(/"Web_1" is not an object name/);
    expect(() => metricsPath('pods/web-1/qps', { ...flags, selector: 'app=web' })).toThrow(
      /--selector applies to <resource>\/\*\/<metric> only/,
    );
    expect(() => metricsPath('pods/*/qps', { ...flags, apiVersion: 'v1beta1', metricSelector: 'a=b' })).toThrow(
      /--metric-selector needs --api-version v1beta2/,
    );
    expect(() => metricsPath('external/a/b', flags)).toThrow(/expected external\/<metric>/);
  });

  it('exits 2 on bad usage', async () => {
    expect(await main(['node', 'kubeloop', 'metrics', 'get', 'pods/qps'])).toBe(2);
    expect(await main(['node', 'kubeloop', 'metrics', 'get', 'pods/*/qps', '--api-version', 'v2'])).toBe(2);
    expect(await main(['node', 'kubeloop', 'metrics', 'get', 'pods/*/qps', '-o', 'yaml'])).toBe(2);
    expect(await main(['node', 'kubeloop', 'metrics-api', '--secure-port', 'x'])).toBe(2);
    expect(await main(['node', 'kubeloop', 'metrics-api', '--push-interval', 'soon'])).toBe(2);
  });
});
