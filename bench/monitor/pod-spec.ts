/**
 * Pod templates shaped like production ones (several containers, env, volumes and mounts, probes,
 * resources, security context), and managedFields entries written the way kube-apiserver fills
 * them, so that what the monitor lists and watches weighs what a real cluster sends.
 */
type Obj = Record<string, unknown>;

export interface SpecOptions {
  /** Containers in the pod: the app, then sidecars (a log shipper, a proxy). */
  containers: number;
  image?: string;
  /** A liveness probe on the app container (period 10 s, threshold 3, as the kubelet's defaults). */
  liveness?: boolean;
  memoryLimit?: string;
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
}

function env(app: string): Obj[] {
  return [
    { name: 'APP_NAME', value: app },
    { name: 'APP_ENV', value: 'production' },
    { name: 'LOG_LEVEL', value: 'info' },
    {
      name: 'JAVA_OPTS',
      value: '-XX:MaxRAMPercentage=75 -XX:+UseG1GC -Dfile.encoding=UTF-8 -Duser.timezone=Asia/Shanghai',
    },
    { name: 'SPRING_PROFILES_ACTIVE', value: 'prod' },
    { name: 'DB_HOST', value: `${app}-db.data.svc.cluster.local` },
    { name: 'DB_PORT', value: '5432' },
    { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: `${app}-db`, key: 'password' } } },
    { name: 'REDIS_URL', valueFrom: { configMapKeyRef: { name: `${app}-config`, key: 'redis.url' } } },
    { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
    { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
    { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://otel-collector.observability.svc:4317' },
  ];
}

const probe = (path: string, delay: number): Obj => ({
  httpGet: { path, port: 8080, scheme: 'HTTP' },
  initialDelaySeconds: delay,
  periodSeconds: 10,
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 3,
});

export function realisticPodSpec(app: string, o: SpecOptions): Obj {
  const containers: Obj[] = [
    {
      name: 'app',
      image: o.image ?? `registry.kubeloop.local/shop/${app}:2.14.3`,
      imagePullPolicy: 'IfNotPresent',
      args: ['--server.port=8080', '--management.port=8081'],
      ports: [
        { name: 'http', containerPort: 8080, protocol: 'TCP' },
        { name: 'management', containerPort: 8081, protocol: 'TCP' },
      ],
      env: env(app),
      envFrom: [{ configMapRef: { name: `${app}-env` } }],
      resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '1', memory: o.memoryLimit ?? '1Gi' } },
      readinessProbe: probe('/actuator/health/readiness', 0),
      ...(o.liveness ? { livenessProbe: probe('/actuator/health/liveness', 0) } : {}),
      volumeMounts: [
        { name: 'config', mountPath: '/app/config', readOnly: true },
        { name: 'tls', mountPath: '/etc/tls', readOnly: true },
        { name: 'tmp', mountPath: '/tmp' },
        { name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
      ],
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 10001,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      },
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
    },
  ];
  const sidecars: Obj[] = [
    {
      name: 'log-shipper',
      image: 'registry.kubeloop.local/infra/fluent-bit:2.2.0',
      args: ['-c', '/fluent-bit/etc/fluent-bit.conf'],
      env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }],
      resources: { requests: { cpu: '5m', memory: '8Mi' }, limits: { memory: '64Mi' } },
      volumeMounts: [
        { name: 'tmp', mountPath: '/tmp' },
        { name: 'fluent-bit-config', mountPath: '/fluent-bit/etc' },
      ],
    },
    {
      name: 'proxy',
      image: 'registry.kubeloop.local/infra/envoy:1.28.0',
      args: ['--config-path', '/etc/envoy/envoy.yaml', '--log-level', 'warn'],
      ports: [{ name: 'proxy', containerPort: 15001, protocol: 'TCP' }],
      resources: { requests: { cpu: '5m', memory: '8Mi' }, limits: { memory: '128Mi' } },
      volumeMounts: [
        { name: 'envoy-config', mountPath: '/etc/envoy' },
        { name: 'tls', mountPath: '/etc/tls', readOnly: true },
      ],
    },
  ];
  for (let i = 0; i < o.containers - 1; i++)
    containers.push({
      ...(sidecars[i % sidecars.length] as Obj),
      name: `${String(sidecars[i % sidecars.length]?.['name'])}${i >= sidecars.length ? `-${i}` : ''}`,
    });
  return {
    ...(o.restartPolicy ? { restartPolicy: o.restartPolicy } : {}),
    serviceAccountName: 'default',
    terminationGracePeriodSeconds: 30,
    securityContext: { fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    containers,
    volumes: [
      { name: 'config', configMap: { name: `${app}-config`, defaultMode: 420 } },
      { name: 'tls', secret: { secretName: `${app}-tls`, defaultMode: 420 } },
      { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
      { name: 'fluent-bit-config', configMap: { name: 'fluent-bit', defaultMode: 420 } },
      { name: 'envoy-config', configMap: { name: 'envoy', defaultMode: 420 } },
      {
        name: 'kube-api-access',
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            {
              downwardAPI: {
                items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
              },
            },
          ],
        },
      },
    ],
  };
}

/**
 * The fieldsV1 set of an object part, as structured-merge-diff writes it: "f:<field>" for map
 * fields, "k:{...}" for list items keyed by name (containers, env, ports by containerPort),
 * "v:" for set items, "." for the item itself.
 */
export function fieldsV1(value: unknown): Obj {
  if (Array.isArray(value)) {
    const out: Obj = {};
    for (const item of value) {
      if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
        const o = item as Obj;
        const key =
          'name' in o
            ? { name: o['name'] }
            : 'containerPort' in o
              ? { containerPort: o['containerPort'], protocol: o['protocol'] ?? 'TCP' }
              : 'type' in o
                ? { type: o['type'] }
                : { ip: o['ip'] ?? '' };
        out[`k:${JSON.stringify(key)}`] = { '.': {}, ...fieldsV1(o) };
      } else out[`v:${JSON.stringify(item)}`] = {};
    }
    return out;
  }
  if (value === null || typeof value !== 'object') return {};
  const out: Obj = {};
  for (const [k, v] of Object.entries(value as Obj)) out[`f:${k}`] = fieldsV1(v);
  return out;
}

/**
 * The managedFields a 1.20 apiserver keeps on a pod made by a controller and run by a kubelet:
 * kube-controller-manager's Update of metadata and spec, the kubelet's Update of status.
 */
export function podManagedFields(pod: { metadata: Obj; spec?: unknown; status?: unknown }, time: string): Obj[] {
  const meta = pod.metadata;
  const ownedMeta: Obj = {};
  for (const k of ['generateName', 'labels', 'annotations', 'ownerReferences'])
    if (meta[k] !== undefined) ownedMeta[k] = meta[k];
  const entries: Obj[] = [
    {
      manager: 'kube-controller-manager',
      operation: 'Update',
      apiVersion: 'v1',
      time,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': fieldsV1(ownedMeta), 'f:spec': fieldsV1(pod.spec) },
    },
  ];
  if (pod.status !== undefined) {
    const { phase: _p, qosClass: _q, ...status } = pod.status as Obj;
    entries.push({
      manager: 'kubelet',
      operation: 'Update',
      apiVersion: 'v1',
      time,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:status': fieldsV1(status) },
    });
  }
  return entries;
}
