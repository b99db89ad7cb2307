import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import {
  CA_BUNDLE_ANNOTATION,
  EXAMPLE_METRICS_RULES,
  manifestsToYaml,
  readCaBundle,
  renderMetricsApiDeployFiles,
  renderMetricsApiManifests,
  type ApiServiceManifest,
  type ClusterRoleManifest,
  type DeploymentManifest,
  type MetricsApiManifest,
  type ServiceManifest,
} from './manifests.ts';

const DEPLOY_DIR = join(import.meta.dirname, '..', '..', 'deploy', 'metrics-api');
const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUXr0=\n-----END CERTIFICATE-----\n';

function only<K extends MetricsApiManifest['kind']>(
  objs: MetricsApiManifest[],
  kind: K,
): Extract<MetricsApiManifest, { kind: K }>[] {
  return objs.filter((o): o is Extract<MetricsApiManifest, { kind: K }> => o.kind === kind);
}
function one<K extends MetricsApiManifest['kind']>(
  objs: MetricsApiManifest[],
  kind: K,
): Extract<MetricsApiManifest, { kind: K }> {
  const [first, ...rest] = only(objs, kind);
  if (!first || rest.length > 0) throw new Error(`expected one ${kind}`);
  return first;
}
/** Every key path in a parsed value, e.g. "spec.caBundle". */
function keyPaths(v: unknown, prefix = ''): string[] {
  if (Array.isArray(v)) return v.flatMap((x) => keyPaths(x, prefix));
  if (v === null || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, x]) => [`${prefix}${k}`, ...keyPaths(x, `${prefix}${k}.`)]);
}
async function staticObjects(): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const f of ['namespace.yaml', 'rbac.yaml', 'deployment.yaml', 'apiservices.yaml']) {
    for (const doc of parseAllDocuments(await readFile(join(DEPLOY_DIR, f), 'utf8'))) out.push(doc.toJS());
  }
  return out;
}

