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
  'cli.failed': 'kubeloop：{detail}',
};
