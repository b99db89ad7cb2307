import { realisticPodSpec } from './pod-spec.ts';
import { CRASH_LINE } from './workloads.ts';

/**
 * The failure mix: one namespace per failure mode, each made of ordinary Deployments and Jobs
 * whose pods fail the way production pods do, run by the sim's kubelet with Kubernetes' own
 * timings (CrashLoopBackOff 10 s doubling to 5 min, the first restart immediate).
 */
export type FailureMode = 'crash-loop' | 'one-off' | 'oom' | 'job' | 'image' | 'liveness';

export const MODES: { mode: FailureMode; what: string }[] = [
  { mode: 'crash-loop', what: 'crash loop from start (exit 1 after 5 s, crash log)' },
  {
    mode: 'one-off',
    what: 'crash after a long run (exit 2 after 100-210 s of running, crash log: once in a 300 s window, the shortest twice)',
  },
  { mode: 'oom', what: 'OOM kill (OOMKilled, 137, after 30 s)' },
  { mode: 'job', what: 'failing Job (restartPolicy Never, exit 1 after 8 s, backoffLimit 2)' },
  { mode: 'image', what: 'missing image (ErrImagePull / ImagePullBackOff)' },
  { mode: 'liveness', what: 'liveness restart (probe fails from 20 s: killed, 137)' },
];

export const modeOfNamespace = (ns: string): FailureMode | undefined => MODES.find((m) => `mix-${m.mode}` === ns)?.mode;

/** One object the sim child creates, `afterMs` after setup (staggered rollouts and Jobs). */
export interface PlannedObject {
  group: '' | 'apps' | 'batch';
  resource: 'namespaces' | 'deployments' | 'jobs';
  namespace?: string;
  body: Record<string, unknown>;
  afterMs: number;
}

export interface MixPlan {
  objects: PlannedObject[];
  /** Pods that start at once (Deployments at setup), to wait for before the window. */
  description: string[];
}

const SIM = 'sim.kubeloop.dev/';
const CRASH_LOG = `level=error msg="unrecoverable state"\\n${CRASH_LINE}`;
/** Every failing container logs a dated line a second, so a captured log can be placed in time. */
const LOGGING = { [`${SIM}log-lines-per-sec`]: '1' };

function deployment(
  ns: string,
  name: string,
  replicas: number,
  annotations: Record<string, string>,
  spec: Record<string, unknown>,
  afterMs = 0,
): PlannedObject {
  const labels = { app: name };
  return {
    group: 'apps',
    resource: 'deployments',
    namespace: ns,
    afterMs,
    body: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns, labels },
      spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels, annotations }, spec } },
    },
  };
}

/**
 * `perMode` failing pods (Jobs: `perMode / 3` Jobs of 3 failing pods each) of each mode and
 * `healthy` healthy pods with three containers, over a window of `windowMs`: Jobs and missing
 * images are created spread over the first 2/3 of the window, the rest at setup.
 */
export function mixPlan(perMode: number, healthy: number, windowMs: number): MixPlan {
  const objects: PlannedObject[] = [];
  for (const ns of [...MODES.map((m) => `mix-${m.mode}`), 'mix-healthy'])
    objects.push({ group: '', resource: 'namespaces', body: { metadata: { name: ns } }, afterMs: 0 });
  const one = (opts: Parameters<typeof realisticPodSpec>[1] = { containers: 1 }): Record<string, unknown> =>
    realisticPodSpec('svc', opts);
  objects.push(
    deployment(
      'mix-crash-loop',
      'orders',
      perMode,
      { ...LOGGING, [`${SIM}crash-after`]: '5s', [`${SIM}exit-code`]: '1', [`${SIM}crash-log`]: CRASH_LOG },
      one(),
    ),
  );
  for (let i = 0; i < perMode; i++) {
    const after = 100 + Math.round((110 * i) / Math.max(1, perMode - 1));
    objects.push(
      deployment(
        'mix-one-off',
        `billing-${i}`,
        1,
        { ...LOGGING, [`${SIM}crash-after`]: `${after}s`, [`${SIM}exit-code`]: '2', [`${SIM}crash-log`]: CRASH_LOG },
        one(),
      ),
    );
  }
  objects.push(
    deployment(
      'mix-oom',
      'report',
      perMode,
      { ...LOGGING, [`${SIM}oom-after`]: '30s' },
      one({ containers: 1, memoryLimit: '512Mi' }),
    ),
  );
  objects.push(
    deployment(
      'mix-liveness',
      'gateway',
      perMode,
      { ...LOGGING, [`${SIM}liveness-fail-after`]: '20s' },
      one({ containers: 1, liveness: true }),
    ),
  );
  const spread = (i: number, n: number): number => Math.round(((windowMs * 2) / 3) * (i / Math.max(1, n)));
  const jobs = Math.max(1, Math.round(perMode / 3));
  for (let i = 0; i < jobs; i++) {
    const name = `export-${i}`;
    objects.push({
      group: 'batch',
      resource: 'jobs',
      namespace: 'mix-job',
      afterMs: spread(i, jobs),
      body: {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name, namespace: 'mix-job' },
        spec: {
          backoffLimit: 2,
          template: {
            metadata: {
              annotations: {
                ...LOGGING,
                [`${SIM}crash-after`]: '8s',
                [`${SIM}exit-code`]: '1',
                [`${SIM}crash-log`]: CRASH_LOG,
              },
            },
            spec: one({ containers: 1, restartPolicy: 'Never' }),
          },
        },
      },
    });
  }
  for (let i = 0; i < perMode; i++) {
    objects.push(
      deployment(
        'mix-image',
        `search-${i}`,
        1,
        {},
        one({ containers: 1, image: `registry.kubeloop.local/shop/search-does-not-exist:2.14.${i}` }),
        spread(i, perMode),
      ),
    );
  }
  const perDeployment = 50;
  for (let i = 0, left = healthy; left > 0; i++, left -= perDeployment) {
    objects.push(
      deployment(
        'mix-healthy',
        `web-${i}`,
        Math.min(perDeployment, left),
        {},
        realisticPodSpec(`web-${i}`, { containers: 3, liveness: true }),
      ),
    );
  }
  return {
    objects,
    description: [
      `${perMode} failing pods per mode (Jobs: ${jobs} of backoffLimit 2, 3 failing pods each) and ${healthy} healthy pods (3 containers each), realistic pod specs (env, volumes, probes):`,
      ...MODES.map((m) => `  ${m.mode}: ${m.what}`),
      '  Jobs and missing images are created spread over the first 2/3 of the window; the rest at setup',
      "  kubelet: the sim's default timings, as Kubernetes': CrashLoopBackOff 10 s doubling to 5 min, first restart immediate, back-off reset after 10 min of running",
      '  (a one-off crash after hours behaves as after 100-210 s here: a first crash restarts at once, without back-off, either way)',
    ],
  };
}
