import type { MessageLang, NotificationKind, NotificationMessage, Severity } from './message.ts';
import { truncateChars } from './truncate.ts';

/** The words every channel's rendering uses, in English and Simplified Chinese. */
export interface ChannelStrings {
  kind: Record<NotificationKind, string>;
  severity: Record<Severity, string>;
  cluster: string;
  namespace: string;
  workload: string;
  reason: string;
  exitCode: string;
  node: string;
  pods: string;
  count: string;
  time: string;
  openLink: string;
  /** Heading over the log excerpt. */
  logs: (lines: number) => string;
  /** "pod-a, pod-b (+3 more)". */
  podList: (shown: string[], more: number) => string;
  /** Marker put where older log lines were dropped to fit the vendor's limit. */
  logsOmitted: (lines: number) => string;
  /** Marker put where text was cut to fit the vendor's limit. */
  truncated: string;
  /** The line a chat headline is built from: "[Critical] title" / "【严重】title". */
  headline: (tag: string, title: string) => string;
  /** Separator between a label and its value in plain text. */
  colon: string;
}

const en: ChannelStrings = {
  kind: { failure: 'Failure', resolved: 'Resolved', summary: 'Summary', test: 'Test', action: 'Remediation' },
  severity: { critical: 'Critical', warning: 'Warning', info: 'Info' },
  cluster: 'Cluster',
  namespace: 'Namespace',
  workload: 'Workload',
  reason: 'Reason',
  exitCode: 'Exit code',
  node: 'Node',
  pods: 'Pods',
  count: 'Occurrences',
  time: 'Time',
  openLink: 'Open in Kubeloop',
  logs: (n) => (n === 1 ? 'Last log line' : `Last ${n} log lines`),
  podList: (shown, more) => shown.join(', ') + (more > 0 ? ` (+${more} more)` : ''),
  logsOmitted: (n) => `… ${n} earlier line${n === 1 ? '' : 's'} omitted`,
  truncated: '… (truncated)',
  headline: (tag, title) => `[${tag}] ${title}`,
  colon: ': ',
};

const zhCN: ChannelStrings = {
  kind: { failure: '故障', resolved: '已恢复', summary: '汇总', test: '测试消息', action: '自愈操作' },
  severity: { critical: '严重', warning: '警告', info: '提示' },
  cluster: '集群',
  namespace: '命名空间',
  workload: '工作负载',
  reason: '原因',
  exitCode: '退出码',
  node: '节点',
  pods: 'Pod',
  count: '发生次数',
  time: '时间',
  openLink: '在 Kubeloop 中查看',
  logs: (n) => `最近 ${n} 行日志`,
  podList: (shown, more) => shown.join('、') + (more > 0 ? ` 等共 ${shown.length + more} 个` : ''),
  logsOmitted: (n) => `……（已省略更早的 ${n} 行）`,
  truncated: '……（内容过长，已截断）',
  headline: (tag, title) => `【${tag}】${title}`,
  colon: '：',
};

export function stringsFor(lang: MessageLang): ChannelStrings {
  return lang === 'zh-CN' ? zhCN : en;
}

/** A label/value pair shown in a message's fact list. */
export interface Fact {
  label: string;
  value: string;
}

const MAX_PODS_SHOWN = 10;
const MAX_LOG_LINE = 500;
const MAX_TITLE = 300;

/** "[Critical] title" for failures, "[Resolved] title" etc. for the other kinds. */
export function headline(msg: NotificationMessage): string {
  const s = stringsFor(msg.lang);
  const tag = msg.kind === 'failure' ? s.severity[msg.severity] : s.kind[msg.kind];
  return s.headline(tag, truncateChars(msg.title.replace(/[\r\n]+/g, ' '), MAX_TITLE, '…'));
}

/** The facts a message carries, in display order; absent fields are left out. */
export function facts(msg: NotificationMessage): Fact[] {
  const s = stringsFor(msg.lang);
  const out: Fact[] = [{ label: s.cluster, value: msg.cluster }];
  if (msg.namespace) out.push({ label: s.namespace, value: msg.namespace });
  if (msg.workload) out.push({ label: s.workload, value: `${msg.workload.kind}/${msg.workload.name}` });
  if (msg.reason) out.push({ label: s.reason, value: msg.reason });
  if (msg.exitCode !== undefined) out.push({ label: s.exitCode, value: String(msg.exitCode) });
  if (msg.node) out.push({ label: s.node, value: msg.node });
  if (msg.count > 1 || msg.kind === 'summary') out.push({ label: s.count, value: String(msg.count) });
  if (msg.occurredAt) out.push({ label: s.time, value: msg.occurredAt });
  return out;
}

/** The pods line, or undefined when the message names no pod. */
export function podsText(msg: NotificationMessage): string | undefined {
  if (msg.pods.length === 0) return undefined;
  const shown = msg.pods.slice(0, MAX_PODS_SHOWN);
  return stringsFor(msg.lang).podList(shown, msg.pods.length - shown.length);
}

// ANSI escape sequences (colours, cursor moves) and other control characters but tab: matching
// control characters is the point of these two.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b[@-_]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** Log lines made fit for a chat message: no ANSI codes, no control characters, no huge lines. */
export function cleanLogLines(lines: readonly string[]): string[] {
  return lines.map((l) => {
    const clean = l.replace(ANSI, '').replace(CONTROL, '');
    return truncateChars(clean, MAX_LOG_LINE, '…');
  });
}
