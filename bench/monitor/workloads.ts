import { realisticPodSpec } from './pod-spec.ts';

/** The Deployments a run creates in the sim (shared by the bench and the sim child). */
export interface DeploymentSpec {
  namespace: string;
  name: string;
  replicas: number;
  annotations: Record<string, string>;
  /** Binds the pods to this node in the template (skips the scheduler). */
  nodeName?: string;
  /** The template's pod spec (default: one small httpserver container). */
  podSpec?: Record<string, unknown>;
}

export interface WorkloadPlan {
  namespaces: string[];
  deployments: DeploymentSpec[];
  pods: number;
  /** Lines describing the mix, printed with the figures. */
  description: string[];
}

/** The last line an Error crash logs: a captured log holding it is the dead instance's. */
export const CRASH_LINE = 'panic: bench crash (kubeloop monitor bench)';
const CRASH_LOG = `level=error msg="unrecoverable state"\\n${CRASH_LINE}`;
const SIM = 'sim.kubeloop.dev/';

/**
 * The kubelet's CrashLoopBackOff in the crash storm, a load test: 1 s doubling to 2 s (Kubernetes:
 * 10 s doubling to 5 min; the failure mix uses those) so that 400 pods make ~100 crashes/s. A container that ran twice the maximum resets it (restarts at once), as the kubelet's.
 */
export const CRASH_BACKOFF = { baseMs: 1_000, maxMs: 2_000 };
/** Each crash-looping container runs this long before it dies; the random ones this long on average. */
export const CRASH_RUN_MS = 2_000;
const RANDOM_MEAN_RUN_MS = 3_000;

function split(total: number, size: number, make: (i: number, replicas: number) => DeploymentSpec): DeploymentSpec[] {
  const out: DeploymentSpec[] = [];
  for (let i = 0, left = total; left > 0; i++, left -= size) out.push(make(i, Math.min(size, left)));
  return out;
}

/**
 * `pods` pods in Deployments: `crashPods` crash-looping (3/8 exit 1 after 2 s with a crash log,
 * 1/8 OOMKilled after 2 s, 1/2 crash at random, on average after 3 s of running), the rest healthy.
 * With the back-off at 2 s each crashing container dies about every 4 s (the random ones every
 * ~4.5 s: a run of 4 s or more resets the back-off), so about crashPods / 4 crashes per second.
 */
export function crashPlan(pods: number, crashPods: number): WorkloadPlan {
  const fixed = Math.round((crashPods * 3) / 8);
  const oom = Math.round(crashPods / 8);
  const random = crashPods - fixed - oom;
  const healthy = pods - crashPods;
  const run = `${CRASH_RUN_MS}ms`;
  const deployments = [
    ...split(fixed, 25, (i, r) => ({
      namespace: 'crash-exit',
      name: `exit-${i}`,
      replicas: r,
      annotations: { [`${SIM}crash-after`]: run, [`${SIM}crash-log`]: CRASH_LOG, [`${SIM}log-lines-per-sec`]: '2' },
    })),
    ...split(oom, 25, (i, r) => ({
      namespace: 'crash-oom',
      name: `oom-${i}`,
      replicas: r,
      annotations: { [`${SIM}oom-after`]: run, [`${SIM}log-lines-per-sec`]: '2' },
    })),
    ...split(random, 25, (i, r) => ({
      namespace: 'crash-random',
      name: `random-${i}`,
      replicas: r,
      annotations: {
        [`${SIM}crash-rate-per-hour`]: String(3_600_000 / RANDOM_MEAN_RUN_MS),
        [`${SIM}exit-code`]: '2',
        [`${SIM}crash-log`]: CRASH_LOG,
        [`${SIM}log-lines-per-sec`]: '2',
      },
    })),
    ...split(healthy, 50, (i, r) => ({ namespace: `app-${i % 8}`, name: `app-${i}`, replicas: r, annotations: {} })),
  ];
  return {
    namespaces: [...new Set(deployments.map((d) => d.namespace))],
    deployments,
    pods,
    description: [
      `${pods} pods in ${deployments.length} Deployments: ${healthy} healthy, ${crashPods} crash-looping:`,
      `  ${fixed} exit 1 after ${CRASH_RUN_MS / 1000} s with a crash log, ${oom} OOMKilled after ${CRASH_RUN_MS / 1000} s, ${random} crash at random (exit 2, mean ${RANDOM_MEAN_RUN_MS / 1000} s of running)`,
      `  kubelet back-off ${CRASH_BACKOFF.baseMs / 1000} s doubling to ${CRASH_BACKOFF.maxMs / 1000} s (first restart immediate): a crashing container dies about every ${(CRASH_RUN_MS + CRASH_BACKOFF.maxMs) / 1000} s, ~${Math.round(crashPods / ((CRASH_RUN_MS + CRASH_BACKOFF.maxMs) / 1000))} crashes/s`,
    ],
  };
}

/**
 * `pods` healthy pods with production-like specs (bench/monitor/pod-spec.ts), 100 per Deployment in 15 namespaces, each Deployment's pods bound to one of
 * `nodes` nodes by its template: the sim's scheduler sums every pod's requests for each pod it
 * places (quadratic; minutes at 15,000 pods), and the figure is about the monitor.
 */
export function steadyPlan(pods: number, nodes: number): WorkloadPlan {
  const deployments = split(pods, 100, (i, r) => ({
    namespace: `steady-${i % 15}`,
    name: `svc-${i}`,
    replicas: r,
    annotations: {},
    nodeName: `node-${i % nodes}`,
    podSpec: realisticPodSpec(`svc-${i}`, { containers: 3, liveness: true }),
  }));
  return {
    namespaces: [...new Set(deployments.map((d) => d.namespace))],
    deployments,
    pods,
    description: [
      `${pods} healthy pods in ${deployments.length} Deployments in ${Math.min(15, deployments.length)} namespaces (template nodeName: no scheduler), no crashes; each pod 3 containers with env, volumes, probes, and managedFields as a 1.20 apiserver keeps them`,
    ],
  };
}
