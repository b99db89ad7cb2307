import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChatReceivers, type ChatReceivers } from '../../../test/support/chat-receivers.ts';
import {
  createChannel,
  notificationMessageSchema,
  parseChannels,
  type Channel,
  type NotificationMessage,
} from './index.ts';
import { failure } from './test-fixtures.ts';

let receivers: ChatReceivers;
let channels: Channel[];

beforeAll(async () => {
  receivers = await startChatReceivers({ dingtalk: 'SECding', feishu: 'feishu-secret', webhook: 'hook-secret' });
  channels = parseChannels([
    { name: 'wecom', type: 'wecom', url: receivers.wecom.url },
    { name: 'dingtalk', type: 'dingtalk', url: receivers.dingtalk.url, secret: 'SECding' },
    { name: 'feishu', type: 'feishu', url: receivers.feishu.url, secret: 'feishu-secret' },
    { name: 'slack', type: 'slack', url: receivers.slack.url },
    { name: 'webhook', type: 'webhook', url: receivers.webhook.url, secret: 'hook-secret' },
  ]).map((c) => createChannel(c));
});
afterAll(() => receivers.stop());

/** The smallest messages: a test message and a storm summary carry no workload, logs or link. */
const minimal: NotificationMessage[] = [
  notificationMessageSchema.parse({
    kind: 'test',
    title: 'Kubeloop test message',
    severity: 'info',
    cluster: 'prod-sh',
    detail: 'If you can read this, the channel works.',
  }),
  notificationMessageSchema.parse({
    kind: 'test',
    title: 'Kubeloop 测试消息',
    severity: 'info',
    cluster: 'prod-sh',
    lang: 'zh-CN',
    detail: '看到这条消息，说明通道配置正确。',
  }),
  notificationMessageSchema.parse({
    kind: 'summary',
    title: '另有 37 条故障因限流未单独发送',
    severity: 'warning',
    cluster: 'prod-sh',
    count: 37,
    lang: 'zh-CN',
  }),
];

describe('channels', () => {
  it('every vendor accepts every kind of message in both languages', async () => {
    const messages = [
      ...minimal,
      failure(),
      failure({ kind: 'resolved', title: 'payments/api recovered', lang: 'zh-CN' }),
    ];
    for (const ch of channels) {
      for (const msg of messages) {
        const r = await ch.send(msg);
        expect(r, `${ch.name} / ${msg.kind} / ${msg.lang}: ${JSON.stringify(r)}`).toMatchObject({ ok: true });
      }
    }
    for (const r of [receivers.wecom, receivers.dingtalk, receivers.feishu, receivers.slack, receivers.webhook]) {
      expect(r.accepted).toHaveLength(messages.length);
      expect(r.rejected).toHaveLength(0);
    }
    expect(receivers.wecom.accepted[1]?.raw).toContain('【测试消息】Kubeloop 测试消息');
    expect(receivers.feishu.accepted[2]?.raw).toContain('**发生次数**\\n37');
  });

  it('preview builds the request without sending it', () => {
    const before = receivers.slack.received.length;
    const slack = channels.find((c) => c.type === 'slack');
    const req = slack?.preview(failure(), 0);
    expect(req?.url).toBe(receivers.slack.url);
    expect(JSON.parse(req?.body ?? '{}')).toHaveProperty('blocks');
    expect(receivers.slack.received.length).toBe(before);
  });

  it('a stored notification survives a JSON round trip through the schema', () => {
    const msg = failure();
    expect(notificationMessageSchema.parse(JSON.parse(JSON.stringify(msg)))).toEqual(msg);
    expect(notificationMessageSchema.safeParse({ ...msg, link: 'javascript:alert(1)' }).success).toBe(false);
  });
});
