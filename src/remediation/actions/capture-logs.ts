import { kubeJson } from '../../kube/http.ts';
import { fetchContainerLogs } from '../../kube/logs.ts';
import { apiFailure, podPath } from './target-paths.ts';
import type { ActionHandler } from './types.ts';

/** The most log text one audit record keeps (asked of the API as limitBytes, and enforced here too). */
export const CAPTURE_LIMIT_BYTES = 256 * 1024;

interface Pod {
  metadata?: { annotations?: Record<string, string> };
  spec?: { containers?: { name: string }[] };
}

/** The container kubectl would pick: the default-container annotation when it names one, else the first. */
function defaultContainer(pod: Pod): string | undefined {
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  const preferred = pod.metadata?.annotations?.['kubectl.kubernetes.io/default-container'];
  return preferred && names.includes(preferred) ? preferred : names[0];
}

/** At most `max` bytes of UTF-8, cut on a character boundary. */
function capBytes(text: string, max: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= max) return text;
  let end = max;
  while (end > 0 && ((buf[end] ?? 0) & 0xc0) === 0x80) end--; // do not split a multi-byte character
  return buf.subarray(0, end).toString('utf8');
}

/**
 * capture_logs: keeps the pod's last lines (or its crashed predecessor's, `previous`) with the
 * action record, so what the pod said before a restart or delete outlives the pod. It only reads,
 * so it runs in dry run too: the captured text is what a dry run is for.
 */
export const captureLogs: ActionHandler<'capture_logs'> = {
  action: 'capture_logs',
  mutates: false,
  needs: 'pod',
  async run(env, spec) {
    const p = env.pod;
    if (!p) return { outcome: 'skipped', summary: 'the trigger names no pod' };
    const acted = { namespace: p.namespace, kind: 'Pod', name: p.name };
    let container = spec.container;
    if (!container) {
      try {
        container = defaultContainer(await kubeJson<Pod>(env.kc, { method: 'GET', path: podPath(p) }));
      } catch (err) {
        return apiFailure(err, `capture_logs pod ${p.namespace}/${p.name}`);
      }
      if (!container)
        return {
          outcome: 'failed',
          summary: `capture_logs pod ${p.namespace}/${p.name}: the pod has no containers`,
          acted,
        };
    }
    const where = `pod ${p.namespace}/${p.name} container ${container}${spec.previous ? ' (previous instance)' : ''}`;
    const logs = await fetchContainerLogs(env.kc, {
      namespace: p.namespace,
      pod: p.name,
      container,
      previous: spec.previous,
      tailLines: spec.tailLines,
      limitBytes: CAPTURE_LIMIT_BYTES,
    });
    if (logs.error) return { outcome: 'failed', summary: `capture_logs ${where}: ${logs.error}`, acted };
    const text = capBytes(logs.text, CAPTURE_LIMIT_BYTES);
    const lines = text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    return {
      outcome: 'succeeded',
      summary: `${env.dryRun ? 'dry run (reads only, so done): ' : ''}captured ${lines} log lines of ${where}${logs.truncated ? ', truncated' : ''}`,
      detail: { container, previous: spec.previous, lines, truncated: logs.truncated, text },
      acted,
    };
  },
};
