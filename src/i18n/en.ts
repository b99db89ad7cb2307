/** English CLI messages (the default). */
export const en = {
  'sim.started': 'Simulated cluster listening on {url} (scenario "{scenario}")',
  'sim.kubeconfig': 'Kubeconfig written to {path}. Try:\n  kubectl --kubeconfig {path} get pods -A',
  'load.noService': 'Service {service} not found in the simulated cluster',
  'load.started': 'Sending {rps} requests/s to {service} until {until} ({endpoints} ready endpoints). Ctrl-C stops it.',
  'load.progress': '{rps} requests/s over {endpoints} ready endpoints ({perPod}/s each)',
  'load.stopped': 'Load on {service} stopped',
  'up.embeddedSim': 'No cluster configured: started the built-in simulated cluster on {url} (scenario "{scenario}")',
  'up.ready': 'Kubeloop is up: open {url} (watching cluster "{cluster}")',
  'up.stopping': 'Stopping Kubeloop',
  'sim.stopping': 'Stopping the simulated cluster',
  'cli.invalidFlag': '{flag}: {reason}',
  'cli.unknownLang': '--lang: unsupported language "{lang}" (use en or zh-CN)',
  'cli.configError': 'Configuration error:\n{detail}',
  'cli.failed': 'kubeloop: {detail}',
} as const;
