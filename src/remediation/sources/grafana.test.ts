import { describe, expect, it } from 'vitest';
import { AlertParseError, type Alert } from '../alert.ts';
import { parseGrafana } from './grafana.ts';

// A Grafana unified alerting webhook contact point notification, shaped like the one in Grafana's
// webhook notifier documentation.
const memory = {
  status: 'firing',
  labels: {
    alertname: 'High memory usage',
    team: 'blue',
    zone: 'us-1',
    namespace: 'shop',
    deployment: 'cart',
    severity: 'warning',
  },
  annotations: {
    description: 'The system has high memory usage',
    runbook_url: 'https://runbooks.example.org/1234',
    summary: 'This alert was triggered for zone us-1',
  },
  startsAt: '2021-10-12T09:51:03.157076+02:00',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'https://grafana.example.org/alerting/1afz29v7z/edit',
  fingerprint: 'c6eadffa33fcdf37',
  silenceURL:
    'https://grafana.example.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT2%2Cteam%3Dblue%2Czone%3Dus-1',
  dashboardURL: '',
  panelURL: '',
  imageURL: '',
  values: { B: 44.23943737541908, C: 1 },
};
const cpu = {
  status: 'resolved',
  labels: { alertname: 'High CPU usage', team: 'blue', zone: 'eu-1' },
  annotations: { description: 'The system has high CPU usage' },
  startsAt: '2021-10-12T09:51:03.157076+02:00',
  endsAt: '2021-10-12T10:01:03Z',
  generatorURL: 'https://grafana.example.org/alerting/d1rdpdv7k/edit',
  fingerprint: 'bc97ff14869b13e3',
  silenceURL:
    'https://grafana.example.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT1%2Cteam%3Dblue%2Czone%3Deu-1',
  dashboardURL: '',
  panelURL: '',
  values: null,
};
const body = {
  receiver: 'kubeloop',
  status: 'firing',
  orgId: 1,
  alerts: [memory, cpu],
  groupLabels: {},
  commonLabels: { team: 'blue' },
  commonAnnotations: {},
  externalURL: 'https://grafana.example.org/',
  version: '1',
  groupKey: '{}:{}',
  truncatedAlerts: 0,
  title: '[FIRING:1, RESOLVED:1]  (blue)',
  state: 'alerting',
  message: '**Firing**\n\nLabels:\n - alertname = High memory usage\n...',
};

function parseError(b: unknown): AlertParseError {
  try {
    parseGrafana(b);
  } catch (err) {
    if (err instanceof AlertParseError) return err;
    throw err;
  }
  throw new Error('expected an AlertParseError');
}

describe('grafana parser', () => {
  it('parses one Alert per element, with the rule values as annotations', () => {
    const expected: Alert[] = [
      {
        source: 'grafana',
        id: 'c6eadffa33fcdf37@1634025063157',
        status: 'firing',
        severity: 'warning',
        labels: memory.labels,
        annotations: { ...memory.annotations, value_B: '44.23943737541908', value_C: '1' },
        title: 'High memory usage: This alert was triggered for zone us-1',
        startsAt: 1634025063157,
        raw: memory,
      },
      {
        source: 'grafana',
        id: 'bc97ff14869b13e3@1634025063157/resolved',
        status: 'resolved',
        severity: 'warning',
        labels: cpu.labels,
        annotations: cpu.annotations,
        title: 'High CPU usage',
        startsAt: 1634025063157,
        endsAt: 1634032863000,
        raw: cpu,
      },
    ];
    const alerts = parseGrafana(body);
    expect(alerts).toEqual(expected);
    expect(alerts[0]).not.toHaveProperty('endsAt');
  });

  it('accepts a body without version or values', () => {
    const { version: _v, ...noVersion } = body;
    const { values: _x, ...noValues } = memory;
    const [a] = parseGrafana({ ...noVersion, alerts: [noValues] });
    expect(a?.annotations).toEqual(memory.annotations);
  });

  it('names the failing field', () => {
    expect(parseError({ ...body, alerts: 'none' })).toMatchObject({
      path: 'alerts',
      reason: 'expected array, got "none"',
    });
    const { alerts: _a, ...noAlerts } = body;
    expect(parseError(noAlerts)).toMatchObject({ path: 'alerts', reason: 'is required (expected array)' });
    expect(parseError({ ...body, alerts: [memory, { ...cpu, values: { B: 'high' } }] })).toMatchObject({
      path: 'alerts[1].values.B',
      reason: 'expected number, got "high"',
    });
    const { fingerprint: _f, ...noFingerprint } = memory;
    expect(parseError({ ...body, alerts: [noFingerprint] }).path).toBe('alerts[0].fingerprint');
    expect(parseError({ ...body, alerts: [{ ...memory, annotations: { summary: 1 } }] }).path).toBe(
      'alerts[0].annotations.summary',
    );
  });

  it('rejects a body that is not an object', () => {
    for (const b of [null, [], 'x']) expect(parseError(b).path).toBe('');
  });
});
