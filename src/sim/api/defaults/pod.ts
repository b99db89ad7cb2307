import type { KubeObject } from '../registry.ts';
import { isPlainObject } from '../../../util/deep-equal.ts';
import { randomSuffix } from '../service/object-meta.ts';

type Obj = Record<string, unknown>;

function setDefault(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

function imagePullPolicyFor(image: unknown): string {
  if (typeof image !== 'string') return 'IfNotPresent';
  const lastSegment = image.split('/').pop() ?? image;
  const withoutDigest = lastSegment.split('@')[0] ?? lastSegment;
  const colon = withoutDigest.lastIndexOf(':');
  if (image.includes('@')) return 'IfNotPresent';
  if (colon < 0) return 'Always';
  return withoutDigest.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: unknown): void {
  if (!isPlainObject(c)) return;
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  setDefault(c, 'imagePullPolicy', imagePullPolicyFor(c['image']));
  setDefault(c, 'resources', {});
  const res = c['resources'];
  if (isPlainObject(res) && isPlainObject(res['limits'])) {
    // v1 defaulting: requests default to limits where unset.
    const requests = isPlainObject(res['requests']) ? res['requests'] : {};
    for (const [k, v] of Object.entries(res['limits'])) if (requests[k] === undefined) requests[k] = v;
    res['requests'] = requests;
  }
  if (Array.isArray(c['ports'])) for (const p of c['ports']) if (isPlainObject(p)) setDefault(p, 'protocol', 'TCP');
}

/** SetDefaults_PodSpec and its containers: what every pod and pod template gets. */
export function defaultPodSpecFields(spec: Obj): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  for (const list of ['containers', 'initContainers']) {
    const cs = spec[list];
    if (Array.isArray(cs)) cs.forEach(defaultContainer);
  }
}

/** A template's spec (Deployment, Job, ...): defaults without the admission-time ones. */
export function defaultPodTemplateSpec(template: unknown): void {
  if (!isPlainObject(template)) return;
  if (!isPlainObject(template['spec'])) return;
  defaultPodSpecFields(template['spec']);
}

/** A pod: spec defaults plus what the default admission plugins add on create. */
export function defaultPodSpec(pod: KubeObject): void {
  if (!isPlainObject(pod.spec)) return;
  const spec = pod.spec;
  defaultPodSpecFields(spec);
  setDefault(spec, 'enableServiceLinks', true);
  // Priority admission.
  setDefault(spec, 'priority', 0);
  setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  // ServiceAccount admission names the default account (token volume projection is not simulated).
  setDefault(spec, 'serviceAccountName', 'default');
  setDefault(spec, 'serviceAccount', spec['serviceAccountName']);
  mountServiceAccountToken(spec);
  addDefaultTolerations(spec);
}

const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * ServiceAccount admission (1.22+ form): a projected `kube-api-access-*` volume with the token,
 * the cluster CA and the namespace, mounted into every container.
 */
function mountServiceAccountToken(spec: Obj): void {
  if (spec['automountServiceAccountToken'] === false) return;
  const containers = [
    ...(Array.isArray(spec['containers']) ? spec['containers'] : []),
    ...(Array.isArray(spec['initContainers']) ? spec['initContainers'] : []),
  ];
  const mounted = containers.some(
    (c) =>
      isPlainObject(c) &&
      Array.isArray(c['volumeMounts']) &&
      c['volumeMounts'].some((m) => isPlainObject(m) && m['mountPath'] === TOKEN_MOUNT_PATH),
  );
  if (mounted) return;
  const name = `kube-api-access-${randomSuffix()}`;
  const volumes = Array.isArray(spec['volumes']) ? spec['volumes'] : [];
  volumes.push({
    name,
    projected: {
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        {
          downwardAPI: {
            items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
          },
        },
      ],
      defaultMode: 420,
    },
  });
  spec['volumes'] = volumes;
  for (const c of containers) {
    if (!isPlainObject(c)) continue;
    const mounts = Array.isArray(c['volumeMounts']) ? c['volumeMounts'] : [];
    mounts.push({ name, readOnly: true, mountPath: TOKEN_MOUNT_PATH });
    c['volumeMounts'] = mounts;
  }
}

/** DefaultTolerationSeconds admission: tolerate not-ready/unreachable nodes for 300 s. */
function addDefaultTolerations(spec: Obj): void {
  const tolerations = Array.isArray(spec['tolerations']) ? [...spec['tolerations']] : [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    const has = tolerations.some(
      (t) => isPlainObject(t) && (t['key'] === key || (t['operator'] === 'Exists' && t['key'] === undefined)),
    );
    if (!has) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  spec['tolerations'] = tolerations;
}
