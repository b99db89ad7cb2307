/**
 * The deployment artefacts of the metrics API server (issue 7 §3): plain Kubernetes objects for
 * the Deployment, its Service, the three APIServices and least-privilege RBAC. The files in
 * deploy/metrics-api/ are this module's output for the defaults (scripts/render-metrics-api-manifests.ts);
 * a test keeps them equal. Unlike the seed: one ClusterRole per purpose, read-only rights, and a
 * caBundle (or nothing, to be filled) but never insecureSkipTLSVerify.
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Document } from 'yaml';
import { z } from 'zod';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface Obj<A extends string, K extends string> {
  apiVersion: A;
  kind: K;
  metadata: ObjectMeta;
}
type Rbac = 'rbac.authorization.k8s.io/v1';

export type NamespaceManifest = Obj<'v1', 'Namespace'>;
export interface ServiceAccountManifest extends Obj<'v1', 'ServiceAccount'> {
  automountServiceAccountToken: boolean;
}
export interface ConfigMapManifest extends Obj<'v1', 'ConfigMap'> {
  data: Record<string, string>;
}
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
export interface ClusterRoleManifest extends Obj<Rbac, 'ClusterRole'> {
  rules: PolicyRule[];
}
export interface RoleRef {
  apiGroup: 'rbac.authorization.k8s.io';
  kind: 'ClusterRole' | 'Role';
  name: string;
}
export interface Subject {
  kind: 'ServiceAccount';
  name: string;
  namespace: string;
}
export interface ClusterRoleBindingManifest extends Obj<Rbac, 'ClusterRoleBinding'> {
  roleRef: RoleRef;
  subjects: Subject[];
}
export interface RoleBindingManifest extends Obj<Rbac, 'RoleBinding'> {
  roleRef: RoleRef;
  subjects: Subject[];
}
export interface ServicePort {
  name: string;
  port: number;
  targetPort: number;
  protocol: 'TCP';
}
export interface ServiceManifest extends Obj<'v1', 'Service'> {
  spec: { type: 'ClusterIP'; selector: Record<string, string>; ports: ServicePort[] };
}
/** apiregistration.k8s.io/v1 APIServiceSpec; insecureSkipTLSVerify is deliberately not part of the type. */
export interface ApiServiceSpec {
  service: { namespace: string; name: string; port: number };
  group: string;
  version: string;
  caBundle?: string;
  groupPriorityMinimum: number;
  versionPriority: number;
}
export interface ApiServiceManifest extends Obj<'apiregistration.k8s.io/v1', 'APIService'> {
  spec: ApiServiceSpec;
}
export interface Probe {
  httpGet: { path: string; port: string; scheme: 'HTTPS' };
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
}
export interface EnvVar {
  name: string;
  valueFrom: { secretKeyRef: { name: string; key: string } };
}
export interface Container {
  name: string;
  image: string;
  imagePullPolicy: 'IfNotPresent';
  command: string[];
  ports: { name: string; containerPort: number; protocol: 'TCP' }[];
  env: EnvVar[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  livenessProbe: Probe;
  readinessProbe: Probe;
  securityContext: {
    allowPrivilegeEscalation: false;
    readOnlyRootFilesystem: true;
    runAsNonRoot: true;
    capabilities: { drop: ['ALL'] };
    seccompProfile: { type: 'RuntimeDefault' };
  };
  volumeMounts: { name: string; mountPath: string; readOnly: boolean }[];
  terminationMessagePolicy: 'FallbackToLogsOnError';
}
export type Volume =
  | { name: string; secret: { secretName: string; defaultMode: number } }
  | { name: string; configMap: { name: string; items: { key: string; path: string }[] } }
  | { name: string; emptyDir: { sizeLimit: string } };
export interface DeploymentManifest extends Obj<'apps/v1', 'Deployment'> {
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    strategy: { type: 'RollingUpdate'; rollingUpdate: { maxUnavailable: number; maxSurge: number } };
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        serviceAccountName: string;
        automountServiceAccountToken: true;
        securityContext: {
          runAsNonRoot: true;
          runAsUser: number;
          runAsGroup: number;
          fsGroup: number;
          seccompProfile: { type: 'RuntimeDefault' };
        };
        nodeSelector: Record<string, string>;
        containers: Container[];
        volumes: Volume[];
      };
    };
  };
}

export type MetricsApiManifest =
  | NamespaceManifest
  | ServiceAccountManifest
  | ConfigMapManifest
  | ClusterRoleManifest
  | ClusterRoleBindingManifest
  | RoleBindingManifest
  | ServiceManifest
  | DeploymentManifest
  | ApiServiceManifest;

