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
  'metricsApi.ready':
    'Metrics API serving custom.metrics.k8s.io and external.metrics.k8s.io on {url} (Prometheus pull rules: {pull}; serving CA: {ca})',
  'metrics.header': 'OBJECT\tVALUE\tTIMESTAMP\tWINDOW',
  'metrics.summary':
    '{count} objects; average {average} (what an HPA with a Pods metric and an AverageValue target compares), total {total}',
  'metrics.summaryExternal': '{count} series; total {total}, average {average}',
  'metrics.unavailable': 'the metrics API answered {code} {reason}: {detail}',
  'cli.failed': 'kubeloop: {detail}',
  'links.created':
    'Alert link "{name}" ({source}) created. Point the monitoring system\'s webhook at:\n  {url}\nThe token is shown only now; to replace it, revoke the link and create a new one.',
  'links.createdNoAddress':
    'Alert link "{name}" ({source}) created. Its path on the platform is:\n  {path}\nThe platform\'s address is not known yet: set server.publicUrl, or start `kubeloop up` with the same --config/--data once (it records the address it listens on), and prefix the path with it.\nThe token is shown only now; to replace it, revoke the link and create a new one.',
  'links.none':
    'No alert links yet. Create one: kubeloop links create --name NAME --source guance|alertmanager|grafana|generic',
  'links.header': 'NAME\tSOURCE\tSTATE\tCREATED\tLAST USED',
  'links.active': 'active',
  'links.revoked': 'revoked',
  'links.never': 'never',
  'links.revokedOk': 'Alert link "{name}" revoked: its URL now answers 401.',
  'links.notFound': 'No active alert link named "{name}".',
} as const;
