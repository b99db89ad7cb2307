import type { en } from './en.ts';

/** 简体中文 CLI 消息。 */
export const zhCN: Record<keyof typeof en, string> = {
  'sim.started': '模拟集群已在 {url} 监听（场景 "{scenario}"）',
  'sim.kubeconfig': 'kubeconfig 已写入 {path}。试试：\n  kubectl --kubeconfig {path} get pods -A',
  'sim.stopping': '正在停止模拟集群',
  'cli.invalidFlag': '{flag}：{reason}',
  'cli.unknownLang': '--lang：不支持的语言 "{lang}"（可用 en 或 zh-CN）',
  'cli.configError': '配置错误：\n{detail}',
  'cli.failed': 'kubeloop：{detail}',
};
