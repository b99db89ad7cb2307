import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.ts';
import { Kubectl, KUBECTL_CLIENTS, waitFor } from '../support/kubectl.ts';

const deployment = (image: string, env = 'one'): string => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: kc
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: ${image}
        env:
        - {name: MODE, value: ${env}}
        ports:
        - containerPort: 8080
`;

// Every test runs with the machine's kubectl and with kubectl 1.20 (the real control plane's version), which
// validates manifests against /openapi/v2 and execs over SPDY; `old` marks what 1.20 does differently.
for (const client of KUBECTL_CLIENTS) {
  describe(`kubectl against the sim (${client.name})`, () => {
    let sim: SimCluster;
    let k: Kubectl;
    const old = client.name === 'kubectl 1.20';

    beforeAll(async () => {
      sim = await startSimCluster({ port: 0, scenario: 'empty' });
      k = await Kubectl.forKubeconfig(sim.kubeconfig(), await client.path());
      await k.ok(['create', 'namespace', 'kc']);
    }, 600_000);
    afterAll(async () => {
      await sim?.stop();
    });

    it('lists the served resources and versions', async () => {
      const resources = await k.ok(['api-resources']);
      for (const line of [
        /^pods\s+po\s+v1\s+true\s+Pod$/m,
        /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m,
        /^horizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true\s+HorizontalPodAutoscaler$/m,
        /^nodes\s+no\s+v1\s+false\s+Node$/m,
      ]) {
        expect(resources).toMatch(line);
      }
      const versions = await k.ok(['api-versions']);
      expect(versions.split('\n')).toEqual(
        expect.arrayContaining([
          'v1',
          'apps/v1',
          'batch/v1',
          'autoscaling/v1',
          'autoscaling/v2',
          'policy/v1',
          'discovery.k8s.io/v1',
        ]),
      );
    });

    it('creates from a file, applies twice and reports unchanged/configured', async () => {
      expect(await k.ok(['apply', '-f', '-'], { stdin: deployment('nginx:1.25') })).toMatch(
        /deployment.apps\/web created/,
      );
      expect(await k.ok(['apply', '-f', '-'], { stdin: deployment('nginx:1.25') })).toMatch(
        /deployment.apps\/web unchanged/,
      );
      expect(await k.ok(['apply', '-f', '-'], { stdin: deployment('nginx:1.26', 'two') })).toMatch(
        /deployment.apps\/web configured/,
      );
      const obj = JSON.parse(await k.ok(['get', 'deploy', 'web', '-n', 'kc', '-o', 'json'])) as {
        spec: { template: { spec: { containers: { image: string; env: { value: string }[] }[] } } };
      };
      expect(obj.spec.template.spec.containers[0]?.image).toBe('nginx:1.26');
      expect(obj.spec.template.spec.containers[0]?.env[0]?.value).toBe('two');
      const created = await k.ok(['create', '-f', '-'], {
        stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: kc}\ndata: {a: "1"}\n',
      });
      expect(created).toMatch(/configmap\/cfg created/);
    });

    it('gets with -o wide, -o json, -l, --field-selector and -A', async () => {
      for (const [name, tier] of [
        ['p1', 'front'],
        ['p2', 'back'],
      ] as const) {
        await k.ok(['run', name, '-n', 'kc', '--image=busybox:1.36', `--labels=tier=${tier}`, '--restart=Never']);
      }
      const table = await k.ok(['get', 'pods', '-n', 'kc']);
      expect(table.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
      expect(table).toMatch(/^p1\s+0\/1\s+Pending\s+0\s+\S+$/m);
      expect((await k.ok(['get', 'pods', '-n', 'kc', '-o', 'wide'])).split('\n')[0]).toMatch(
        /IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES/,
      );
      expect(await k.ok(['get', 'pods', '-n', 'kc', '-l', 'tier=back', '-o', 'name'])).toBe('pod/p2\n');
      expect(await k.ok(['get', 'pods', '-n', 'kc', '--field-selector', 'metadata.name=p1', '-o', 'name'])).toBe(
        'pod/p1\n',
      );
      const all = await k.ok(['get', 'pods', '-A']);
      expect(all.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+READY/);
      const json = JSON.parse(await k.ok(['get', 'pod', 'p1', '-n', 'kc', '-o', 'json'])) as {
        kind: string;
        metadata: { labels: Record<string, string> };
      };
      expect(json.kind).toBe('Pod');
      expect(json.metadata.labels['tier']).toBe('front');
    });

    it('watches with get -w and sees a change', async () => {
      const w = k.spawn(['get', 'configmaps', '-n', 'kc', '-w', '--output-watch-events']);
      try {
        await waitFor(() => w.output().includes('cfg'), 10_000, 'the initial listing');
        await k.ok(['create', '-f', '-'], {
          stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: watched, namespace: kc}\ndata: {a: b}\n',
        });
        await waitFor(() => /ADDED\s+watched/.test(w.output()), 10_000, 'the ADDED event for "watched"');
      } finally {
        w.stop();
      }
    });

    it('patches with all three types, labels, annotates and scales', async () => {
      await k.ok(['patch', 'configmap', 'cfg', '-n', 'kc', '--type=merge', '-p', '{"data":{"b":"2"}}']);
      await k.ok([
        'patch',
        'configmap',
        'cfg',
        '-n',
        'kc',
        '--type=json',
        '-p',
        '[{"op":"replace","path":"/data/a","value":"9"}]',
      ]);
      await k.ok([
        'patch',
        'deploy',
        'web',
        '-n',
        'kc',
        '-p',
        '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}',
      ]);
      const cm = JSON.parse(await k.ok(['get', 'cm', 'cfg', '-n', 'kc', '-o', 'json'])) as {
        data: Record<string, string>;
      };
      expect(cm.data).toEqual({ a: '9', b: '2' });
      const dep = JSON.parse(await k.ok(['get', 'deploy', 'web', '-n', 'kc', '-o', 'json'])) as {
        spec: { replicas: number; template: { spec: { containers: { image: string; env: unknown[] }[] } } };
      };
      expect(dep.spec.template.spec.containers[0]?.image).toBe('nginx:1.27');
      expect(dep.spec.template.spec.containers[0]?.env).toHaveLength(1);
      await k.ok(['label', 'cm', 'cfg', '-n', 'kc', 'team=sre']);
      await k.ok(['annotate', 'cm', 'cfg', '-n', 'kc', 'owner=ops']);
      expect(
        await k.ok([
          'get',
          'cm',
          'cfg',
          '-n',
          'kc',
          '-o',
          'jsonpath={.metadata.labels.team}/{.metadata.annotations.owner}',
        ]),
      ).toBe('sre/ops');
      expect(await k.ok(['scale', 'deploy', 'web', '-n', 'kc', '--replicas=4'])).toMatch(/scaled/);
      expect(await k.ok(['get', 'deploy', 'web', '-n', 'kc', '-o', 'jsonpath={.spec.replicas}'])).toBe('4');
      const stale = await k.run(['label', 'cm', 'cfg', '-n', 'kc', 'team=dev', '--overwrite', '--resource-version=1']);
      expect(stale.code).not.toBe(0);
      expect(stale.stderr).toMatch(/the object has been modified/);
    });

    it('reads logs with --tail, -p and -f', async () => {
      const pod = JSON.parse(await k.ok(['get', 'pod', 'p1', '-n', 'kc', '-o', 'json'])) as {
        metadata: { uid: string };
      };
      for (let i = 1; i <= 4; i++) sim.logs.append(pod.metadata.uid, 'p1', `hello ${i}`);
      expect(await k.ok(['logs', 'p1', '-n', 'kc', '--tail=2'])).toBe('hello 3\nhello 4\n');
      const noPrev = await k.run(['logs', 'p1', '-n', 'kc', '-p']);
      expect(noPrev.code).not.toBe(0);
      expect(noPrev.stderr).toMatch(/previous terminated container "p1" in pod "p1" not found/);
      sim.logs.startInstance(pod.metadata.uid, 'p1', 1);
      sim.logs.append(pod.metadata.uid, 'p1', 'second run');
      expect(await k.ok(['logs', 'p1', '-n', 'kc', '-p', '--tail=1'])).toBe('hello 4\n');
      const f = k.spawn(['logs', '-f', 'p1', '-n', 'kc']);
      try {
        await waitFor(() => f.output().includes('second run'), 10_000, 'the followed log');
        sim.logs.append(pod.metadata.uid, 'p1', 'live line');
        await waitFor(() => f.output().includes('live line'), 10_000, 'a live log line');
      } finally {
        f.stop();
      }
    });

    it('executes commands: stdout, stderr and the exit code', async () => {
      expect(await k.ok(['exec', 'p1', '-n', 'kc', '--', 'echo', 'hi there'])).toBe('hi there\n');
      const err = await k.run(['exec', 'p1', '-n', 'kc', '--', 'sh', '-c', 'echo bad >&2; exit 7']);
      expect(err.code).toBe(7);
      expect(err.stderr).toContain('bad');
      // As against a real kubelet on containerd: runc cannot start it, an InternalError, kubectl exits 1.
      const missing = await k.run(['exec', 'p1', '-n', 'kc', '--', 'nosuchcmd']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(
        /^error: Internal error occurred: .*exec: "nosuchcmd": executable file not found in \$PATH: unknown$/m,
      );
      expect(await k.ok(['exec', 'p1', '-n', 'kc', '--', 'cat', '/etc/hostname'])).toBe('p1\n');
      // Stdin travels to the command and its end closes it (kubectl 1.20: a SPDY stream's FIN; newer: the v5 close channel).
      expect(await k.ok(['exec', '-i', 'p1', '-n', 'kc', '--', 'cat'], { stdin: 'from stdin\n' })).toBe('from stdin\n');
    });

    it('describes a pod and a deployment', async () => {
      const pod = await k.ok(['describe', 'pod', 'p1', '-n', 'kc']);
      expect(pod).toMatch(/^Name:\s+p1$/m);
      expect(pod).toMatch(/^Namespace:\s+kc$/m);
      expect(pod).toMatch(/Image:\s+busybox:1.36/);
      const dep = await k.ok(['describe', 'deployment', 'web', '-n', 'kc']);
      expect(dep).toMatch(/^Name:\s+web$/m);
      expect(dep).toMatch(/Replicas:\s+4 desired/);
    });

    it('creates objects with kubectl create subcommands (typed clients send protobuf)', async () => {
      expect(
        await k.ok(['create', 'deployment', 'pb', '-n', 'kc', '--image=nginx:1.25', '--replicas=0', '--port=8080']),
      ).toMatch(/deployment.apps\/pb created/);
      const dep = JSON.parse(await k.ok(['get', 'deploy', 'pb', '-n', 'kc', '-o', 'json'])) as {
        spec: {
          replicas: number;
          paused?: boolean;
          template: { spec: { containers: { name: string; ports: { containerPort: number; hostPort?: number }[] }[] } };
        };
      };
      expect(dep.spec.replicas).toBe(0);
      expect(dep.spec.paused).toBeUndefined();
      expect(dep.spec.template.spec.containers[0]?.ports[0]).toEqual({ containerPort: 8080, protocol: 'TCP' });
      await k.ok(['create', 'configmap', 'lit', '-n', 'kc', '--from-literal=a=b']);
      await k.ok(['create', 'secret', 'generic', 'sec', '-n', 'kc', '--from-literal=p=q']);
      await k.ok(['create', 'service', 'clusterip', 'svc', '-n', 'kc', '--tcp=80:8080']);
      await k.ok(['create', 'job', 'once', '-n', 'kc', '--image=busybox', '--', 'echo', 'hi']);
      if (old) {
        // kubectl 1.20 writes CronJobs as batch/v1beta1, which servers from 1.25 on (like the 1.32 the sim reports) no longer serve.
        const cj = await k.run([
          'create',
          'cronjob',
          'every5',
          '-n',
          'kc',
          '--image=busybox',
          '--schedule=*/5 * * * *',
        ]);
        expect(cj.stderr.trim()).toBe(
          'error: failed to create cronjob: the server could not find the requested resource (post cronjobs.batch)',
        );
        await k.ok(['create', '-f', '-'], {
          stdin:
            'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: every5, namespace: kc}\nspec:\n  schedule: "*/5 * * * *"\n' +
            '  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers: [{name: every5, image: busybox}]\n',
        });
      } else {
        await k.ok(['create', 'cronjob', 'every5', '-n', 'kc', '--image=busybox', '--schedule=*/5 * * * *']);
      }
      expect(await k.ok(['get', 'cm', 'lit', '-n', 'kc', '-o', 'jsonpath={.data.a}'])).toBe('b');
      expect(await k.ok(['get', 'secret', 'sec', '-n', 'kc', '-o', 'jsonpath={.data.p}'])).toBe(
        Buffer.from('q').toString('base64'),
      );
      expect(await k.ok(['get', 'svc', 'svc', '-n', 'kc', '-o', 'jsonpath={.spec.ports[0].targetPort}'])).toBe('8080');
      expect(
        await k.ok(['get', 'job', 'once', '-n', 'kc', '-o', 'jsonpath={.spec.template.spec.containers[0].command}']),
      ).toBe('["echo","hi"]');
      expect(await k.ok(['get', 'cronjob', 'every5', '-n', 'kc', '-o', 'jsonpath={.spec.schedule}'])).toBe(
        '*/5 * * * *',
      );
    });

    it('shows events recorded through either API version: kubectl events, get events and get events.v1.events.k8s.io', async () => {
      await k.ok(['create', 'namespace', 'kev']);
      const now = new Date();
      const seconds = now.toISOString().replace(/\.\d+Z$/, 'Z');
      const micros = now.toISOString().replace(/Z$/, '000Z');
      await k.ok(['create', '-f', '-'], {
        stdin:
          `apiVersion: v1\nkind: Event\nmetadata: {name: pulled, namespace: kev}\n` +
          `involvedObject: {kind: Pod, namespace: kev, name: web-0, apiVersion: v1}\nreason: Pulled\nmessage: image already present\ntype: Normal\n` +
          `source: {component: kubelet, host: node-1}\nfirstTimestamp: "${seconds}"\nlastTimestamp: "${seconds}"\ncount: 3\n`,
      });
      await k.ok(['create', '-f', '-'], {
        stdin:
          `apiVersion: events.k8s.io/v1\nkind: Event\nmetadata: {name: drill, namespace: kev}\n` +
          `eventTime: "${micros}"\nreportingController: kubeloop.dev/drill\nreportingInstance: drill-1\naction: Evict\nreason: Drill\n` +
          `regarding: {kind: Deployment, namespace: kev, name: web, apiVersion: apps/v1}\nnote: evicted one pod\ntype: Warning\n`,
      });
      if (!old) {
        // `kubectl events` exists from kubectl 1.26 on.
        const listed = await k.ok(['events', '-n', 'kev']);
        expect(listed.split('\n')[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
        expect(listed).toMatch(/Normal\s+Pulled\s+Pod\/web-0\s+image already present/);
        expect(listed).toMatch(/Warning\s+Drill\s+Deployment\/web\s+evicted one pod/);
        expect(await k.ok(['events', '-n', 'kev', '--types=Warning'])).not.toMatch(/Pulled/);
      }
      const wide = await k.ok(['get', 'events', '-n', 'kev', '-o', 'wide']);
      expect(wide).toMatch(/Pulled\s+pod\/web-0\s+kubelet, node-1\s+image already present\s+\S+\s+3\s+pulled/);
      expect(wide).toMatch(
        /Drill\s+deployment\/web\s+kubeloop.dev\/drill, drill-1\s+evicted one pod\s+\S+\s+1\s+drill/,
      );
      const viaEvents = await k.ok(['get', 'events.v1.events.k8s.io', '-n', 'kev']);
      expect(viaEvents.split('\n')[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
      expect(viaEvents).toMatch(/Normal\s+Pulled\s+pod\/web-0\s+image already present/);
      expect(viaEvents).toMatch(/Warning\s+Drill\s+deployment\/web\s+evicted one pod/);
      expect(
        await k.ok([
          'get',
          'events.v1.events.k8s.io',
          'pulled',
          '-n',
          'kev',
          '-o',
          'jsonpath={.note}/{.deprecatedCount}/{.regarding.name}',
        ]),
      ).toBe('image already present/3/web-0');
      expect(
        await k.ok([
          'get',
          'events',
          'drill',
          '-n',
          'kev',
          '-o',
          'jsonpath={.message}/{.reportingComponent}/{.involvedObject.kind}',
        ]),
      ).toBe('evicted one pod/kubeloop.dev/drill/Deployment');
      expect(await k.ok(['delete', 'events.v1.events.k8s.io', 'pulled', '-n', 'kev'])).toMatch(
        /event.events.k8s.io "pulled" deleted/,
      );
      expect((await k.run(['get', 'events', 'pulled', '-n', 'kev'])).stderr).toMatch(/events "pulled" not found/);
    });

    it('autoscales a deployment through autoscaling/v1 and reads the HPA through either version', async () => {
      // kubectl autoscale writes autoscaling/v1 (protobuf); the sim stores it as autoscaling/v2.
      expect(
        await k.ok(['autoscale', 'deployment', 'web', '-n', 'kc', '--cpu-percent=50', '--min=1', '--max=5']),
      ).toMatch(/horizontalpodautoscaler.autoscaling\/web autoscaled/);
      const table = await k.ok(['get', 'hpa', 'web', '-n', 'kc']);
      expect(table.split('\n')[0]).toMatch(/^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$/);
      expect(table).toMatch(/^web\s+Deployment\/web\s+cpu: \S+\/50%\s+1\s+5\s+\d+\s+\S+$/m);
      type Hpa = { apiVersion: string; spec: Record<string, unknown> };
      const v1 = JSON.parse(
        await k.ok(['get', 'horizontalpodautoscalers.v1.autoscaling', 'web', '-n', 'kc', '-o', 'json']),
      ) as Hpa;
      expect(v1.apiVersion).toBe('autoscaling/v1');
      expect(v1.spec).toEqual({
        scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' },
        minReplicas: 1,
        maxReplicas: 5,
        targetCPUUtilizationPercentage: 50,
      });
      // kubectl drops the version of a short name and asks for the preferred version (autoscaling/v2 here), as it
      // does against a real cluster: hpa.v1.autoscaling reads v2, the full resource name reads v1.
      // kubectl 1.20 keeps the version of a short name and reads v1.
      const short = JSON.parse(await k.ok(['get', 'hpa.v1.autoscaling', 'web', '-n', 'kc', '-o', 'json'])) as Hpa;
      if (old) {
        expect(short).toEqual(v1);
      } else {
        expect(short.apiVersion).toBe('autoscaling/v2');
        expect(short.spec['metrics']).toEqual([
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
        ]);
      }
      await k.ok([
        'patch',
        'horizontalpodautoscalers.v1.autoscaling',
        'web',
        '-n',
        'kc',
        '--type=merge',
        '-p',
        '{"spec":{"targetCPUUtilizationPercentage":60}}',
      ]);
      expect(
        await k.ok([
          'get',
          'hpa',
          'web',
          '-n',
          'kc',
          '-o',
          'jsonpath={.spec.metrics[0].resource.target.averageUtilization}',
        ]),
      ).toBe('60');
      expect(await k.ok(['delete', 'horizontalpodautoscalers.v1.autoscaling', 'web', '-n', 'kc'])).toMatch(
        /horizontalpodautoscaler.autoscaling "web" deleted/,
      );
    });

    // Clients up to 1.26 validate manifests and explain fields from /openapi/v2. (Newer ones read /openapi/v3,
    // whose documents the sim serves without schemas, and leave unknown fields to the server.)
    // Registered for the old client only (not skipped for the new one: it does not apply there).
    if (old)
      it('validates manifests against /openapi/v2 and explains fields from it', async () => {
        const typo = await k.run(['apply', '-f', '-'], {
          stdin: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: typo, namespace: kc}\nspec: {replicaz: 1}\n',
        });
        expect(typo.code).not.toBe(0);
        expect(typo.stderr).toMatch(
          /ValidationError\(Deployment\.spec\): unknown field "replicaz" in io\.k8s\.api\.apps\.v1\.DeploymentSpec/,
        );
        expect(await k.ok(['explain', 'deployment.spec.replicas'])).toMatch(/FIELD:\s+replicas <integer>/);
      });

    it('deletes and waits', async () => {
      expect(await k.ok(['delete', 'pod', 'p2', '-n', 'kc', '--wait=true'])).toMatch(/pod "p2" deleted/);
      const gone = await k.run(['get', 'pod', 'p2', '-n', 'kc']);
      expect(gone.code).not.toBe(0);
      expect(gone.stderr).toMatch(/pods "p2" not found/);
      expect(await k.ok(['delete', 'namespace', 'kc', '--wait=true'], {})).toMatch(/namespace "kc" deleted/);
    });

    it('reports bad input the way kubectl users expect', async () => {
      const invalid = await k.run(['create', '-f', '-'], {
        stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name, namespace: default}\n',
      });
      expect(invalid.code).not.toBe(0);
      expect(invalid.stderr).toMatch(/is invalid/);
      const unknown = await k.run(['get', 'widgets']);
      expect(unknown.code).not.toBe(0);
      expect(unknown.stderr).toMatch(/the server doesn't have a resource type "widgets"/);
    });
  });
}
