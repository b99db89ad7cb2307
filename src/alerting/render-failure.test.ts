import { describe, expect, it } from 'vitest';
import { notificationMessageSchema } from './channels/message.ts';
import type { Failure } from '../store/index.ts';
import {
  failureMessage,
  groupTitle,
  lastLogLines,
  resolvedMessage,
  summaryMessage,
  testMessage,
} from './render-failure.ts';

function failure(over: Partial<Failure> = {}): Failure {
  return {
    id: 42,
    key: 'k',
    cluster: 'prod',
    namespace: 'payments',
    pod: 'api-1',
    podUid: 'u',
    container: 'api',
    node: 'node-7',
    workloadKind: 'Deployment',
    workloadName: 'api',
    reason: 'OOMKilled',
    exitCode: 137,
    signal: 9,
    message: 'memory limit 512Mi',
    restartCount: 3,
    state: 'open',
    preExisting: false,
    detectedAt: Date.parse('2025-05-01T08:30:01Z'),
    occurredAt: Date.parse('2025-05-01T08:30:00Z'),
    resolvedAt: null,
    ownerChain: [],
    services: [],
    events: [],
    logsTruncated: false,
    logsError: null,
    details: {},
    logs: Array.from({ length: 30 }, (_, i) => `\u001b[32mline ${i + 1}\u001b[0m`).join('\n') + '\n',
    ...over,
  };
}
const ctx = { lang: 'en' as const, publicUrl: 'https://kubeloop.example.com/', cluster: 'prod' };

describe('failure messages', () => {
  it('carry workload, reason, exit code, node, pod, the last log lines without ANSI codes, and the link', () => {
    const { message, title } = failureMessage(failure(), 'critical', ctx);
    expect(notificationMessageSchema.parse(message)).toEqual(message);
    expect(title).toBe('payments/api was OOMKilled (out of memory)');
    expect(message).toMatchObject({
      kind: 'failure',
      severity: 'critical',
      namespace: 'payments',
      workload: { kind: 'Deployment', name: 'api' },
      reason: 'OOMKilled',
      exitCode: 137,
      node: 'node-7',
      pods: ['api-1'],
      count: 1,
      link: 'https://kubeloop.example.com/failures/42',
      occurredAt: '2025-05-01T08:30:00.000Z',
    });
    expect(message.logLines).toHaveLength(20);
    expect(message.logLines[0]).toBe('line 11');
    expect(message.logLines[19]).toBe('line 30');
    expect(message.detail).toContain('memory limit 512Mi');
  });

  it('speaks Chinese, and says why logs are missing', () => {
    const { message } = failureMessage(
      failure({ reason: 'Error', exitCode: 1, logs: null, logsError: 'container not found' }),
      'warning',
      { ...ctx, lang: 'zh-CN' },
    );
    expect(message.title).toBe('payments/api 容器异常退出（退出码 1）');
    expect(message.detail).toContain('日志不可用：container not found');
    expect(message.logLines).toEqual([]);
    expect(groupTitle(message.title, 5, 60_000, 'zh-CN')).toBe('payments/api 容器异常退出（退出码 1）（60 秒内 5 次）');
    expect(groupTitle('x', 5, 60_000, 'en')).toBe('x (5 times in 60 s)');
  });

  it('keeps only non-empty trailing lines', () => {
    expect(lastLogLines('a\nb\n\n', 5)).toEqual(['a', 'b']);
    expect(lastLogLines(null, 5)).toEqual([]);
  });
});

describe('other messages', () => {
  it('resolved notices count the failures by reason', () => {
    const m = resolvedMessage(
      [failure(), failure({ id: 43, pod: 'api-2', reason: 'Error' }), failure({ id: 44 })],
      Date.parse('2025-05-01T08:35:01Z'),
      ctx,
    );
    expect(notificationMessageSchema.parse(m)).toEqual(m);
    expect(m).toMatchObject({
      kind: 'resolved',
      severity: 'info',
      title: 'payments/api recovered',
      count: 3,
      pods: ['api-1', 'api-2'],
      link: 'https://kubeloop.example.com/failures/42',
    });
    expect(m.detail).toBe('3 failures (OOMKilled ×2, Error ×1); healthy again after 5 min.');
  });

  it('summaries list what was held back, with the worst severity', () => {
    const items = Array.from({ length: 35 }, (_, i) => ({
      deliveryId: i,
      title: `t${i}`,
      severity: i === 3 ? ('critical' as const) : ('warning' as const),
      count: 2,
      failureIds: [i],
    }));
    const m = summaryMessage('ops', items, { messages: 20, per: 60_000 }, ctx);
    expect(notificationMessageSchema.parse(m)).toEqual(m);
    expect(m).toMatchObject({
      kind: 'summary',
      severity: 'critical',
      count: 70,
      title: 'ops: 35 notifications held back by the rate limit (20 per 60 s)',
    });
    expect(m.detail?.split('\n')).toHaveLength(31);
    expect(m.detail).toContain('• t0 ×2');
    expect(m.detail).toContain('… and 5 more');
  });

  it('test messages are valid in both languages', () => {
    for (const lang of ['en', 'zh-CN'] as const) {
      const m = testMessage('ops', 0, { ...ctx, lang });
      expect(notificationMessageSchema.parse(m)).toEqual(m);
    }
  });
});
