import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSim, type TestSim } from '../support/sim.ts';
import { Kubectl } from '../support/kubectl.ts';
import { eventually } from '../support/eventually.ts';
import { manifestsToYaml, readCaBundle, renderMetricsApiManifests } from '../../src/metrics-api/manifests.ts';
import { startMetricsApiServer, type RunningMetricsApiServer } from '../../src/metrics-api/https.ts';
import { requestHeaderConfigFromConfigMap } from '../../src/metrics-api/auth.ts';
import { staticPods } from '../../src/metrics-api/pods.ts';
import { generateServingCert } from '../../src/util/certificates.ts';

/**
 * deploy/metrics-api/*.yaml through the real kubectl against the simulated cluster: server-side dry
 * runs first (validation and admission without storing), then a real apply that must be idempotent,
 * then the APIServices with a caBundle from a cert directory must become Available behind the sim's
 * aggregator. rbac.yaml is dry-run too (the sim serves rbac.authorization.k8s.io);
 * src/metrics-api/manifests.test.ts checks its content.
 */

const DIR = join(import.meta.dirname, '..', '..', 'deploy', 'metrics-api');
const SERVED = ['namespace.yaml', 'deployment.yaml', 'apiservices.yaml'];

let t: TestSim;
let k: Kubectl;
let server: RunningMetricsApiServer | undefined;

beforeAll(async () => {
  // No controllers: nothing runs the pods, and the endpoints controller would empty the Endpoints
  // the last test points at a server on loopback.
  t = await startTestSim({
    controllers: { workloads: false, scheduler: false, kubelet: false },
    aggregatorProbeIntervalMs: 250,
  });
  k = await Kubectl.forKubeconfig(t.sim.kubeconfig());
}, 60_000);
afterAll(async () => {
  await server?.close();
  await t?.sim.stop();
});

const file = (name: string): string => join(DIR, name);