describe('deploy/metrics-api', () => {
  it('holds exactly the render output for the defaults (regenerate: npx tsx scripts/render-metrics-api-manifests.ts)', async () => {
    const files = renderMetricsApiDeployFiles();
    for (const { file, content } of files) expect(await readFile(join(DEPLOY_DIR, file), 'utf8'), file).toBe(content);
    const yamls = (await readdir(DEPLOY_DIR)).filter((f) => f.endsWith('.yaml')).sort();
    expect(yamls).toEqual(files.map((f) => f.file).sort());
  });

  it('parses back to the rendered objects, and the example rules are the ConfigMap content', async () => {
    expect(await staticObjects()).toEqual(renderMetricsApiManifests());
    expect(await readFile(join(DEPLOY_DIR, 'metrics-rules.example.yaml'), 'utf8')).toBe(EXAMPLE_METRICS_RULES);
    expect(one(renderMetricsApiManifests(), 'ConfigMap').data['metrics-rules.yaml']).toBe(EXAMPLE_METRICS_RULES);
  });

  it('has no insecureSkipTLSVerify anywhere, with or without a caBundle', async () => {
    for (const objs of [
      await staticObjects(),
      renderMetricsApiManifests({ caBundle: PEM }),
      renderMetricsApiManifests({ injectCaFrom: 'kubeloop/serving' }),
    ]) {
      expect(objs.flatMap((o) => keyPaths(o)).filter((p) => /insecureSkipTLSVerify/i.test(p))).toEqual([]);
    }
  });

  it('defines each ClusterRole (and every object) once', async () => {
    const objs = (await staticObjects()) as MetricsApiManifest[];
    const roles = only(objs, 'ClusterRole').map((r) => r.metadata.name);
    expect(new Set(roles).size).toBe(roles.length);
    const ids = objs.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('RBAC is least-privilege', () => {
  const objs = renderMetricsApiManifests();
  const roles = only(objs, 'ClusterRole');
  const rules = roles.flatMap((r) => r.rules);

  it('only reads: no "*" verbs, no write verbs, no secrets, "*" resources only in the metrics groups (rendered and static)', async () => {
    const fromFiles = only((await staticObjects()) as MetricsApiManifest[], 'ClusterRole').flatMap((r) => r.rules);
    expect(fromFiles.length).toBeGreaterThan(0);
    for (const rule of [...rules, ...fromFiles]) {
      expect(
        rule.verbs.every((v) => ['get', 'list', 'watch'].includes(v)),
        JSON.stringify(rule),
      ).toBe(true);
      expect(rule.resources.some((r) => r === 'secrets' || r.startsWith('secrets/') || r.endsWith('/proxy'))).toBe(
        false,
      );
      expect(rule.apiGroups).not.toContain('*');
      if (rule.resources.includes('*'))
        expect(rule.apiGroups.every((g) => g === 'custom.metrics.k8s.io' || g === 'external.metrics.k8s.io')).toBe(
          true,
        );
    }
  });

  it('grants exactly the two roles the brief lists', () => {
    const byName = (n: string): ClusterRoleManifest | undefined => roles.find((r) => r.metadata.name === n);
    expect(roles.map((r) => r.metadata.name)).toEqual([
      'kubeloop-metrics-api-resource-reader',
      'kubeloop-metrics-api:metrics-reader',
    ]);
    expect(byName('kubeloop-metrics-api-resource-reader')?.rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'namespaces', 'services', 'nodes'], verbs: ['get', 'list', 'watch'] },
    ]);
    expect(byName('kubeloop-metrics-api:metrics-reader')?.rules).toEqual([
      { apiGroups: ['custom.metrics.k8s.io', 'external.metrics.k8s.io'], resources: ['*'], verbs: ['get', 'list'] },
    ]);
  });

  it('binds each role to the right subject, and every roleRef resolves', () => {
    const sa = { kind: 'ServiceAccount', name: 'kubeloop-metrics-api', namespace: 'kubeloop' };
    const hpa = { kind: 'ServiceAccount', name: 'horizontal-pod-autoscaler', namespace: 'kube-system' };
    const bindings = only(objs, 'ClusterRoleBinding').map((b) => [b.roleRef.name, b.subjects]);
    expect(bindings).toEqual([
      ['system:auth-delegator', [sa]],
      ['kubeloop-metrics-api-resource-reader', [sa]],
      ['kubeloop-metrics-api:metrics-reader', [hpa]],
    ]);
    const rb = one(objs, 'RoleBinding');
    expect(rb.metadata.namespace).toBe('kube-system');
    expect(rb.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'extension-apiserver-authentication-reader',
    });
    expect(rb.subjects).toEqual([sa]);
    const known = new Set(['system:auth-delegator', ...roles.map((r) => r.metadata.name)]);
    for (const b of only(objs, 'ClusterRoleBinding')) expect(known.has(b.roleRef.name), b.roleRef.name).toBe(true);
  });
});

