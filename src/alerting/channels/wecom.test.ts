import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WecomReceiver } from '../../../test/support/chat-receivers.ts';
import { parseChannel, type WecomChannelConfig } from './config.ts';
import { chineseLogLines, failure, zhFailure, hanging, NORMAL_TIMEOUT_MS } from './test-fixtures.ts';
import { renderWecomContent, sendWecom, WECOM_MARKDOWN_MAX_BYTES } from './wecom.ts';

let receiver: WecomReceiver;
let config: WecomChannelConfig;

beforeEach(async () => {
  receiver = await new WecomReceiver().start();
  const c = parseChannel({ name: 'ops-wecom', type: 'wecom', url: receiver.url, timeoutMs: 500 });
  if (c.type !== 'wecom') throw new Error('unreachable');
  config = c;
});
afterEach(() => receiver.stop());

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('WeCom channel', () => {
  it('posts the documented markdown message', async () => {
    const result = await sendWecom(config, failure());
    expect(result).toMatchObject({ ok: true, status: 200 });
    const [msg] = receiver.accepted;
    expect(msg?.query.get('key')).toBe(receiver.key);
    expect(msg?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Object.keys(JSON.parse(msg?.raw ?? '{}'))).toEqual(['msgtype', 'markdown']);
    if (msg?.body.msgtype !== 'markdown') throw new Error('expected markdown');
    const content = msg.body.markdown.content;
    expect(content.split('\n')[0]).toBe('**<font color="warning">[Critical] payments/api crashed: OOMKilled</font>**');
    for (const line of [
      '> Cluster: <font color="comment">prod-sh</font>',
      '> Namespace: <font color="comment">payments</font>',
      '> Workload: <font color="comment">Deployment/api</font>',
      '> Reason: <font color="comment">OOMKilled</font>',
      '> Exit code: <font color="comment">137</font>',
      '> Node: <font color="comment">node-7</font>',
      '> Occurrences: <font color="comment">2</font>',
      '> Pods: api-7f9c6b5d4-abcde, api-7f9c6b5d4-fghij',
      '**Last 3 log lines**',
      '> java.lang.OutOfMemoryError: Java heap space',
      '[Open in Kubeloop](http://127.0.0.1:7420/failures/42)',
    ]) {
      expect(content.split('\n')).toContain(line);
    }
  });

  it('renders zh-CN naturally', async () => {
    expect(await sendWecom(config, zhFailure())).toMatchObject({ ok: true });
    const body = receiver.accepted[0]?.body;
    const content = body?.msgtype === 'markdown' ? body.markdown.content : '';
    expect(content).toContain('【严重】payments/api 崩溃：内存溢出被终止');
    expect(content).toContain('> 集群：<font color="comment">prod-sh</font>');
    expect(content).toContain('> 命名空间：<font color="comment">payments</font>');
    expect(content).toContain('> 工作负载：<font color="comment">Deployment/api</font>');
    expect(content).toContain('> 退出码：<font color="comment">137</font>');
    expect(content).toContain('> 发生次数：<font color="comment">2</font>');
    expect(content).toContain('> Pod：api-7f9c6b5d4-abcde、api-7f9c6b5d4-fghij');
    expect(content).toContain('**最近 3 行日志**');
    expect(content).toContain('[在 Kubeloop 中查看](http://127.0.0.1:7420/failures/42)');
    const resolved = renderWecomContent(zhFailure({ kind: 'resolved', title: 'payments/api 已恢复正常' }));
    expect(resolved.split('\n')[0]).toBe('**<font color="info">【已恢复】payments/api 已恢复正常</font>**');
  });

  it('keeps multibyte content within 4,096 bytes: oldest log lines go first, newest stay', async () => {
    const msg = zhFailure({ logLines: chineseLogLines(400) });
    expect(await sendWecom(config, msg)).toMatchObject({ ok: true });
    const body = receiver.accepted[0]?.body;
    const content = body?.msgtype === 'markdown' ? body.markdown.content : '';
    expect(bytes(content)).toBeLessThanOrEqual(WECOM_MARKDOWN_MAX_BYTES);
    expect(bytes(content)).toBeGreaterThan(WECOM_MARKDOWN_MAX_BYTES - 200);
    expect(content).not.toContain('\ufffd');
    expect(content).toMatch(/> ……（已省略更早的 \d+ 行）/);
    expect(content).toContain('第400行：数据库连接池耗尽');
    expect(content).not.toContain('第1行：');
    expect(content.endsWith('[在 Kubeloop 中查看](http://127.0.0.1:7420/failures/42)')).toBe(true);
  });

  it('cuts oversized text on a character boundary with a visible marker', async () => {
    const detail = '节点内存压力过大🚨'.repeat(500); // ~13 KB of 3- and 4-byte characters
    expect(await sendWecom(config, zhFailure({ kind: 'summary', detail, logLines: [] }))).toMatchObject({ ok: true });
    const body = receiver.accepted[0]?.body;
    const content = body?.msgtype === 'markdown' ? body.markdown.content : '';
    expect(bytes(content)).toBeLessThanOrEqual(WECOM_MARKDOWN_MAX_BYTES);
    expect(content).not.toContain('\ufffd');
    expect(content.endsWith('\n……（内容过长，已截断）')).toBe(true);
  });

  it('is told off by the emulator exactly as WeCom does when content is too long', async () => {
    const res = await fetch(receiver.url, {
      method: 'POST',
      body: JSON.stringify({ msgtype: 'markdown', markdown: { content: '长'.repeat(1366) } }),
    });
    expect(await res.json()).toMatchObject({ errcode: 40058 });
    expect(receiver.rejected[0]?.reason).toContain('markdown.content exceed max length 4096');
  });

  it("reports a wrong key as a permanent error with WeCom's code", async () => {
    const wrong = { ...config, url: `${receiver.baseUrl}/cgi-bin/webhook/send?key=not-the-key` };
    const result = await sendWecom(wrong, failure());
    expect(result).toMatchObject({ ok: false, retryable: false, code: '93000', status: 200 });
    if (!result.ok) expect(result.message).toContain('invalid webhook url');
  });

  it('retries the frequency limit, 500s and timeouts', async () => {
    receiver
      .fail(receiver.vendorError(45009, 'api freq out of limit'), 1)
      .fail({ status: 500, body: 'upstream error', contentType: 'text/plain' }, 1);
    expect(await sendWecom(config, failure())).toMatchObject({ ok: false, retryable: true, code: '45009' });
    expect(await sendWecom(config, failure())).toMatchObject({
      ok: false,
      retryable: true,
      code: 'http_500',
      status: 500,
    });
    receiver.fail({ hang: true }, 1);
    const started = Date.now();
    const timedOut = await sendWecom(hanging(config), failure());
    expect(timedOut).toMatchObject({ ok: false, retryable: true, code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(NORMAL_TIMEOUT_MS / 2); // the short timeout applied, not the normal one
    expect(await sendWecom(config, failure())).toMatchObject({ ok: true });
    expect(receiver.received).toHaveLength(4);
    expect(receiver.accepted).toHaveLength(1);
  });
});