/** Where the serving certificate Secret (tls.crt, tls.key, ca.crt) is mounted: the --cert-dir. */
export const SERVING_CERT_DIR = '/var/run/kubeloop/serving-cert';
export const RULES_PATH = '/etc/kubeloop/metrics-rules.yaml';
export const CA_BUNDLE_ANNOTATION = 'kubeloop.dev/ca-bundle';
const CA_BUNDLE_UNSET =
  'unset: fill spec.caBundle with the base64 PEM CA of the serving certificate ' +
  '(kubeloop metrics-api manifests --cert-dir DIR), or annotate cert-manager.io/inject-ca-from=<namespace>/<certificate>; ' +
  'see deploy/metrics-api/README.md';

/** prometheus-adapter's rules format; the default content of the rules ConfigMap. */
export const EXAMPLE_METRICS_RULES = `# Rules for kubeloop metrics-api --rules, in prometheus-adapter's format.
# Custom metrics: per-pod QPS from the http_requests_total counter, served as http_requests_qps
# (the seed's metric, now pulled from Prometheus instead of pushed every 2 minutes).
rules:
  - seriesQuery: 'http_requests_total{namespace!="",pod!=""}'
    resources:
      overrides:
        namespace: {resource: namespace}
        pod: {resource: pod}
    name:
      matches: "^(.*)_total$"
      as: "\${1}_qps"
    metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)'
# External metrics: a queue depth that belongs to no Kubernetes object, read per namespace.
externalRules:
  - seriesQuery: 'rabbitmq_queue_messages_ready{namespace!="",queue!=""}'
    resources:
      overrides:
        namespace: {resource: namespace}
    name:
      matches: "^rabbitmq_queue_messages_ready$"
      as: "queue_messages_ready"
    metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)'
`;

const dns1035Label = z
  .string()
  .regex(
    /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/,
    'must be a DNS-1035 label (lower case letters, digits, "-"; starts with a letter)',
  );
const dnsSubdomain = z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'must be a DNS-1123 subdomain');
const pemCertificate = z
  .string()
  .refine(
    (s) => /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(s),
    'must be a PEM certificate (-----BEGIN CERTIFICATE-----)',
  );

export const metricsApiManifestOptionsSchema = z
  .object({
    namespace: dns1035Label.default('kubeloop'),
    name: dns1035Label.default('kubeloop-metrics-api'),
    image: z.string().min(1).default('kubeloop/kubeloop:latest'),
    /** PEM of the CA that signed the serving certificate (or the self-signed certificate itself). */
    caBundle: pemCertificate.optional(),
    /** `<namespace>/<Certificate>` for cert-manager's CA injector, instead of caBundle. */
    injectCaFrom: z
      .string()
      .regex(/^[a-z0-9][-a-z0-9]*\/[a-z0-9][-a-z0-9.]*$/, 'must be <namespace>/<certificate>')
      .optional(),
    /** The Secret with tls.crt, tls.key and ca.crt; default `<name>-serving-cert`. */
    certSecretName: dnsSubdomain.optional(),
    /** The Secret (and key) holding the write token; default `<name>-write-token`, key `token`. */
    writeTokenSecret: z
      .object({
        name: dnsSubdomain,
        key: z
          .string()
          .regex(/^[-._a-zA-Z0-9]+$/)
          .default('token'),
      })
      .optional(),
    prometheusUrl: z.url().default('http://prometheus.monitoring.svc:9090'),
    rules: z.string().default(EXAMPLE_METRICS_RULES),
    port: z.number().int().min(1024).max(65535).default(6443),
    replicas: z.number().int().min(0).default(1),
  })
  .strict()
  .refine((o) => !(o.caBundle && o.injectCaFrom), {
    message: 'caBundle and injectCaFrom are exclusive: cert-manager would overwrite the caBundle',
  });

export type MetricsApiManifestOptions = z.input<typeof metricsApiManifestOptionsSchema>;

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const HPA_CONTROLLER: Subject = { kind: 'ServiceAccount', name: 'horizontal-pod-autoscaler', namespace: 'kube-system' };
/** Group/versions served, as prometheus-adapter registers them: v1beta2 preferred for custom metrics. */
export const METRICS_API_VERSIONS = [
  { group: 'custom.metrics.k8s.io', version: 'v1beta2', versionPriority: 200 },
  { group: 'custom.metrics.k8s.io', version: 'v1beta1', versionPriority: 100 },
  { group: 'external.metrics.k8s.io', version: 'v1beta1', versionPriority: 100 },
] as const;

