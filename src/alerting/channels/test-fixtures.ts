/** Sample notifications for the channel tests (test-only; nothing in src imports this). */
import { notificationMessageSchema, type NotificationMessage } from './message.ts';

type MessageInput = Partial<Omit<NotificationMessage, 'workload'>> & { workload?: NotificationMessage['workload'] };

export function failure(over: MessageInput = {}): NotificationMessage {
  return notificationMessageSchema.parse({
    id: 'ntf-0001',
    kind: 'failure',
    title: 'payments/api crashed: OOMKilled',
    severity: 'critical',
    cluster: 'prod-sh',
    namespace: 'payments',
    workload: { kind: 'Deployment', name: 'api' },
    reason: 'OOMKilled',
    exitCode: 137,
    node: 'node-7',
    pods: ['api-7f9c6b5d4-abcde', 'api-7f9c6b5d4-fghij'],
    count: 2,
    logLines: ['starting api v1.4.2', 'loaded 1200000 rows into cache', 'java.lang.OutOfMemoryError: Java heap space'],
    link: 'http://127.0.0.1:7420/failures/42',
    occurredAt: '2025-05-01T08:30:00Z',
    lang: 'en',
    ...over,
  });
}

export function zhFailure(over: MessageInput = {}): NotificationMessage {
  return failure({ title: 'payments/api 崩溃：内存溢出被终止', lang: 'zh-CN', ...over });
}

/** `n` log lines of Chinese text (3 bytes a character in UTF-8), numbered so order can be checked. */
export function chineseLogLines(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `第${i + 1}行：数据库连接池耗尽，等待超时，正在重试……🚨`);
}

/**
 * Channel tests' timeout for sends that should succeed: long enough that a loaded machine never
 * turns one into a timeout. Only a send to an endpoint told to hang gets a short one (`hanging`).
 */
export const NORMAL_TIMEOUT_MS = 10_000;

/** The config with a short timeout, for the one send that meets a hanging endpoint. */
export function hanging<T extends { timeoutMs: number }>(config: T): T {
  return { ...config, timeoutMs: 200 };
}
