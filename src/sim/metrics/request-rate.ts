import type { KubeObject } from '../api/registry.ts';

export const RPS_ANNOTATION = 'sim.kubeloop.dev/rps';

/**
 * The requests per second a pod's app serves at `now`: the single place the sim's app metrics
 * read load from. For now the pod annotation sim.kubeloop.dev/rps (a number >= 0; missing or
 * invalid means 0). A load model that spreads a Service's traffic over its ready endpoints is meant
 * to replace this body, keeping the signature.
 */
export function podRequestRate(pod: KubeObject, _now: Date): number {
  const raw = pod.metadata.annotations?.[RPS_ANNOTATION];
  if (raw === undefined || raw.trim() === '') return 0;
  const n = Number(raw);
  return Number.isFinite(n) && n > 0 ? n : 0;
}