/** Every object the metrics API server needs, in apply order (namespace first, APIServices last). */
export function renderMetricsApiManifests(input: MetricsApiManifestOptions = {}): MetricsApiManifest[] {
  const o = metricsApiManifestOptionsSchema.parse(input);
  const { namespace, name } = o;
  const labels = {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/component': 'metrics-api',
    'app.kubernetes.io/part-of': 'kubeloop',
  };
  const selector = { 'app.kubernetes.io/name': name };
  const meta = (n: string, ns?: string): ObjectMeta => ({ name: n, ...(ns ? { namespace: ns } : {}), labels });
  const self: Subject = { kind: 'ServiceAccount', name, namespace };
  const clusterRole = (n: string): RoleRef => ({ apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: n });
  const [certSecret, token] = [
    o.certSecretName ?? `${name}-serving-cert`,
    o.writeTokenSecret ?? { name: `${name}-write-token`, key: 'token' },
  ];
  const probe = (path: string, initialDelaySeconds: number, periodSeconds: number): Probe => ({
    httpGet: { path, port: 'https', scheme: 'HTTPS' },
    initialDelaySeconds,
    periodSeconds,
    timeoutSeconds: 3,
    failureThreshold: 3,
  });
  const [resourceReader, metricsReader] = [`${name}-resource-reader`, `${name}:metrics-reader`];

  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace, labels: { 'app.kubernetes.io/part-of': 'kubeloop' } },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(name, namespace), automountServiceAccountToken: true },
    // Delegated authentication and authorization: TokenReviews and SubjectAccessReviews.
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta(`${name}:system:auth-delegator`),
      roleRef: clusterRole('system:auth-delegator'),
      subjects: [self],
    },
    // Reads the front-proxy CA and allowed names from kube-system/extension-apiserver-authentication.
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(`${name}-auth-reader`, 'kube-system'),
      roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name: 'extension-apiserver-authentication-reader' },
      subjects: [self],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: meta(resourceReader),
      rules: [
        { apiGroups: [''], resources: ['pods', 'namespaces', 'services', 'nodes'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta(resourceReader),
      roleRef: clusterRole(resourceReader),
      subjects: [self],
    },
    // What the HPA controller needs to read the metrics groups (prometheus-adapter's
    // hpa-controller-custom-metrics binding, with get/list instead of '*').
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: meta(metricsReader),
      rules: [
        { apiGroups: ['custom.metrics.k8s.io', 'external.metrics.k8s.io'], resources: ['*'], verbs: ['get', 'list'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta(`${name}:hpa-controller-metrics-reader`),
      roleRef: clusterRole(metricsReader),
      subjects: [HPA_CONTROLLER],
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(`${name}-rules`, namespace),
      data: { 'metrics-rules.yaml': o.rules },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(name, namespace),
      spec: {
        replicas: o.replicas,
        selector: { matchLabels: selector },
        // Never below the desired count: the HPA loses its metrics while no replica is ready.
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: true,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 65532,
              runAsGroup: 65532,
              fsGroup: 65532,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: 'metrics-api',
                image: o.image,
                imagePullPolicy: 'IfNotPresent',
                command: [
                  'kubeloop',
                  'metrics-api',
                  '--secure-port',
                  String(o.port),
                  '--bind-address',
                  '0.0.0.0',
                  '--cert-dir',
                  SERVING_CERT_DIR,
                  '--prometheus-url',
                  o.prometheusUrl,
                  '--rules',
                  RULES_PATH,
                ],
                ports: [{ name: 'https', containerPort: o.port, protocol: 'TCP' }],
                env: [
                  {
                    name: 'KUBELOOP_METRICS_WRITE_TOKEN',
                    valueFrom: { secretKeyRef: { name: token.name, key: token.key } },
                  },
                ],
                resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
                livenessProbe: probe('/livez', 10, 10),
                readinessProbe: probe('/readyz', 2, 5),
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  capabilities: { drop: ['ALL'] },
                  seccompProfile: { type: 'RuntimeDefault' },
                },
                volumeMounts: [
                  { name: 'serving-cert', mountPath: SERVING_CERT_DIR, readOnly: true },
                  { name: 'rules', mountPath: '/etc/kubeloop', readOnly: true },
                  { name: 'tmp', mountPath: '/tmp', readOnly: false },
                ],
                terminationMessagePolicy: 'FallbackToLogsOnError',
              },
            ],
            volumes: [
              { name: 'serving-cert', secret: { secretName: certSecret, defaultMode: 0o440 } },
              {
                name: 'rules',
                configMap: {
                  name: `${name}-rules`,
                  items: [{ key: 'metrics-rules.yaml', path: 'metrics-rules.yaml' }],
                },
              },
              { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(name, namespace),
      spec: { type: 'ClusterIP', selector, ports: [{ name: 'https', port: 443, targetPort: o.port, protocol: 'TCP' }] },
    },
    ...METRICS_API_VERSIONS.map((v): ApiServiceManifest => {
      const annotations: Record<string, string> | undefined = o.injectCaFrom
        ? { 'cert-manager.io/inject-ca-from': o.injectCaFrom }
        : o.caBundle
          ? undefined
          : { [CA_BUNDLE_ANNOTATION]: CA_BUNDLE_UNSET };
      return {
        apiVersion: 'apiregistration.k8s.io/v1',
        kind: 'APIService',
        metadata: { name: `${v.version}.${v.group}`, labels, ...(annotations ? { annotations } : {}) },
        spec: {
          service: { namespace, name, port: 443 },
          group: v.group,
          version: v.version,
          ...(o.caBundle ? { caBundle: Buffer.from(o.caBundle).toString('base64') } : {}),
          groupPriorityMinimum: 100,
          versionPriority: v.versionPriority,
        },
      };
    }),
  ];
}

/** The CA for spec.caBundle from a --cert-dir: ca.crt, else tls.crt (a self-signed certificate). */
export async function readCaBundle(certDir: string): Promise<string> {
  for (const file of ['ca.crt', 'tls.crt']) {
    const pem = await readFile(join(certDir, file), 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    });
    if (pem !== undefined) return pem;
  }
  throw new Error(`${certDir} has neither ca.crt nor tls.crt`);
}

/** A multi-document YAML stream; APIServices without a caBundle carry a comment saying how to fill it. */
export function manifestsToYaml(objects: readonly MetricsApiManifest[], opts: { header?: string } = {}): string {
  const docs = objects.map((obj, i) => {
    const doc = new Document(obj, { aliasDuplicateObjects: false });
    const notes: string[] = [];
    if (i === 0 && opts.header) notes.push(opts.header);
    if (obj.kind === 'APIService' && obj.spec.caBundle === undefined) {
      notes.push(
        obj.metadata.annotations?.['cert-manager.io/inject-ca-from']
          ? " spec.caBundle is injected by cert-manager's CA injector (cert-manager.io/inject-ca-from)."
          : ' spec.caBundle is unset: the aggregator cannot verify this server until it is filled (never insecureSkipTLSVerify).\n' +
              ' Fill it with `kubeloop metrics-api manifests --cert-dir DIR` or cert-manager; see deploy/metrics-api/README.md.',
      );
    }
    if (notes.length > 0) doc.commentBefore = notes.join('\n');
    return doc.toString({ lineWidth: 0 });
  });
  return docs.join('---\n');
}

const FILES: readonly { file: string; kinds: readonly MetricsApiManifest['kind'][]; about: string }[] = [
  {
    file: 'namespace.yaml',
    kinds: ['Namespace', 'ServiceAccount'],
    about: "The namespace and the server's ServiceAccount.",
  },
  {
    file: 'rbac.yaml',
    kinds: ['ClusterRole', 'ClusterRoleBinding', 'RoleBinding'],
    about: 'Least-privilege RBAC: read-only, one ClusterRole per purpose.',
  },
  {
    file: 'deployment.yaml',
    kinds: ['ConfigMap', 'Deployment', 'Service'],
    about: 'The rules ConfigMap, the Deployment and its Service (443 -> the secure port).',
  },
  {
    file: 'apiservices.yaml',
    kinds: ['APIService'],
    about: 'custom.metrics.k8s.io v1beta2 (preferred) and v1beta1, external.metrics.k8s.io v1beta1.',
  },
];

/**
 * The files of deploy/metrics-api/ (one per concern, in apply order, plus the example rules),
 * as scripts/render-metrics-api-manifests.ts writes them.
 */
export function renderMetricsApiDeployFiles(opts: MetricsApiManifestOptions = {}): { file: string; content: string }[] {
  const objects = renderMetricsApiManifests(opts);
  const generated =
    ' Generated by `npx tsx scripts/render-metrics-api-manifests.ts` from src/metrics-api/manifests.ts: do not edit.';
  return [
    ...FILES.map(({ file, kinds, about }) => ({
      file,
      content: manifestsToYaml(
        objects.filter((o) => kinds.includes(o.kind)),
        { header: ` ${about}\n${generated}` },
      ),
    })),
    { file: 'metrics-rules.example.yaml', content: EXAMPLE_METRICS_RULES },
  ];
}
