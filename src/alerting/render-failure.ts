import type { Failure, FailureSummary } from '../store/index.ts';
import { cleanLogLines } from './channels/strings.ts';
import type { MessageLang, NotificationMessage, Severity } from './channels/message.ts';
import type { HeldItem } from './envelope.ts';
import { maxSeverity } from './severity.ts';

/**
 * Turns stored failures into channel messages, in English or Simplified Chinese. The channel layer
 * renders them per vendor (markdown, cards, blocks) and enforces size limits; this module decides
 * the words: titles, the explanatory detail line and which log lines to show.
 */
export interface RenderContext {
  lang: MessageLang;
  /** Base address of the UI; links are `${publicUrl}/failures/${id}`. */
  publicUrl: string;
  /** Cluster name for messages not about one failure (tests, summaries). */
  cluster: string;
  /** How many of the last log lines a message carries (default 20). */
  logLines?: number;
}

const PHRASES: Record<string, { en: string; zh: string }> = {
  OOMKilled: { en: 'was OOMKilled (out of memory)', zh: '内存溢出被终止 (OOMKilled)' },
  CrashLoopBackOff: { en: 'is crash-looping (CrashLoopBackOff)', zh: '反复崩溃 (CrashLoopBackOff)' },
  ImagePullBackOff: { en: 'cannot pull its image (ImagePullBackOff)', zh: '镜像拉取失败 (ImagePullBackOff)' },
  ErrImagePull: { en: 'cannot pull its image (ErrImagePull)', zh: '镜像拉取失败 (ErrImagePull)' },
  Evicted: { en: 'had a pod evicted', zh: 'Pod 被驱逐 (Evicted)' },
  ContainerCannotRun: { en: 'cannot run its container (ContainerCannotRun)', zh: '容器无法运行 (ContainerCannotRun)' },
  CreateContainerConfigError: {
    en: 'has a container configuration error (CreateContainerConfigError)',
    zh: '容器配置错误 (CreateContainerConfigError)',
  },
  CreateContainerError: {
    en: 'cannot create its container (CreateContainerError)',
    zh: '容器创建失败 (CreateContainerError)',
  },
  InvalidImageName: { en: 'has an invalid image name (InvalidImageName)', zh: '镜像名称无效 (InvalidImageName)' },
  DeadlineExceeded: { en: 'exceeded its deadline (DeadlineExceeded)', zh: '超过运行期限 (DeadlineExceeded)' },
};

function phrase(reason: string, exitCode: number | null, lang: MessageLang): string {
  const zh = lang === 'zh-CN';
  if (reason === 'Error') {
    if (exitCode === null) return zh ? '容器异常退出' : 'crashed';
    return zh ? `容器异常退出（退出码 ${exitCode}）` : `crashed with exit code ${exitCode}`;
  }
  const p = PHRASES[reason];
  if (p) return zh ? p.zh : p.en;
  return zh ? `发生故障：${reason}` : `failed: ${reason}`;
}

