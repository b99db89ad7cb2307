/**
 * The channel layer: one module per vendor turns a NotificationMessage into the exact request the
 * vendor documents and sends it with a timeout, returning a typed SendResult. Routing, grouping,
 * storm control and the outbox live elsewhere and use only this interface.
 */
import type { ChannelConfig, ChannelType } from './config.ts';
import { buildDingtalkRequest, sendDingtalk } from './dingtalk.ts';
import { buildFeishuRequest, sendFeishu } from './feishu.ts';
import type { ChannelRequest, SendOptions, SendResult } from './http.ts';
import type { NotificationMessage } from './message.ts';
import { buildSlackRequest, sendSlack } from './slack.ts';
import { buildWebhookRequest, sendWebhook } from './webhook.ts';
import { buildWecomRequest, sendWecom } from './wecom.ts';

export interface Channel {
  readonly name: string;
  readonly type: ChannelType;
  /** Messages the outbox worker sends through this channel at once. */
  readonly concurrency: number;
  /** Sends one message; never throws: every failure is a SendError saying whether to retry. */
  send(msg: NotificationMessage, opts?: SendOptions): Promise<SendResult>;
  /** The request `send` would make at `nowMs` (for previews, logs and tests); nothing is sent. */
  preview(msg: NotificationMessage, nowMs?: number): ChannelRequest;
}

/** Sends `msg` through the channel `config` describes. */
export function sendToChannel(
  config: ChannelConfig,
  msg: NotificationMessage,
  opts: SendOptions = {},
): Promise<SendResult> {
  switch (config.type) {
    case 'wecom':
      return sendWecom(config, msg, opts);
    case 'dingtalk':
      return sendDingtalk(config, msg, opts);
    case 'feishu':
      return sendFeishu(config, msg, opts);
    case 'slack':
      return sendSlack(config, msg, opts);
    case 'webhook':
      return sendWebhook(config, msg, opts);
  }
}

export function buildChannelRequest(config: ChannelConfig, msg: NotificationMessage, nowMs: number): ChannelRequest {
  switch (config.type) {
    case 'wecom':
      return buildWecomRequest(config, msg);
    case 'dingtalk':
      return buildDingtalkRequest(config, msg, nowMs);
    case 'feishu':
      return buildFeishuRequest(config, msg, nowMs);
    case 'slack':
      return buildSlackRequest(config, msg);
    case 'webhook':
      return buildWebhookRequest(config, msg, nowMs);
  }
}

export function createChannel(config: ChannelConfig, defaults: SendOptions = {}): Channel {
  return {
    name: config.name,
    type: config.type,
    concurrency: config.type === 'webhook' ? config.concurrency : 1,
    send: (msg, opts) => sendToChannel(config, msg, { ...defaults, ...opts }),
    preview: (msg, nowMs) => buildChannelRequest(config, msg, nowMs ?? (defaults.now ?? Date.now)()),
  };
}

export type { ChannelConfig, ChannelConfigInput, ChannelType } from './config.ts';
export { channelConfigSchema, channelsConfigSchema, channelTypes, parseChannel, parseChannels } from './config.ts';
export type { ChannelRequest, SendError, SendOk, SendOptions, SendResult } from './http.ts';
export type { NotificationKind, NotificationMessage, Severity, WorkloadRef } from './message.ts';
export { notificationMessageSchema } from './message.ts';
