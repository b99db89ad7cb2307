import { describe, expect, it } from 'vitest';
import { alertingConfigSchema, defaultAlertingConfig, parseAlertingConfig } from './config.ts';
import { ConfigError } from '../util/config-kit.ts';
import { parseConfig } from '../config/load.ts';

const wecom = { name: 'ops', type: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k' };
const slack = { name: 'team', type: 'slack', url: 'https://hooks.slack.com/services/T/B/x' };

describe('alerting config', () => {
  it('has sensible defaults', () => {
    const cfg = defaultAlertingConfig();
    expect(cfg).toMatchObject({
      channels: [],
      routes: [],
      grouping: { window: 30_000 },
      rateLimit: { messages: 20, per: 60_000, channels: {} },
      silences: [],
      lang: 'en',
      notifyResolved: true,
      delivery: { initialBackoff: 5_000, maxBackoff: 600_000, maxAttempts: 15 },
    });
    expect(alertingConfigSchema.parse({})).toEqual(cfg);
  });

  it('parses routes, durations, silences and per-channel rate limits', () => {
    const cfg = parseAlertingConfig({
      channels: [wecom, slack],
      routes: [
        {
          match: {
            namespaces: ['prod-*'],
            workloads: ['shop/api*', 'worker'],
            reasons: ['OOMKilled'],
            severity: 'critical',
          },
          channels: ['ops'],
          continue: true,
        },
        { channels: ['team'] },
      ],
      grouping: { window: '30s' },
      rateLimit: { messages: 10, per: '2m', channels: { ops: { messages: 5, per: '1m' } } },
      silences: [{ matchers: { namespaces: ['staging'] }, expiresAt: '2030-01-01T00:00:00Z', comment: 'migration' }],
      severity: { Evicted: 'critical' },
      lang: 'zh-CN',
      publicUrl: 'https://kubeloop.example.com',
    });
    expect(cfg.routes[0]).toMatchObject({ match: { severity: ['critical'] }, continue: true });
    expect(cfg.routes[1]).toEqual({ match: {}, channels: ['team'], continue: false });
    expect(cfg.grouping.window).toBe(30_000);
    expect(cfg.rateLimit).toEqual({ messages: 10, per: 120_000, channels: { ops: { messages: 5, per: 60_000 } } });
    expect(cfg.silences[0]?.expiresAt).toBe(Date.parse('2030-01-01T00:00:00Z'));
  });

  it('names the field of an unknown channel in a route or rate limit', () => {
    const raw = {
      channels: [wecom],
      routes: [{ channels: ['ops', 'x'] }],
      rateLimit: { channels: { nope: { messages: 1, per: '1m' } } },
    };
    expect(() => parseAlertingConfig(raw)).toThrow(ConfigError);
    expect(() => parseAlertingConfig(raw)).toThrow(
      /alerting\.routes\[0\]\.channels\[1\]: unknown channel "x" \(channels: ops\)/,
    );
    expect(() => parseAlertingConfig(raw)).toThrow(/alerting\.rateLimit\.channels\.nope: unknown channel "nope"/);
  });

  it('names bad fields inside lists, channels included', () => {
    expect(() => parseAlertingConfig({ channels: [{ ...wecom, url: 'ftp://x' }] })).toThrow(
      /alerting\.channels\[0\]\.url: /,
    );
    expect(() => parseAlertingConfig({ routes: [{ match: { severity: 'fatal' }, channels: [] }] })).toThrow(
      /alerting\.routes\[0\]\.match\.severity/,
    );
    expect(() => parseAlertingConfig({ grouping: { window: 'soon' } })).toThrow(
      /alerting\.grouping\.window: expected a duration/,
    );
    expect(() => parseAlertingConfig({ silences: [{ matchers: {}, expiresAt: '2030-01-01T00:00:00Z' }] })).toThrow(
      /alerting\.silences\[0\]\.matchers: a silence needs at least one matcher/,
    );
    expect(() => parseAlertingConfig({ lang: 'fr' })).toThrow(/alerting\.lang/);
    expect(() => parseAlertingConfig({ routes: [{ chanels: ['ops'] }] })).toThrow(
      /alerting\.routes\[0\]\.chanels: unknown key/,
    );
    expect(() => parseAlertingConfig({ delivery: { initialBackoff: '1m', maxBackoff: '10s' } })).toThrow(
      /alerting\.delivery\.maxBackoff: must not be shorter/,
    );
  });

  it('is the alerting section of kubeloop.yaml, with its errors named from the top', () => {
    expect(parseConfig({}).alerting).toEqual(defaultAlertingConfig());
    expect(parseConfig({ alerting: { channels: [wecom], lang: 'zh-CN' } }).alerting.lang).toBe('zh-CN');
    expect(() =>
      parseConfig({ alerting: { channels: [wecom], routes: [{ channels: ['ops', 'x'] }] } }, 'kubeloop.yaml'),
    ).toThrow(/kubeloop\.yaml: invalid configuration:\nalerting\.routes\[0\]\.channels\[1\]: unknown channel "x"/);
  });
});
