import type { KubeObject } from '../registry.ts';
import { isPlainObject } from '../../../util/deep-equal.ts';

/** SetDefaults_Service plus the ClusterIP that the service REST storage allocates. */
export function defaultService(svc: KubeObject): void {
  if (!isPlainObject(svc.spec)) return;
  const spec = svc.spec;
  if (spec['type'] === undefined) spec['type'] = 'ClusterIP';
  if (spec['sessionAffinity'] === undefined) spec['sessionAffinity'] = 'None';
  if (Array.isArray(spec['ports'])) {
    for (const p of spec['ports']) {
      if (!isPlainObject(p)) continue;
      if (p['protocol'] === undefined) p['protocol'] = 'TCP';
      if (p['targetPort'] === undefined) p['targetPort'] = p['port'];
    }
  }
  if (spec['type'] !== 'ExternalName' && spec['clusterIP'] === undefined) {
    const ip = `10.96.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;
    spec['clusterIP'] = ip;
    spec['clusterIPs'] = [ip];
  }
}
