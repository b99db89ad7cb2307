import { describe, expect, it } from 'vitest';
import { parseAlertingConfig } from './config.ts';
import { globToRegExp, Router, type AlertFacts } from './router.ts';

const channels = ['a', 'b', 'c'].map((name) => ({
  name,
  type: 'slack',
  url: `https://hooks.slack.com/services/${name}`,
}));
const facts = (over: Partial<AlertFacts> = {}): AlertFacts => ({
  cluster: 'prod',
  namespace: 'shop',
  workloadKind: 'Deployment',
  workloadName: 'api',
  reason: 'OOMKilled',
  severity: 'critical',
  ...over,
});
const router = (routes: unknown[]): Router => {
  const cfg = parseAlertingConfig({ channels, routes });
  return new Router(
    cfg.routes,
    cfg.channels.map((c) => c.name),
  );
};

describe('routing', () => {
  it('sends everything everywhere when no routes are configured', () => {
    expect(router([]).route(facts())).toEqual({ channels: ['a', 'b', 'c'], routes: [] });
  });

  it('stops at the first matching route', () => {
    const r = router([
      { match: { namespaces: ['pay*'] }, channels: ['a'] },
      { match: { severity: 'critical' }, channels: ['b'] },
      { channels: ['c'] },
    ]);
    expect(r.route(facts({ namespace: 'payments' }))).toEqual({ channels: ['a'], routes: [0] });
    expect(r.route(facts())).toEqual({ channels: ['b'], routes: [1] });
    expect(r.route(facts({ severity: 'warning' }))).toEqual({ channels: ['c'], routes: [2] });
  });

  it('goes on after a route with continue, naming each channel once', () => {
    const r = router([
      { match: { reasons: ['OOM*'] }, channels: ['a', 'b'], continue: true },
      { match: { severity: ['critical', 'warning'] }, channels: ['b', 'c'] },
      { channels: ['a'] },
    ]);
    expect(r.route(facts())).toEqual({ channels: ['a', 'b', 'c'], routes: [0, 1] });
    expect(r.route(facts({ reason: 'Error', severity: 'info' }))).toEqual({ channels: ['a'], routes: [2] });
  });

  it('leaves an unmatched failure unrouted when routes exist', () => {
    expect(router([{ match: { namespaces: ['kube-system'] }, channels: ['a'] }]).route(facts())).toEqual({
      channels: [],
      routes: [],
    });
  });

  it('matches workloads as namespace/name or name globs, all fields together', () => {
    const r = router([
      { match: { workloads: ['shop/api-*'] }, channels: ['a'] },
      { match: { workloads: ['worker?'], reasons: ['Error'] }, channels: ['b'] },
    ]);
    expect(r.route(facts({ workloadName: 'api-v2' })).channels).toEqual(['a']);
    expect(r.route(facts({ namespace: 'other', workloadName: 'api-v2' })).channels).toEqual([]);
    expect(r.route(facts({ namespace: 'any', workloadName: 'worker1', reason: 'Error' })).channels).toEqual(['b']);
    expect(r.route(facts({ namespace: 'any', workloadName: 'worker1' })).channels).toEqual([]);
  });

  it('treats glob metacharacters other than * and ? literally', () => {
    expect(globToRegExp('a.b*').test('a.bc')).toBe(true);
    expect(globToRegExp('a.b*').test('axbc')).toBe(false);
    expect(globToRegExp('(x)?').test('(x)y')).toBe(true);
  });
});
