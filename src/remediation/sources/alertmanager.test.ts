import { describe, expect, it } from 'vitest';
import { AlertParseError, type Alert } from '../alert.ts';
import { parseAlertmanager } from './alertmanager.ts';

// A webhook_config notification (payload version 4) for a group of two alerts: one firing (no end:
// Go's zero time), one resolved.
const firing = {
  status: 'firing',
  labels: { alertname: 'KubePodCrashLooping', namespace: 'shop', pod: 'cart-5d9f7c6b8-x2x7q', severity: 'critical' },
  annotations: {
    summary: 'Pod shop/cart-5d9f7c6b8-x2x7q is crash looping',
    runbook_url: 'https://runbooks.example.org/KubePodCrashLooping',
  },
  startsAt: '2024-05-14T10:12:30.123456789+02:00',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'http://prometheus.example.org:9090/graph?g0.expr=kube_pod_container_status_waiting_reason',
  fingerprint: 'a3c1e0f9b2d4c5e6',
};
const resolved = {
  status: 'resolved',
  labels: { alertname: 'KubePodCrashLooping', namespace: 'shop', pod: 'cart-5d9f7c6b8-abcde', severity: 'page' },
  annotations: {},
  startsAt: '2024-05-14T08:01:00Z',
  endsAt: '2024-05-14T08:40:00Z',
  generatorURL: 'http://prometheus.example.org:9090/graph?g0.expr=kube_pod_container_status_waiting_reason',
  fingerprint: '0f1e2d3c4b5a6978',
};
const body = {
  receiver: 'kubeloop',
  status: 'firing',
  alerts: [firing, resolved],
  groupLabels: { alertname: 'KubePodCrashLooping' },
  commonLabels: { alertname: 'KubePodCrashLooping', namespace: 'shop' },
  commonAnnotations: {},
  externalURL: 'http://alertmanager.example.org:9093',
  version: '4',
  groupKey: '{}:{alertname="KubePodCrashLooping"}',
  truncatedAlerts: 0,
};

function parseError(b: unknown): AlertParseError {
  try {
    parseAlertmanager(b);
  } catch (err) {
    if (err instanceof AlertParseError) return err;
    throw err;
  }
  throw new Error('expected an AlertParseError');
}

describe('alertmanager parser', () => {
  it('parses one Alert per element, each with its own raw part', () => {
    const expected: Alert[] = [
      {
        source: 'alertmanager',
        id: 'a3c1e0f9b2d4c5e6@1715674350123',
        status: 'firing',
        severity: 'critical',
        labels: firing.labels,
        annotations: firing.annotations,
        title: 'KubePodCrashLooping: Pod shop/cart-5d9f7c6b8-x2x7q is crash looping',
        startsAt: 1715674350123,
        raw: firing,
      },
      {
        source: 'alertmanager',
        id: '0f1e2d3c4b5a6978@1715673660000/resolved',
        status: 'resolved',
        severity: 'critical',
        labels: resolved.labels,
        annotations: {},
        title: 'KubePodCrashLooping',
        startsAt: 1715673660000,
        endsAt: 1715676000000,
        raw: resolved,
      },
    ];
    const alerts = parseAlertmanager(body);
    expect(alerts).toEqual(expected);
    // An unset end (0001-01-01T00:00:00Z) is no endsAt at all.
    expect(alerts[0]?.endsAt).toBeUndefined();
    expect(alerts[0]).not.toHaveProperty('endsAt');
  });

  it('keeps an endsAt only on resolved alerts', () => {
    // Prometheus gives firing alerts an endsAt a few evaluation intervals ahead: not an end.
    const [a] = parseAlertmanager({ ...body, alerts: [{ ...firing, endsAt: '2024-05-14T08:40:00Z' }] });
    expect(a).not.toHaveProperty('endsAt');
  });

  it('maps labels.severity', () => {
    const severityOf = (severity: string | undefined) => {
      const labels: Record<string, string> = { alertname: 'X' };
      if (severity !== undefined) labels.severity = severity;
      return parseAlertmanager({ ...body, alerts: [{ ...firing, labels }] })[0]?.severity;
    };
    expect(severityOf('critical')).toBe('critical');
    expect(severityOf('page')).toBe('critical');
    expect(severityOf('error')).toBe('error');
    expect(severityOf('warning')).toBe('warning');
    expect(severityOf('info')).toBe('info');
    expect(severityOf('Critical')).toBe('critical');
    expect(severityOf('minor')).toBe('warning');
    expect(severityOf(undefined)).toBe('warning');
  });

  it('tolerates null annotations and turns scalar label values into strings', () => {
    const [a] = parseAlertmanager({
      ...body,
      alerts: [{ ...firing, annotations: null, labels: { alertname: 'X', replicas: 3 } }],
    });
    expect(a).toMatchObject({ annotations: {}, labels: { alertname: 'X', replicas: '3' }, title: 'X' });
  });

  it('names the failing field', () => {
    const { fingerprint: _f, ...noFingerprint } = resolved;
    expect(parseError({ ...body, alerts: [firing, noFingerprint] })).toMatchObject({
      path: 'alerts[1].fingerprint',
      reason: 'is required (expected string)',
    });
    expect(parseError({ ...body, version: '3' })).toMatchObject({
      path: 'version',
      reason: 'expected "4" (the Alertmanager webhook payload version this parser reads), got "3"',
    });
    const { version: _v, ...noVersion } = body;
    expect(parseError(noVersion).path).toBe('version');
    expect(parseError({ ...body, alerts: [] })).toMatchObject({
      path: 'alerts',
      reason: 'expected at least one alert in `alerts`',
    });
    expect(parseError({ ...body, alerts: {} })).toMatchObject({
      path: 'alerts',
      reason: 'expected array, got an object',
    });
    expect(
      parseError({ ...body, alerts: [{ ...firing, labels: { ...firing.labels, severity: null } }] }),
    ).toMatchObject({ path: 'alerts[0].labels.severity', reason: 'expected a string, number or boolean, got null' });
    expect(parseError({ ...body, alerts: [{ ...firing, labels: { 'app.kubernetes.io/name': ['x'] } }] }).path).toBe(
      'alerts[0].labels["app.kubernetes.io/name"]',
    );
    expect(parseError({ ...body, alerts: [{ ...firing, status: 'pending' }] })).toMatchObject({
      path: 'alerts[0].status',
      reason: 'expected "firing" or "resolved", got "pending"',
    });
    expect(parseError({ ...body, alerts: [{ ...firing, startsAt: 'yesterday' }] }).path).toBe('alerts[0].startsAt');
    expect(parseError({ ...body, alerts: [{ ...firing, startsAt: '2024-02-30T00:00:00Z' }] }).path).toBe(
      'alerts[0].startsAt',
    );
    expect(parseError({ ...body, alerts: [firing, 'x'] })).toMatchObject({
      path: 'alerts[1]',
      reason: 'expected object, got "x"',
    });
  });

  it('rejects a body that is not an object', () => {
    for (const b of [null, [], 'x']) expect(parseError(b).path).toBe('');
    expect(parseError(null).reason).toBe('expected a JSON object as the request body, got null');
  });
});