describe('renderMetricsApiManifests', () => {
  it('renders the Deployment as issue 7 §3 asks', () => {
    const d: DeploymentManifest = one(renderMetricsApiManifests(), 'Deployment');
    const pod = d.spec.template.spec;
    const c = pod.containers[0];
    expect(d.metadata).toMatchObject({ name: 'kubeloop-metrics-api', namespace: 'kubeloop' });
    expect(d.spec.replicas).toBe(1);
    expect(pod.serviceAccountName).toBe('kubeloop-metrics-api');
    expect(c?.image).toBe('kubeloop/kubeloop:latest');
    expect(c?.command).toEqual([
      'kubeloop',
      'metrics-api',
      '--secure-port',
      '6443',
      '--bind-address',
      '0.0.0.0',
      '--cert-dir',
      '/var/run/kubeloop/serving-cert',
      '--prometheus-url',
      'http://prometheus.monitoring.svc:9090',
      '--rules',
      '/etc/kubeloop/metrics-rules.yaml',
    ]);
    expect(c?.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(c?.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(c?.resources.limits).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(c?.livenessProbe.httpGet).toEqual({ path: '/livez', port: 'https', scheme: 'HTTPS' });
    expect(c?.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'https', scheme: 'HTTPS' });
    expect(c?.ports).toEqual([{ name: 'https', containerPort: 6443, protocol: 'TCP' }]);
    expect(c?.env).toEqual([
      {
        name: 'KUBELOOP_METRICS_WRITE_TOKEN',
        valueFrom: { secretKeyRef: { name: 'kubeloop-metrics-api-write-token', key: 'token' } },
      },
    ]);
    expect(c?.volumeMounts.find((m) => m.mountPath === '/var/run/kubeloop/serving-cert')).toMatchObject({
      name: 'serving-cert',
      readOnly: true,
    });
    expect(pod.volumes).toContainEqual({
      name: 'serving-cert',
      secret: { secretName: 'kubeloop-metrics-api-serving-cert', defaultMode: 0o440 },
    });
    expect(pod.volumes).toContainEqual({
      name: 'rules',
      configMap: {
        name: 'kubeloop-metrics-api-rules',
        items: [{ key: 'metrics-rules.yaml', path: 'metrics-rules.yaml' }],
      },
    });
    // Every mount is backed by a volume.
    for (const m of c?.volumeMounts ?? []) expect(pod.volumes.map((v) => v.name)).toContain(m.name);
  });

  it('wires Service, pods and APIServices together (443 -> 6443, v1beta2 preferred)', () => {
    const objs = renderMetricsApiManifests();
    const svc: ServiceManifest = one(objs, 'Service');
    const d = one(objs, 'Deployment');
    expect(svc.spec.ports).toEqual([{ name: 'https', port: 443, targetPort: 6443, protocol: 'TCP' }]);
    expect(d.spec.template.metadata.labels).toMatchObject(svc.spec.selector);
    expect(d.spec.selector.matchLabels).toEqual(svc.spec.selector);
    const apis: ApiServiceManifest[] = only(objs, 'APIService');
    expect(
      apis.map((a) => [
        a.metadata.name,
        a.spec.group,
        a.spec.version,
        a.spec.groupPriorityMinimum,
        a.spec.versionPriority,
      ]),
    ).toEqual([
      ['v1beta2.custom.metrics.k8s.io', 'custom.metrics.k8s.io', 'v1beta2', 100, 200],
      ['v1beta1.custom.metrics.k8s.io', 'custom.metrics.k8s.io', 'v1beta1', 100, 100],
      ['v1beta1.external.metrics.k8s.io', 'external.metrics.k8s.io', 'v1beta1', 100, 100],
    ]);
    for (const a of apis) expect(a.spec.service).toEqual({ namespace: 'kubeloop', name: svc.metadata.name, port: 443 });
  });

  it('without a certificate: no caBundle, an annotation and a YAML comment say how to fill it', () => {
    const apis = only(renderMetricsApiManifests(), 'APIService');
    for (const a of apis) {
      expect(a.spec).not.toHaveProperty('caBundle');
      expect(a.metadata.annotations?.[CA_BUNDLE_ANNOTATION]).toMatch(/--cert-dir.*cert-manager\.io\/inject-ca-from/);
    }
    expect(manifestsToYaml(apis).match(/^# spec\.caBundle is unset/gm)).toHaveLength(3);
  });

  it('with a caBundle: base64 of the PEM, no annotation', () => {
    const apis = only(renderMetricsApiManifests({ caBundle: PEM }), 'APIService');
    for (const a of apis) {
      expect(Buffer.from(a.spec.caBundle ?? '', 'base64').toString('utf8')).toBe(PEM);
      expect(a.metadata.annotations).toBeUndefined();
    }
    expect(manifestsToYaml(apis)).not.toMatch(/caBundle is unset/);
  });

  it('with injectCaFrom: the cert-manager annotation instead', () => {
    for (const a of only(renderMetricsApiManifests({ injectCaFrom: 'kubeloop/kubeloop-metrics-api' }), 'APIService')) {
      expect(a.metadata.annotations).toEqual({ 'cert-manager.io/inject-ca-from': 'kubeloop/kubeloop-metrics-api' });
      expect(a.spec).not.toHaveProperty('caBundle');
    }
  });

  it('refuses bad options', () => {
    expect(() => renderMetricsApiManifests({ caBundle: 'not a certificate' })).toThrow(/PEM certificate/);
    expect(() => renderMetricsApiManifests({ caBundle: PEM, injectCaFrom: 'a/b' })).toThrow(/exclusive/);
    expect(() => renderMetricsApiManifests({ namespace: 'Bad_NS' })).toThrow(/DNS-1035/);
    expect(() => renderMetricsApiManifests({ prometheusUrl: 'nope' })).toThrow();
    expect(() => renderMetricsApiManifests({ port: 80 })).toThrow();
  });

  it('carries namespace, name, image and secrets into every reference', () => {
    const objs = renderMetricsApiManifests({
      namespace: 'obs',
      name: 'm-api',
      image: 'reg.example/kubeloop:1.2.3',
      certSecretName: 'm-tls',
      writeTokenSecret: { name: 'm-push', key: 'k' },
    });
    expect(one(objs, 'Namespace').metadata.name).toBe('obs');
    for (const o of objs)
      if (o.metadata.namespace !== undefined && o.kind !== 'RoleBinding') expect(o.metadata.namespace).toBe('obs');
    const subjects = [...only(objs, 'ClusterRoleBinding'), one(objs, 'RoleBinding')]
      .flatMap((b) => b.subjects)
      .filter((s) => s.name !== 'horizontal-pod-autoscaler');
    expect(subjects).toHaveLength(3);
    for (const s of subjects) expect(s).toEqual({ kind: 'ServiceAccount', name: 'm-api', namespace: 'obs' });
    const pod = one(objs, 'Deployment').spec.template.spec;
    expect(pod.containers[0]?.image).toBe('reg.example/kubeloop:1.2.3');
    expect(pod.volumes).toContainEqual({ name: 'serving-cert', secret: { secretName: 'm-tls', defaultMode: 0o440 } });
    expect(pod.containers[0]?.env[0]?.valueFrom.secretKeyRef).toEqual({ name: 'm-push', key: 'k' });
    for (const a of only(objs, 'APIService'))
      expect(a.spec.service).toEqual({ namespace: 'obs', name: 'm-api', port: 443 });
    expect(only(objs, 'ClusterRole').map((r) => r.metadata.name)).toEqual([
      'm-api-resource-reader',
      'm-api:metrics-reader',
    ]);
  });

  it('ships example rules in prometheus-adapter format', () => {
    const rules = parse(EXAMPLE_METRICS_RULES) as {
      rules: Record<string, unknown>[];
      externalRules: Record<string, unknown>[];
    };
    expect(rules.rules[0]).toEqual({
      seriesQuery: 'http_requests_total{namespace!="",pod!=""}',
      resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
      name: { matches: '^(.*)_total$', as: '${1}_qps' },
      metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)',
    });
    expect(rules.externalRules[0]).toMatchObject({
      seriesQuery: expect.any(String),
      metricsQuery: expect.stringContaining('<<.LabelMatchers>>'),
    });
  });
});

describe('readCaBundle', () => {
  it('reads ca.crt, else tls.crt, else fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubeloop-ca-'));
    await expect(readCaBundle(dir)).rejects.toThrow(/neither ca.crt nor tls.crt/);
    await writeFile(join(dir, 'tls.crt'), 'TLS');
    expect(await readCaBundle(dir)).toBe('TLS');
    await writeFile(join(dir, 'ca.crt'), 'CA');
    expect(await readCaBundle(dir)).toBe('CA');
  });
});
