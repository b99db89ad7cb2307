import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/load.ts';
import { DEFAULT_TIMEOUT_MS, parseChannel, parseChannels } from './config.ts';

const valid = [
  { name: 'ops-wecom', type: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx' },
  {
    name: 'ops-ding',
    type: 'dingtalk',
    url: 'https://oapi.dingtalk.com/robot/send?access_token=abc',
    secret: 'SECxyz',
  },
  { name: 'ops-feishu', type: 'feishu', url: 'https://open.feishu.cn/open-apis/bot/v2/hook/123', secret: 's' },
  { name: 'ops-slack', type: 'slack', url: 'https://hooks.slack.com/services/T0/B0/x', timeoutMs: 2000 },
  { name: 'itsm', type: 'webhook', url: 'http://itsm.internal:8080/kubeloop', secret: 'k' },
];

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('channel config', () => {
  it('accepts every channel type and fills the defaults', () => {
    const channels = parseChannels(valid);
    expect(channels.map((c) => c.type)).toEqual(['wecom', 'dingtalk', 'feishu', 'slack', 'webhook']);
    expect(channels[0]?.timeoutMs).toBe(DEFAULT_TIMEOUT_MS);
    expect(channels[3]?.timeoutMs).toBe(2000);
    const feishu = channels[2];
    expect(feishu?.type === 'feishu' && feishu.format).toBe('card');
  });

  it('names the field of a bad URL', () => {
    const msg = errorOf(() => parseChannels([valid[0], { name: 'x', type: 'slack', url: 'not a url' }]));
    expect(msg).toContain('channels[1].url: must be an http:// or https:// URL');
    expect(errorOf(() => parseChannel({ name: 'x', type: 'webhook', url: 'ftp://host/x' }))).toContain('channel.url:');
  });

  it('names the type field of an unknown type', () => {
    const msg = errorOf(() => parseChannels([{ name: 'x', type: 'teams', url: 'https://x' }]));
    expect(msg).toContain(
      'channels[0].type: unknown channel type (use one of wecom, dingtalk, feishu, slack, webhook)',
    );
  });

  it('wants the key / access token that identifies the robot', () => {
    expect(
      errorOf(() =>
        parseChannel({ name: 'w', type: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send' }),
      ),
    ).toContain('channel.url: must carry the robot\'s key as the "key" query parameter');
    expect(
      errorOf(() => parseChannel({ name: 'd', type: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send' })),
    ).toContain('"access_token"');
  });

  it('rejects unknown keys, secrets where the vendor has none, and duplicate names', () => {
    expect(errorOf(() => parseChannel({ ...valid[4], secrte: 'x' }))).toContain('channel.secrte: unknown key');
    expect(errorOf(() => parseChannel({ ...valid[3], secret: 'x' }))).toContain('channel.secret: unknown key');
    expect(errorOf(() => parseChannels([valid[0], { ...valid[3], name: 'ops-wecom' }]))).toContain(
      'channels[1].name: duplicate channel name "ops-wecom"',
    );
    expect(errorOf(() => parseChannel({ ...valid[0], name: '' }))).toContain('channel.name:');
    expect(errorOf(() => parseChannel({ ...valid[0], timeoutMs: 10 }))).toContain('channel.timeoutMs:');
  });
});
