import type { DeliveryStatus } from './api.ts';
import type { MessageKey } from './i18n.ts';

const SIGNALS: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  5: 'SIGTRAP',
  6: 'SIGABRT',
  7: 'SIGBUS',
  8: 'SIGFPE',
  9: 'SIGKILL',
  10: 'SIGUSR1',
  11: 'SIGSEGV',
  12: 'SIGUSR2',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
  24: 'SIGXCPU',
  25: 'SIGXFSZ',
  31: 'SIGSYS',
};

export function signalName(n: number): string {
  return SIGNALS[n] ?? `signal ${n}`;
}

/**
 * The signal that ended a container: the recorded one, else the one an exit code above 128
 * implies (137 = 128 + 9, SIGKILL). `derived` says which.
 */
export function signalOf(
  exitCode: number | null,
  signal: number | null,
): { n: number; name: string; derived: boolean } | null {
  if (signal !== null && signal > 0) return { n: signal, name: signalName(signal), derived: false };
  if (exitCode !== null && exitCode > 128 && exitCode <= 128 + 64) {
    const n = exitCode - 128;
    return { n, name: signalName(n), derived: true };
  }
  return null;
}

export const deliveryStatusKey: Record<DeliveryStatus, MessageKey> = {
  pending: 'delivery.pending',
  sending: 'delivery.sending',
  sent: 'delivery.sent',
  failed: 'delivery.failed',
  dead: 'delivery.dead',
};

const CHANNEL_TYPES: Record<string, MessageKey> = {
  wecom: 'channels.type.wecom',
  dingtalk: 'channels.type.dingtalk',
  feishu: 'channels.type.feishu',
  lark: 'channels.type.feishu',
  slack: 'channels.type.slack',
  webhook: 'channels.type.webhook',
};

export function channelTypeKey(type: string): MessageKey | undefined {
  return CHANNEL_TYPES[type];
}

/** "Deployment/api" for a workload reference. */
export function workloadLabel(w: { kind: string; name: string }): string {
  return `${w.kind}/${w.name}`;
}
