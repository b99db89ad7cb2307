import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { startClusterSim } from './sim-process.ts';
import { deployment, isRunningReady, service, sleep } from './kube.ts';

export interface SteadyFlags {
  nodes: number;
  deployments: number;
  replicas: number;
  steadySeconds: number;
  timeoutSeconds: number;
}

export interface SteadyResult {
  pods: number;
  setupMs: number;
  /** CPU of the sim process over the window, % of one core. */
  cpuPercent: number;
  rssStartMiB: number;
  rssEndMiB: number;
  rssPeakMiB: number;
  mix: string;
}

const NAMESPACES = 10;
const LOADED_SERVICES = 5;

/** Pod-template annotations by deployment index: a fifth log, a fifth leak, all report steady usage. */
function annotationsFor(i: number): Record<string, string> {
  const a: Record<string, string> = {
    'sim.kubeloop.dev/cpu-millicores': String(50 + (i % 7) * 10),
    'sim.kubeloop.dev/memory-mib': String(128 + (i % 5) * 32),
  };
  if (i % 5 === 0) a['sim.kubeloop.dev/log-lines-per-sec'] = '2';
  if (i % 5 === 1) {
    a['sim.kubeloop.dev/leak-memory-mib-per-min'] = '2';
    a['sim.kubeloop.dev/leak-fds-per-min'] = '5';
    a['sim.kubeloop.dev/leak-close-wait-per-min'] = '3';
    a['sim.kubeloop.dev/leak-zombies-per-min'] = '1';
  }
  return a;
}

/**
 * A steady state of deployments x replicas pods in 10 namespaces; one Service per namespace, the
 * first five with sim.kubeloop.dev/load-rps. After every pod is Running+Ready (and 5 s to settle),
 * the sim's CPU is sampled from /proc/<pid>/stat over `steadySeconds` with the client idle.
 */
export async function steadyState(f: SteadyFlags, log: (line: string) => void): Promise<SteadyResult> {
  const sim = await startClusterSim({ nodes: f.nodes, nodeCpu: '64', nodeMemory: '256Gi', kubelet: {} });
  try {
    const core = sim.kc.makeApiClient(CoreV1Api);
    const apps = sim.kc.makeApiClient(AppsV1Api);
    const t0 = performance.now();
    const namespaces = Array.from({ length: Math.min(NAMESPACES, f.deployments) }, (_, i) => `steady-${i}`);
    for (const ns of namespaces) await core.createNamespace({ body: { metadata: { name: ns } } });
    for (let i = 0; i < namespaces.length; i++) {
      const load = i < LOADED_SERVICES ? { 'sim.kubeloop.dev/load-rps': String(100 * (i + 1)) } : undefined;
      await core.createNamespacedService({ namespace: namespaces[i] ?? '', body: service(`app-${i}`, load) });
    }
    for (let i = 0; i < f.deployments; i++) {
      await apps.createNamespacedDeployment({
        namespace: namespaces[i % namespaces.length] ?? '',
        body: deployment(`app-${i}`, f.replicas, annotationsFor(i)),
      });
    }
    const want = f.deployments * f.replicas;
    let running = 0;
    const deadline = performance.now() + f.timeoutSeconds * 1000;
    for (;;) {
      const list = await core.listPodForAllNamespaces({ labelSelector: 'app' });
      running = list.items.filter(isRunningReady).length;
      if (running >= want) break;
      if (performance.now() > deadline)
        throw new Error(`steady state: only ${running}/${want} pods Running+Ready after ${f.timeoutSeconds} s`);
      await sleep(2_000);
    }
    const setupMs = performance.now() - t0;
    log(
      `  ${want} pods Running+Ready ${(setupMs / 1000).toFixed(1)} s after the first create; settling 5 s, then sampling ${f.steadySeconds} s`,
    );
    await sleep(5_000);
    const rssStartMiB = await sim.rssMiB();
    let rssPeakMiB = rssStartMiB;
    const cpu0 = await sim.cpuSeconds();
    const w0 = performance.now();
    const end = w0 + f.steadySeconds * 1000;
    while (performance.now() < end) {
      await sleep(Math.min(1_000, end - performance.now()));
      rssPeakMiB = Math.max(rssPeakMiB, await sim.rssMiB());
    }
    const cpu1 = await sim.cpuSeconds();
    const wallSeconds = (performance.now() - w0) / 1000;
    const rssEndMiB = await sim.rssMiB();
    const logging = Array.from({ length: f.deployments }, (_, i) => i).filter((i) => i % 5 === 0).length;
    const leaking = Array.from({ length: f.deployments }, (_, i) => i).filter((i) => i % 5 === 1).length;
    return {
      pods: want,
      setupMs,
      cpuPercent: ((cpu1 - cpu0) / wallSeconds) * 100,
      rssStartMiB,
      rssEndMiB,
      rssPeakMiB: Math.max(rssPeakMiB, rssEndMiB),
      mix: `${f.deployments} Deployments x ${f.replicas} on ${f.nodes} nodes in ${namespaces.length} namespaces; ${logging} log 2 lines/s, ${leaking} leak; ${Math.min(LOADED_SERVICES, namespaces.length)} of ${namespaces.length} Services with load-rps`,
    };
  } finally {
    await sim.stop();
  }
}
