import type { en } from './en.ts';

/** 简体中文 CLI 消息。 */
export const zhCN: Record<keyof typeof en, string> = {
  'sim.started': '模拟集群已在 {url} 监听（场景 "{scenario}"）',
  'sim.kubeconfig': 'kubeconfig 已写入 {path}。试试：\n  kubectl --kubeconfig {path} get pods -A',
  'load.noService': '模拟集群中找不到 Service {service}',
  'load.started': '正在向 {service} 发送 {rps} 请求/秒，直到 {until}（{endpoints} 个就绪端点）。按 Ctrl-C 停止。',
  'load.progress': '{rps} 请求/秒，分布在 {endpoints} 个就绪端点上（每个 {perPod}/秒）',
  'load.stopped': '{service} 上的负载已停止',
  'up.embeddedSim': '未配置集群：已在 {url} 启动内置模拟集群（场景 "{scenario}"）',
  'up.ready': 'Kubeloop 已启动：打开 {url}（正在监视集群 "{cluster}"）',
  'up.stopping': '正在停止 Kubeloop',
  'sim.stopping': '正在停止模拟集群',
  'cli.invalidFlag': '{flag}：{reason}',
  'cli.unknownLang': '--lang：不支持的语言 "{lang}"（可用 en 或 zh-CN）',
  'cli.configError': '配置错误：\n{detail}',
  'metricsApi.ready':
    '指标 API 已在 {url} 提供 custom.metrics.k8s.io 与 external.metrics.k8s.io（Prometheus 拉取规则：{pull}；服务端 CA：{ca}）',
  'metrics.header': '对象\t值\t时间\t窗口',
  'metrics.summary':
    '共 {count} 个对象；平均值 {average}（Pods 指标 + AverageValue 目标的 HPA 用它比较），合计 {total}',
  'metrics.summaryExternal': '共 {count} 个序列；合计 {total}，平均值 {average}',
  'metrics.unavailable': '指标 API 返回 {code} {reason}：{detail}',
  'cli.failed': 'kubeloop：{detail}',
  'links.created':
    '已创建告警链接“{name}”（{source}）。请将监控系统的 Webhook 地址设为：\n  {url}\n令牌仅显示这一次；如需更换，请吊销该链接后重新创建。',
  'links.createdNoAddress':
    '已创建告警链接“{name}”（{source}）。它在平台上的路径为：\n  {path}\n平台地址尚未知：请设置 server.publicUrl，或使用相同的 --config/--data 启动一次 `kubeloop up`（它会记录监听地址），再将该地址加在路径前。\n令牌仅显示这一次；如需更换，请吊销该链接后重新创建。',
  'links.none':
    '尚无告警链接。创建方式：kubeloop links create --name 名称 --source guance|alertmanager|grafana|generic',
  'links.header': '名称\t来源\t状态\t创建时间\t最近使用',
  'links.active': '有效',
  'links.revoked': '已吊销',
  'links.never': '从未',
  'links.revokedOk': '告警链接“{name}”已吊销：其地址此后返回 401。',
  'links.notFound': '没有名为“{name}”的有效告警链接。',
};