describe('deploy/metrics-api against the sim with kubectl', () => {
  it('server-side dry-runs namespace.yaml: the Namespace passes, nothing is created', async () => {
    const r = await k.run(['apply', '--dry-run=server', '-f', file('namespace.yaml')]);
    expect(r.stdout).toMatch(/^namespace\/kubeloop created \(server dry run\)$/m);
    // A dry-run Namespace is not stored, so NamespaceLifecycle refuses the ServiceAccount in it, as a real cluster does.
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'Error from server (NotFound): error when creating "' +
        file('namespace.yaml') +
        '": namespaces "kubeloop" not found',
    );
    expect((await k.run(['get', 'namespace', 'kubeloop'])).stderr).toMatch(/namespaces "kubeloop" not found/);
  });

  it('server-side dry-runs every namespaced file once the namespace exists', async () => {
    await k.ok(['create', 'namespace', 'kubeloop']);
    const ns = await k.ok(['apply', '--dry-run=server', '-f', file('namespace.yaml')]);
    expect(ns).toMatch(/^serviceaccount\/kubeloop-metrics-api created \(server dry run\)$/m);
    const dep = await k.ok(['apply', '--dry-run=server', '-f', file('deployment.yaml')]);
    for (const line of [
      'configmap/kubeloop-metrics-api-rules',
      'deployment.apps/kubeloop-metrics-api',
      'service/kubeloop-metrics-api',
    ]) {
      expect(dep).toContain(`${line} created (server dry run)`);
    }
    const api = await k.ok(['apply', '--dry-run=server', '-f', file('apiservices.yaml')]);
    for (const name of [
      'v1beta2.custom.metrics.k8s.io',
      'v1beta1.custom.metrics.k8s.io',
      'v1beta1.external.metrics.k8s.io',
    ]) {
      expect(api).toContain(`apiservice.apiregistration.k8s.io/${name} created (server dry run)`);
    }
    // The same APIServices with a real caBundle (the sim's CA certificate, as --cert-dir would give).
    const withCa = manifestsToYaml(
      renderMetricsApiManifests({ caBundle: t.sim.caCert }).filter((o) => o.kind === 'APIService'),
    );
    expect(withCa).toContain('caBundle: ');
    expect(await k.ok(['apply', '--dry-run=server', '-f', '-'], { stdin: withCa })).toMatch(
      /v1beta1\.external\.metrics\.k8s\.io created \(server dry run\)/,
    );
    // Nothing was stored.
    expect((await k.run(['get', 'deployment', 'kubeloop-metrics-api', '-n', 'kubeloop'])).code).not.toBe(0);
    expect((await k.run(['get', 'apiservice', 'v1beta2.custom.metrics.k8s.io'])).code).not.toBe(0);
  });

  // The sim serves rbac.authorization.k8s.io: every object of rbac.yaml must pass admission.
  it('rbac.yaml: a clean server-side dry run of every object', async () => {
    const out = await k.ok(['apply', '--dry-run=server', '-f', file('rbac.yaml')]);
    expect(out.trim().split('\n')).toEqual([
      'clusterrolebinding.rbac.authorization.k8s.io/kubeloop-metrics-api:system:auth-delegator created (server dry run)',
      'rolebinding.rbac.authorization.k8s.io/kubeloop-metrics-api-auth-reader created (server dry run)',
      'clusterrole.rbac.authorization.k8s.io/kubeloop-metrics-api-resource-reader created (server dry run)',
      'clusterrolebinding.rbac.authorization.k8s.io/kubeloop-metrics-api-resource-reader created (server dry run)',
      'clusterrole.rbac.authorization.k8s.io/kubeloop-metrics-api:metrics-reader created (server dry run)',
      'clusterrolebinding.rbac.authorization.k8s.io/kubeloop-metrics-api:hpa-controller-metrics-reader created (server dry run)',
    ]);
    // Nothing was stored.
    expect((await k.run(['get', 'clusterrole', 'kubeloop-metrics-api:metrics-reader'])).code).not.toBe(0);
  });

  it('applies for real, round-trips the APIService spec and re-applies as unchanged', async () => {
    for (const f of SERVED) await k.ok(['apply', '-f', file(f)]);
    const apiService = JSON.parse(await k.ok(['get', 'apiservice', 'v1beta2.custom.metrics.k8s.io', '-o', 'json'])) as {
      spec: Record<string, unknown>;
    };
    expect(apiService.spec).toMatchObject({
      group: 'custom.metrics.k8s.io',
      version: 'v1beta2',
      groupPriorityMinimum: 100,
      versionPriority: 200,
      service: { namespace: 'kubeloop', name: 'kubeloop-metrics-api', port: 443 },
    });
    expect(apiService.spec).not.toHaveProperty('insecureSkipTLSVerify', true);
    const deploy = JSON.parse(
      await k.ok(['get', 'deployment', 'kubeloop-metrics-api', '-n', 'kubeloop', '-o', 'json']),
    ) as {
      spec: { template: { spec: { containers: { securityContext: Record<string, unknown> }[] } } };
    };
    expect(deploy.spec.template.spec.containers[0]?.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    for (const f of SERVED) {
      const again = await k.ok(['apply', '-f', file(f)]);
      expect(
        again
          .trim()
          .split('\n')
          .every((l) => l.endsWith(' unchanged')),
        `${f}:\n${again}`,
      ).toBe(true);
    }
  });

  it('with the caBundle read from a --cert-dir, the applied APIServices become Available behind the aggregator', async () => {
    // A serving certificate for the Service's DNS name, laid out as the Secret mounts it.
    const dir = await mkdtemp(join(tmpdir(), 'kubeloop-serving-cert-'));
    const cert = await generateServingCert(['127.0.0.1', 'kubeloop-metrics-api.kubeloop.svc']);
    await Promise.all([
      writeFile(join(dir, 'tls.crt'), cert.cert),
      writeFile(join(dir, 'tls.key'), cert.key),
      writeFile(join(dir, 'ca.crt'), cert.caCert),
    ]);
    const auth = JSON.parse(
      await k.ok(['get', 'configmap', 'extension-apiserver-authentication', '-n', 'kube-system', '-o', 'json']),
    ) as { data: Record<string, string> };
    server = await startMetricsApiServer({
      host: '127.0.0.1',
      port: 0,
      certDir: dir,
      requestHeader: requestHeaderConfigFromConfigMap(auth.data),
      podsMatching: staticPods([]),
    });
    // The Service's Endpoints point at the server by hand (port name "https", as the Service names it).
    await k.ok(['apply', '-f', '-'], {
      stdin: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: 'kubeloop-metrics-api', namespace: 'kubeloop' },
        subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: server.port }] }],
      }),
    });
    const apis = renderMetricsApiManifests({ caBundle: await readCaBundle(dir) }).filter(
      (o) => o.kind === 'APIService',
    );
    expect(await k.ok(['apply', '-f', '-'], { stdin: manifestsToYaml(apis) })).toMatch(
      /v1beta2\.custom\.metrics\.k8s\.io configured/,
    );
    await eventually(
      'the three APIServices Available',
      async () => {
        const list = JSON.parse((await k.run(['get', 'apiservices', '-o', 'json'])).stdout || '{"items":[]}') as {
          items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[];
        };
        const ours = list.items.filter((a) => /\.(custom|external)\.metrics\.k8s\.io$/.test(a.metadata.name));
        return ours.length === 3 &&
          ours.every((a) => a.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True'))
          ? true
          : undefined;
      },
      15_000,
      100,
    );
    for (const gv of [
      'custom.metrics.k8s.io/v1beta2',
      'custom.metrics.k8s.io/v1beta1',
      'external.metrics.k8s.io/v1beta1',
    ]) {
      expect(JSON.parse(await k.ok(['get', '--raw', `/apis/${gv}`]))).toMatchObject({
        kind: 'APIResourceList',
        groupVersion: gv,
      });
    }
  });
});
