/**
 * Local stand-ins for the chat vendors' webhook endpoints (loopback, free port). Each checks the
 * exact request its vendor documents (path, query, headers, body shape, size limits, signature),
 * answers like the vendor (including its own error codes), records accepted messages, and can be
 * told to fail: `receiver.fail({ status: 500, body: 'boom' }, 2)`, `receiver.fail({ hang: true })`,
 * `receiver.fail({ reset: true })`, or a vendor error: `receiver.fail(wecom.vendorError(45009, 'api freq out of limit'))`.
 *
 *   const wecom = await new WecomReceiver().start();
 *   // channel config: { type: 'wecom', name: 'ops', url: wecom.url }
 *   ...
 *   await wecom.waitForAccepted(1);
 *   expect(wecom.accepted[0]?.body).toEqual({ msgtype: 'markdown', markdown: { content: ... } });
 *   await wecom.stop();
 */
import { DingtalkReceiver } from './chat-receivers/dingtalk.ts';
import { FeishuReceiver } from './chat-receivers/feishu.ts';
import { SlackReceiver } from './chat-receivers/slack.ts';
import { WebhookReceiver } from './chat-receivers/webhook.ts';
import { WecomReceiver } from './chat-receivers/wecom.ts';

export { ChatReceiver } from './chat-receivers/base.ts';
export type {
  AcceptedMessage,
  Fault,
  ReceivedRequest,
  ReceiverOptions,
  RejectedRequest,
  Reply,
} from './chat-receivers/base.ts';
export { DingtalkReceiver, type DingtalkBody } from './chat-receivers/dingtalk.ts';
export { FeishuReceiver, type FeishuBody } from './chat-receivers/feishu.ts';
export { SlackReceiver, type SlackBody } from './chat-receivers/slack.ts';
export { WebhookReceiver, type WebhookBody } from './chat-receivers/webhook.ts';
export { WecomReceiver, type WecomBody } from './chat-receivers/wecom.ts';

export interface ChatReceivers {
  wecom: WecomReceiver;
  dingtalk: DingtalkReceiver;
  feishu: FeishuReceiver;
  slack: SlackReceiver;
  webhook: WebhookReceiver;
  stop(): Promise<void>;
}

/**
 * All five receivers, started. `secrets` turns on signing where the vendor supports it
 * (DingTalk 加签, Feishu 签名校验, the generic webhook's HMAC).
 */
export async function startChatReceivers(
  secrets: { dingtalk?: string; feishu?: string; webhook?: string } = {},
): Promise<ChatReceivers> {
  const all = {
    wecom: new WecomReceiver(),
    dingtalk: new DingtalkReceiver(secrets.dingtalk ? { secret: secrets.dingtalk } : {}),
    feishu: new FeishuReceiver(secrets.feishu ? { secret: secrets.feishu } : {}),
    slack: new SlackReceiver(),
    webhook: new WebhookReceiver(secrets.webhook ? { secret: secrets.webhook } : {}),
  };
  await Promise.all(Object.values(all).map((r) => r.start()));
  return { ...all, stop: async () => void (await Promise.all(Object.values(all).map((r) => r.stop()))) };
}