/** "60 s", "2 min", "1 h" / "60 秒", "2 分钟", "1 小时". */
export function formatSpan(ms: number, lang: MessageLang): string {
  const zh = lang === 'zh-CN';
  if (ms < 1000) return zh ? `${ms} 毫秒` : `${ms} ms`;
  if (ms < 120_000) return zh ? `${Math.round(ms / 1000)} 秒` : `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return zh ? `${Math.round(ms / 60_000)} 分钟` : `${Math.round(ms / 60_000)} min`;
  return zh ? `${Math.round(ms / 3_600_000)} 小时` : `${Math.round(ms / 3_600_000)} h`;
}

export function failureLink(publicUrl: string, id: number): string {
  return `${publicUrl.replace(/\/+$/, '')}/failures/${id}`;
}

/** The last `n` non-empty lines of a captured log, ANSI codes and control characters removed. */
export function lastLogLines(logs: string | null, n: number): string[] {
  if (!logs || n <= 0) return [];
  const lines = logs.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  return cleanLogLines(lines.slice(-n));
}

/** The title of one failure: "payments/api was OOMKilled (out of memory)". */
export function failureTitle(
  f: Pick<FailureSummary, 'namespace' | 'workloadName' | 'reason' | 'exitCode'>,
  lang: MessageLang,
): string {
  return `${f.namespace}/${f.workloadName} ${phrase(f.reason, f.exitCode, lang)}`;
}

/** A group's title: the first failure's title with "(5 times in 60 s)". */
export function groupTitle(title: string, count: number, windowMs: number, lang: MessageLang): string {
  if (count <= 1) return title;
  return lang === 'zh-CN'
    ? `${title}（${formatSpan(windowMs, lang)}内 ${count} 次）`
    : `${title} (${count} times in ${formatSpan(windowMs, lang)})`;
}

export function groupDetail(
  base: string | undefined,
  count: number,
  pods: number,
  windowMs: number,
  lang: MessageLang,
): string | undefined {
  if (count <= 1) return base;
  const line =
    lang === 'zh-CN'
      ? `${formatSpan(windowMs, lang)}内 ${pods} 个 Pod 共发生 ${count} 次。`
      : `${count} failures of ${pods} pod${pods === 1 ? '' : 's'} within ${formatSpan(windowMs, lang)}.`;
  return base ? `${line}\n${base}` : line;
}

/** The detail line of one failure: Kubernetes' own message, the signal, and why logs are missing. */
function failureDetail(f: Failure, lang: MessageLang): string | undefined {
  const zh = lang === 'zh-CN';
  const parts: string[] = [];
  if (f.container) parts.push(zh ? `容器：${f.container}` : `Container: ${f.container}`);
  if (f.signal !== null) parts.push(zh ? `信号：${f.signal}` : `Signal: ${f.signal}`);
  if (f.message) parts.push(f.message.trim());
  if (f.logsError) parts.push(zh ? `日志不可用：${f.logsError}` : `Logs unavailable: ${f.logsError}`);
  else if (!f.logs) parts.push(zh ? '未采集到日志' : 'No logs were captured');
  const text = parts.filter((p) => p !== '').join('\n');
  return text === '' ? undefined : text;
}

/** The message for one failure (a group starts from it and is updated as failures join). */
export function failureMessage(
  f: Failure,
  severity: Severity,
  ctx: RenderContext,
): { message: NotificationMessage; title: string; detail?: string } {
  const title = failureTitle(f, ctx.lang);
  const detail = failureDetail(f, ctx.lang);
  const message: NotificationMessage = {
    kind: 'failure',
    title,
    severity,
    cluster: f.cluster,
    namespace: f.namespace,
    workload: { kind: f.workloadKind, name: f.workloadName },
    reason: f.reason,
    ...(f.exitCode !== null ? { exitCode: f.exitCode } : {}),
    ...(f.node ? { node: f.node } : {}),
    pods: [f.pod],
    count: 1,
    logLines: lastLogLines(f.logs, ctx.logLines ?? 20),
    link: failureLink(ctx.publicUrl, f.id),
    ...(detail ? { detail } : {}),
    occurredAt: new Date(f.occurredAt).toISOString(),
    lang: ctx.lang,
  };
  return detail ? { message, title, detail } : { message, title };
}

/** "payments/api recovered": the workload's resolved failures, counted by reason. */
export function resolvedMessage(
  list: readonly FailureSummary[],
  resolvedAt: number,
  ctx: RenderContext,
): NotificationMessage {
  // Oldest first: pods and reasons in the order things went wrong.
  const failures = [...list].sort((a, b) => a.detectedAt - b.detectedAt || a.id - b.id);
  const first = failures[0];
  if (!first) throw new RangeError('a resolved notice needs at least one failure');
  const zh = ctx.lang === 'zh-CN';
  const byReason = new Map<string, number>();
  for (const f of failures) byReason.set(f.reason, (byReason.get(f.reason) ?? 0) + 1);
  const reasons = [...byReason].map(([r, n]) => `${r} ×${n}`).join(', ');
  const took = formatSpan(Math.max(0, resolvedAt - first.detectedAt), ctx.lang);
  const n = failures.length;
  const detail = zh
    ? `共 ${n} 次故障（${reasons}），持续 ${took} 后恢复健康。`
    : `${n} failure${n === 1 ? '' : 's'} (${reasons}); healthy again after ${took}.`;
  return {
    kind: 'resolved',
    title: zh
      ? `${first.namespace}/${first.workloadName} 已恢复`
      : `${first.namespace}/${first.workloadName} recovered`,
    severity: 'info',
    cluster: first.cluster,
    namespace: first.namespace,
    workload: { kind: first.workloadKind, name: first.workloadName },
    pods: [...new Set(failures.map((f) => f.pod))],
    count: n,
    logLines: [],
    link: failureLink(ctx.publicUrl, first.id),
    detail,
    occurredAt: new Date(resolvedAt).toISOString(),
    lang: ctx.lang,
  };
}

const SUMMARY_LINES = 30;

/** The storm-control summary: what a channel's rate limit held back during one window. */
export function summaryMessage(
  channel: string,
  items: readonly HeldItem[],
  rate: { messages: number; per: number },
  ctx: RenderContext,
): NotificationMessage {
  const zh = ctx.lang === 'zh-CN';
  const per = formatSpan(rate.per, ctx.lang);
  const n = items.length;
  const title = zh
    ? `${channel}：限流（每 ${per} ${rate.messages} 条）暂缓了 ${n} 条通知`
    : `${channel}: ${n} notification${n === 1 ? '' : 's'} held back by the rate limit (${rate.messages} per ${per})`;
  const lines = items.slice(0, SUMMARY_LINES).map((i) => `• ${i.title}${i.count > 1 ? ` ×${i.count}` : ''}`);
  if (n > SUMMARY_LINES) lines.push(zh ? `……另有 ${n - SUMMARY_LINES} 条` : `… and ${n - SUMMARY_LINES} more`);
  return {
    kind: 'summary',
    title,
    severity: maxSeverity(items.map((i) => i.severity)),
    cluster: ctx.cluster,
    pods: [],
    count: items.reduce((s, i) => s + i.count, 0),
    logLines: [],
    link: `${ctx.publicUrl.replace(/\/+$/, '')}/failures`,
    detail: lines.join('\n'),
    lang: ctx.lang,
  };
}

export function testMessage(channel: string, at: number, ctx: RenderContext): NotificationMessage {
  const zh = ctx.lang === 'zh-CN';
  const when = new Date(at).toISOString();
  return {
    kind: 'test',
    title: zh ? 'Kubeloop 测试消息' : 'Kubeloop test message',
    severity: 'info',
    cluster: ctx.cluster,
    pods: [],
    count: 1,
    logLines: [],
    link: ctx.publicUrl.replace(/\/+$/, '') || ctx.publicUrl,
    detail: zh
      ? `通道“${channel}”配置正确：本消息经由发件箱于 ${when} 发出。`
      : `Channel "${channel}" works: this message went through the outbox at ${when}.`,
    occurredAt: when,
    lang: ctx.lang,
  };
}

/** A remediation playbook's message: what it did or why it could not (see Notifier.sendNotice). */
export interface Notice {
  title: string;
  text: string;
  severity: Severity;
  channels?: string[];
  namespace?: string;
  workload?: { kind: string; name: string };
}

export function actionMessage(n: Notice, at: number, ctx: RenderContext): NotificationMessage {
  return {
    kind: 'action',
    title: n.title,
    severity: n.severity,
    cluster: ctx.cluster,
    ...(n.namespace ? { namespace: n.namespace } : {}),
    ...(n.workload ? { workload: n.workload } : {}),
    pods: [],
    count: 1,
    logLines: [],
    link: `${ctx.publicUrl.replace(/\/+$/, '')}/actions`,
    ...(n.text ? { detail: n.text } : {}),
    occurredAt: new Date(at).toISOString(),
    lang: ctx.lang,
  };
}
