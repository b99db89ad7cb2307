/** English CLI messages (the default). */
export const en = {
  'sim.started': 'Simulated cluster listening on {url} (scenario "{scenario}")',
  'sim.kubeconfig': 'Kubeconfig written to {path}. Try:\n  kubectl --kubeconfig {path} get pods -A',
  'sim.stopping': 'Stopping the simulated cluster',
  'cli.invalidFlag': '{flag}: {reason}',
  'cli.unknownLang': '--lang: unsupported language "{lang}" (use en or zh-CN)',
  'cli.configError': 'Configuration error:\n{detail}',
  'cli.failed': 'kubeloop: {detail}',
} as const;
