/**
 * Every string the UI shows, in both languages side by side: [English, 简体中文].
 * `{name}` placeholders are filled by `translate`. Kubernetes terms (Pod, Deployment, OOMKilled,
 * SIGKILL...) stay as Kubernetes prints them in both languages, as Chinese operators read them.
 */
const messages = {
  'app.name': ['Kubeloop', 'Kubeloop'],
  'app.skip': ['Skip to content', '跳到主要内容'],
  'nav.label': ['Main', '主导航'],
  'nav.overview': ['Overview', '概览'],
  'nav.failures': ['Failures', '故障'],
  'nav.channels': ['Channels', '通知渠道'],
  'lang.label': ['Language', '语言'],

  'common.loading': ['Loading…', '加载中…'],
  'common.error': ['Could not load the data: {message}', '数据加载失败：{message}'],
  'common.retry': ['Retry', '重试'],
  'common.none': ['—', '—'],
  'common.notFound': ['This page does not exist.', '页面不存在。'],
  'common.toOverview': ['Go to the overview', '返回概览'],
  'common.sortBy': ['Sort by {column}', '按{column}排序'],

  'col.namespace': ['Namespace', '命名空间'],
  'col.workload': ['Workload', '工作负载'],
  'col.open': ['Open', '未恢复'],
  'col.reasons': ['Reasons', '原因'],
  'col.reason': ['Reason', '原因'],
  'col.lastDetected': ['Last detected', '最近发生'],
  'col.detected': ['Detected', '发现时间'],
  'col.pod': ['Pod', 'Pod'],
  'col.container': ['Container', '容器'],
  'col.exitCode': ['Exit code', '退出码'],
  'col.restarts': ['Restarts', '重启次数'],
  'col.state': ['State', '状态'],
  'col.message': ['Message', '信息'],
  'col.count': ['Count', '次数'],
  'col.lastSeen': ['Last seen', '最近出现'],
  'col.type': ['Type', '类型'],
  'col.channel': ['Channel', '渠道'],
  'col.status': ['Status', '状态'],
  'col.attempts': ['Attempts', '尝试次数'],
  'col.lastError': ['Last error', '最近错误'],
  'col.created': ['Created', '创建时间'],
  'col.sent': ['Sent', '发送时间'],
  'col.name': ['Name', '名称'],
  'col.test': ['Test', '测试'],

  'state.open': ['Open', '未恢复'],
  'state.resolved': ['Resolved', '已恢复'],
  'state.preExisting': ['pre-existing', '启动前已存在'],
  'state.preExistingHint': ['Already failing when Kubeloop started; not notified', 'Kubeloop 启动时已处于故障状态，未发送通知'],

  'overview.title': ['Overview', '概览'],
  'overview.subtitle': ['Cluster {cluster}', '集群 {cluster}'],
  'overview.stat.open': ['Open failures', '未恢复故障'],
  'overview.stat.workloads': ['Affected workloads', '受影响的工作负载'],
  'overview.stat.day': ['Failures in the last 24 h', '近 24 小时故障'],
  'overview.open.title': ['Open failures by workload', '各工作负载的未恢复故障'],
  'overview.open.empty': ['No open failures: every workload is healthy.', '没有未恢复的故障，所有工作负载运行正常。'],
  'overview.timeline.title': ['Failures per hour, last 24 hours', '近 24 小时每小时故障数'],
  'overview.timeline.aria': ['Failures per hour over the last 24 hours: {total} in total, at most {peak} in one hour.', '近 24 小时每小时故障数：共 {total} 次，单小时最多 {peak} 次。'],
  'overview.timeline.bar': ['{time}: {count} failures', '{time}：{count} 次故障'],
  'overview.findings.title': ['Recent findings', '最近的告警事件'],
  'overview.findings.empty': ['No warning events recorded.', '暂无告警事件。'],
  'overview.viewAll': ['View all failures', '查看全部故障'],

  'failures.title': ['Failures', '故障'],
  'failures.subtitle': ['Every failed container, newest first.', '所有失败的容器，按时间倒序排列。'],
  'failures.caption': ['Failures on this page', '本页故障'],
  'failures.empty': ['No failures match these filters.', '没有符合筛选条件的故障。'],
  'filters.label': ['Filters', '筛选条件'],
  'filters.any': ['Any', '全部'],
  'filters.since': ['Time range', '时间范围'],
  'filters.since.all': ['Any time', '不限'],
  'filters.since.1h': ['Last hour', '最近 1 小时'],
  'filters.since.6h': ['Last 6 hours', '最近 6 小时'],
  'filters.since.24h': ['Last 24 hours', '最近 24 小时'],
  'filters.since.168h': ['Last 7 days', '最近 7 天'],
  'filters.since.720h': ['Last 30 days', '最近 30 天'],
  'filters.apply': ['Apply', '应用'],
  'filters.reset': ['Reset', '重置'],
  'filters.exact': ['exact name', '完整名称'],

  'page.label': ['Pages', '分页'],
  'page.prev': ['Previous', '上一页'],
  'page.next': ['Next', '下一页'],
  'page.number': ['Page {n}', '第 {n} 页'],
  'page.range': ['{from}–{to} of {total}', '第 {from}–{to} 条，共 {total} 条'],
  'page.size': ['Per page', '每页条数'],

  'detail.title': ['Failure #{id}', '故障 #{id}'],
  'detail.notFound': ['Failure #{id} was not found.', '未找到故障 #{id}。'],
  'detail.back': ['All failures', '全部故障'],
  'detail.ownerChain': ['Owner chain', '归属链'],
  'detail.summary': ['Summary', '概要'],
  'detail.node': ['Node', '节点'],
  'detail.signal': ['Signal', '信号'],
  'detail.signalDerived': ['{name} (exit code 128 + {n})', '{name}（退出码 128 + {n}）'],
  'detail.occurred': ['Occurred', '发生时间'],
  'detail.resolved': ['Resolved', '恢复时间'],
  'detail.duration': ['Duration', '持续时长'],
  'detail.services': ['Services', '关联的 Service'],
  'detail.noServices': ['No Service selects this pod.', '没有 Service 选中此 Pod。'],
  'detail.podLevel': ['(whole pod)', '（整个 Pod）'],
  'detail.events.title': ['Events', '事件'],
  'detail.events.empty': ['No warning events were recorded for this pod.', '未记录到此 Pod 的告警事件。'],
  'detail.deliveries.title': ['Notifications', '通知发送记录'],
  'detail.nextAttempt': ['Next attempt: {time}', '下次重试：{time}'],
  'detail.deliveries.empty': ['No notification was sent for this failure.', '此故障没有发送通知。'],
  'detail.details.title': ['Everything else captured', '其他采集信息'],

  'logs.title': ['Logs', '日志'],
  'logs.search': ['Search the logs', '搜索日志'],
  'logs.placeholder': ['Search…', '搜索…'],
  'logs.matches': ['{current} of {total}', '第 {current} / {total} 处'],
  'logs.noMatches': ['No matches', '无匹配'],
  'logs.prev': ['Previous match', '上一处'],
  'logs.next': ['Next match', '下一处'],
  'logs.wrap': ['Wrap lines', '自动换行'],
  'logs.lines': ['{n} lines', '共 {n} 行'],
  'logs.region': ['Log output', '日志输出'],
  'logs.truncated': ['Truncated: only the end of the log was captured (line and size limits).', '日志已截断：受行数和大小限制，仅采集了末尾部分。'],
  'logs.error': ['The logs could not be captured: {error}', '日志未能采集：{error}'],
  'logs.empty': ['No logs were captured.', '未采集到日志。'],

  'delivery.pending': ['Pending', '待发送'],
  'delivery.sending': ['Sending', '发送中'],
  'delivery.sent': ['Sent', '已发送'],
  'delivery.failed': ['Failed, will retry', '发送失败，等待重试'],
  'delivery.dead': ['Gave up', '已放弃'],

  'channels.title': ['Channels', '通知渠道'],
  'channels.subtitle': ['Where notifications go and how they are routed, as configured in kubeloop.yaml.', '通知的发送目标与路由方式，来自 kubeloop.yaml 配置。'],
  'channels.caption': ['Configured channels', '已配置的通知渠道'],
  'channels.empty': ['No channel is configured: add one under `channels` in the configuration file.', '尚未配置通知渠道：请在配置文件的 `channels` 中添加。'],
  'channels.test': ['Send test message', '发送测试消息'],
  'routing.caption': ['Routing', '路由规则'],
  'routing.none': ['Routing is not available.', '暂无路由信息。'],
  'routing.any': ['any', '任意'],
  'routing.everything': ['No routes: every failure goes to every channel.', '未配置路由：所有故障发送到所有渠道。'],
  'routing.summary': ['The first matching route decides (unless it says continue). Failures of one workload and reason within {window} s are grouped into one message; each channel sends at most {messages} messages per {per} s, the rest is summarized.', '按顺序匹配第一条规则（除非设置了 continue）。同一工作负载、同一原因在 {window} 秒内的故障合并为一条消息；每个渠道每 {per} 秒最多发送 {messages} 条，超出部分汇总发送。'],
  'routing.severity': ['Severity', '严重级别'],
  'routing.continue': ['Continue', '继续匹配'],
  'routing.yes': ['yes', '是'],
  'routing.no': ['no', '否'],
  'channels.sending': ['Sending…', '发送中…'],
  'channels.queued': ['Queued as delivery #{id}.', '已加入发送队列（投递 #{id}）。'],
  'channels.failed': ['Failed: {error}', '发送失败：{error}'],
  'channels.type.wecom': ['WeCom group robot', '企业微信群机器人'],
  'channels.type.dingtalk': ['DingTalk robot', '钉钉机器人'],
  'channels.type.feishu': ['Feishu / Lark bot', '飞书机器人'],
  'channels.type.slack': ['Slack incoming webhook', 'Slack Incoming Webhook'],
  'channels.type.webhook': ['Generic webhook', '通用 Webhook'],

  'duration.h': ['{n} h', '{n} 小时'],
  'duration.m': ['{n} min', '{n} 分钟'],
  'duration.s': ['{n} s', '{n} 秒'],
} as const satisfies Record<string, readonly [string, string]>;

export type MessageKey = keyof typeof messages;
export type Params = Record<string, string | number>;

export const languages = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' },
] as const;
export type Lang = (typeof languages)[number]['code'];

const STORAGE_KEY = 'kubeloop.lang';

/** The message in `lang` with `{name}` placeholders filled. */
export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  const text = messages[key][lang === 'zh-CN' ? 1 : 0];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The remembered language; English unless the user chose otherwise. */
export function loadLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'zh-CN' ? 'zh-CN' : 'en';
  } catch {
    return 'en';
  }
}

export function saveLang(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Private mode or storage disabled: the choice lasts for this page only.
  }
}
