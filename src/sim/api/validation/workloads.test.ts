import { describe, expect, it } from 'vitest';
import { formatFieldError, invalid, type FieldError } from '../../../kube/apimachinery/errors.ts';
import { ResourceRegistry, type KubeObject, type ResourceDef } from '../registry.ts';
import { validateCreate, validateUpdate } from './index.ts';

/** Pods and workload kinds, with the messages of kube-apiserver 1.20. */

const registry = new ResourceRegistry();
function defOf(group: string, version: string, resource: string): ResourceDef {
  const d = registry.find(group, version, resource);
  if (!d) throw new Error(`no ${resource}`);
  return d;
}
const lines = (errs: FieldError[]): string[] => errs.map(formatFieldError);
const LABEL_RULE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

const pods = defOf('', 'v1', 'pods');
const deployments = defOf('apps', 'v1', 'deployments');
const replicasets = defOf('apps', 'v1', 'replicasets');
const statefulsets = defOf('apps', 'v1', 'statefulsets');
const daemonsets = defOf('apps', 'v1', 'daemonsets');
const jobs = defOf('batch', 'v1', 'jobs');
const cronjobs = defOf('batch', 'v1', 'cronjobs');

const metadata = (name: string): KubeObject['metadata'] => ({ name, namespace: 'ns', uid: 'uid-1' });
const container = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'c',
  image: 'nginx',
  ...extra,
});
const pod = (spec: Record<string, unknown>): KubeObject => ({
  metadata: metadata('p'),
  spec: { restartPolicy: 'Always', containers: [container()], ...spec },
});
const POD_FORBIDDEN =
  'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds` or `spec.tolerations` (only additions to existing tolerations)';

describe('Pod', () => {
  it('accepts a minimal pod', () => {
    expect(validateCreate(pods, pod({}))).toEqual([]);
  });

  it('requires containers and images', () => {
    expect(lines(validateCreate(pods, pod({ containers: [] })))).toEqual(['spec.containers: Required value']);
    expect(lines(validateCreate(pods, pod({ containers: [{ name: 'c' }] })))).toEqual([
      'spec.containers[0].image: Required value',
    ]);
    expect(lines(validateCreate(pods, { metadata: metadata('p') }))).toEqual(['spec.containers: Required value']);
  });

  it('checks container names: required, DNS-1123 label, unique across init containers', () => {
    const spec = {
      containers: [container({ name: 'Web_1' }), container({ name: '' }), container()],
      initContainers: [container(), container({ name: 'i', image: '' })],
    };
    expect(lines(validateCreate(pods, pod(spec)))).toEqual([
      `spec.containers[0].name: Invalid value: "Web_1": ${LABEL_RULE}`,
      'spec.containers[1].name: Required value',
      'spec.initContainers[1].image: Required value',
      'spec.initContainers[0].name: Duplicate value: "c"',
    ]);
    expect(lines(validateCreate(pods, pod({ containers: [container(), container()] })))).toEqual([
      'spec.containers[1].name: Duplicate value: "c"',
    ]);
  });

  it('checks restart and DNS policies, ports and env names', () => {
    expect(lines(validateCreate(pods, pod({ restartPolicy: 'Sometimes', dnsPolicy: 'Google' })))).toEqual([
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      'spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
    ]);
    const ports = [
      { containerPort: 70000, protocol: 'TCP' },
      { name: 'http', protocol: 'TCP' },
      { name: 'http', containerPort: 80, protocol: 'HTTP' },
    ];
    expect(
      lines(validateCreate(pods, pod({ containers: [container({ ports, env: [{ name: '1X' }, { value: 'v' }] })] }))),
    ).toEqual([
      'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[1].containerPort: Required value',
      'spec.containers[0].ports[2].name: Duplicate value: "http"',
      'spec.containers[0].ports[2].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      "spec.containers[0].env[0].name: Invalid value: \"1X\": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
      'spec.containers[0].env[1].name: Required value',
    ]);
  });

  it('checks volumes and image whitespace', () => {
    expect(
      lines(
        validateCreate(pods, pod({ volumes: [{ name: 'v' }, { name: 'w', emptyDir: {}, configMap: { name: 'x' } }] })),
      ),
    ).toEqual([
      'spec.volumes[0]: Required value: must specify a volume type',
      'spec.volumes[1].configMap: Forbidden: may not specify more than 1 volume type',
    ]);
    expect(lines(validateCreate(pods, pod({ containers: [container({ image: ' nginx' })] })))).toEqual([
      'spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace',
    ]);
  });

  it('lets updates change images, lower activeDeadlineSeconds and add tolerations', () => {
    const old = pod({ activeDeadlineSeconds: 100, tolerations: [{ key: 'a', operator: 'Exists' }] });
    const next = pod({
      containers: [container({ image: 'nginx:2' })],
      activeDeadlineSeconds: 50,
      tolerations: [
        { key: 'a', operator: 'Exists' },
        { key: 'b', operator: 'Exists' },
      ],
    });
    expect(validateUpdate(pods, next, old)).toEqual([]);
  });

  it('forbids other spec changes with 1.20 wording', () => {
    const old = pod({});
    expect(lines(validateUpdate(pods, pod({ restartPolicy: 'Never' }), old))).toEqual([POD_FORBIDDEN]);
    expect(lines(validateUpdate(pods, pod({ nodeName: 'n1' }), old))).toEqual([POD_FORBIDDEN]);
    expect(lines(validateUpdate(pods, pod({ containers: [container(), container({ name: 'd' })] }), old))).toEqual([
      'spec.containers: Forbidden: pod updates may not add or remove containers',
    ]);
    expect(lines(validateUpdate(pods, pod({ activeDeadlineSeconds: 10 }), pod({ activeDeadlineSeconds: 5 })))).toEqual([
      'spec.activeDeadlineSeconds: Invalid value: 10: must be less than or equal to previous value',
    ]);
    expect(lines(validateUpdate(pods, pod({}), pod({ activeDeadlineSeconds: 5 })))).toEqual([
      'spec.activeDeadlineSeconds: Invalid value: "null": must not update from a positive integer to nil value',
    ]);
    expect(
      lines(validateUpdate(pods, pod({ tolerations: [] }), pod({ tolerations: [{ key: 'a', operator: 'Exists' }] }))),
    ).toEqual(['spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds']);
  });

  it('treats nil and empty lists alike when comparing specs', () => {
    expect(validateUpdate(pods, pod({ volumes: [] }), pod({}))).toEqual([]);
  });
});

const labelsOf = (app: string): Record<string, unknown> => ({
  metadata: { labels: { app } },
  spec: { restartPolicy: 'Always', containers: [container()] },
});
const deployment = (spec: Record<string, unknown>): KubeObject => ({
  metadata: metadata('d'),
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'x' } },
    template: labelsOf('x'),
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
    ...spec,
  },
});
const MISMATCH =
  'spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`';

describe('Deployment and ReplicaSet', () => {
  it('accepts a minimal deployment', () => {
    expect(validateCreate(deployments, deployment({}))).toEqual([]);
  });

  it('requires a selector that matches the template labels', () => {
    const errs = validateCreate(deployments, deployment({ selector: undefined }));
    expect(invalid(deployments, 'd', errs).message).toBe(
      `Deployment.apps "d" is invalid: [spec.selector: Required value, ${MISMATCH}]`,
    );
    expect(lines(validateCreate(deployments, deployment({ selector: { matchLabels: { app: 'y' } } })))).toEqual([
      MISMATCH,
    ]);
    expect(lines(validateCreate(deployments, deployment({ selector: {} })))).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
    ]);
    expect(
      lines(
        validateCreate(deployments, deployment({ selector: { matchExpressions: [{ key: 'app', operator: 'In' }] } })),
      ),
    ).toEqual([
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"In", Values:[]string(nil)}}}: invalid label selector',
    ]);
  });

  it('checks replicas, the template pod spec and its restart policy', () => {
    expect(lines(validateCreate(deployments, deployment({ replicas: -1 })))).toEqual([
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    ]);
    const template = {
      metadata: { labels: { app: 'x', 'bad key': 'v' } },
      spec: { restartPolicy: 'Never', activeDeadlineSeconds: 5, containers: [] },
    };
    expect(lines(validateCreate(deployments, deployment({ template })))).toEqual([
      expect.stringMatching(/^spec\.template\.labels: Invalid value: "bad key": name part must consist/),
      'spec.template.spec.containers: Required value',
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
      'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported',
    ]);
  });

  it('checks the strategy', () => {
    expect(
      lines(validateCreate(deployments, deployment({ strategy: { type: 'Recreate', rollingUpdate: {} } }))),
    ).toEqual(["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]);
    expect(lines(validateCreate(deployments, deployment({ strategy: { type: 'Canary' } })))).toEqual([
      'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"Canary", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"',
    ]);
    expect(
      lines(
        validateCreate(
          deployments,
          deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '150%' } } }),
        ),
      ),
    ).toEqual([]);
    expect(
      lines(
        validateCreate(
          deployments,
          deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '0%', maxSurge: 0 } } }),
        ),
      ),
    ).toEqual([
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"0%"}: may not be 0 when `maxSurge` is 0',
    ]);
    expect(
      lines(
        validateCreate(
          deployments,
          deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 'half', maxSurge: 1 } } }),
        ),
      ),
    ).toEqual([
      "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"half\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
    ]);
    expect(lines(validateCreate(deployments, deployment({ progressDeadlineSeconds: 5, minReadySeconds: 10 })))).toEqual(
      ['spec.progressDeadlineSeconds: Invalid value: 5: must be greater than minReadySeconds'],
    );
  });

  it('keeps the apps/v1 selector immutable', () => {
    const next = deployment({
      selector: { matchLabels: { app: 'x', tier: 'y' } },
      template: { ...labelsOf('x'), metadata: { labels: { app: 'x', tier: 'y' } } },
    });
    expect(lines(validateUpdate(deployments, next, deployment({})))).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"x", "tier":"y"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
    expect(validateUpdate(deployments, deployment({ replicas: 3 }), deployment({}))).toEqual([]);
    const rs = (sel: unknown): KubeObject => ({
      metadata: metadata('r'),
      spec: { replicas: 1, selector: sel, template: labelsOf('x') },
    });
    expect(
      lines(
        validateUpdate(
          replicasets,
          rs({ matchLabels: { app: 'x' }, matchExpressions: [{ key: 'app', operator: 'Exists' }] }),
          rs({ matchLabels: { app: 'x' } }),
        ),
      ),
    ).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"Exists", Values:[]string(nil)}}}: field is immutable',
    ]);
  });
});

describe('StatefulSet and DaemonSet', () => {
  const sts = (spec: Record<string, unknown>): KubeObject => ({
    metadata: metadata('s'),
    spec: {
      replicas: 1,
      serviceName: 'svc',
      podManagementPolicy: 'OrderedReady',
      selector: { matchLabels: { app: 'x' } },
      template: labelsOf('x'),
      updateStrategy: { type: 'RollingUpdate' },
      ...spec,
    },
  });
  it('forbids spec changes other than replicas, template and updateStrategy', () => {
    expect(validateUpdate(statefulsets, sts({ replicas: 3, updateStrategy: { type: 'OnDelete' } }), sts({}))).toEqual(
      [],
    );
    expect(lines(validateUpdate(statefulsets, sts({ serviceName: 'other' }), sts({})))).toEqual([
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'template', and 'updateStrategy' are forbidden",
    ]);
    expect(lines(validateCreate(statefulsets, sts({ podManagementPolicy: 'Random', selector: undefined })))).toEqual([
      "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'",
      'spec.selector: Required value',
      MISMATCH,
    ]);
  });

  it('reports only the mismatch for a daemonset without a selector', () => {
    const ds: KubeObject = {
      metadata: metadata('ds'),
      spec: {
        template: labelsOf('x'),
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } },
      },
    };
    expect(lines(validateCreate(daemonsets, ds))).toEqual([
      MISMATCH,
      'spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: cannot be 0',
    ]);
  });
});

describe('Job and CronJob', () => {
  const jobTemplate = (restartPolicy: string): Record<string, unknown> => ({
    metadata: { labels: { 'controller-uid': 'uid-1', 'job-name': 'j' } },
    spec: { restartPolicy, containers: [container()] },
  });
  const job = (spec: Record<string, unknown>): KubeObject => ({
    metadata: metadata('j'),
    spec: {
      parallelism: 1,
      completions: 1,
      backoffLimit: 6,
      selector: { matchLabels: { 'controller-uid': 'uid-1' } },
      template: jobTemplate('Never'),
      ...spec,
    },
  });

  it('accepts a generated selector and demands OnFailure or Never', () => {
    expect(validateCreate(jobs, job({}))).toEqual([]);
    expect(lines(validateCreate(jobs, job({ template: jobTemplate('Always') })))).toEqual([
      'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    ]);
    expect(lines(validateCreate(jobs, job({ backoffLimit: -1 })))).toEqual([
      'spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });

  it('checks a selector that is not the generated one', () => {
    // As the Job strategy leaves a user's selector: controller-uid added, labels added to the template.
    const labels = { app: 'a', 'controller-uid': 'uid-1', 'job-name': 'j' };
    const template = { metadata: { labels }, spec: { restartPolicy: 'Never', containers: [container()] } };
    expect(
      lines(
        validateCreate(jobs, job({ selector: { matchLabels: { app: 'a', 'controller-uid': 'uid-1' } }, template })),
      ),
    ).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"a", "controller-uid":"uid-1"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not auto-generated',
    ]);
    // A controller-uid label the user set is kept by the strategy, and then refused.
    const wrong = {
      metadata: { labels: { 'controller-uid': 'other', 'job-name': 'j' } },
      spec: { restartPolicy: 'Never', containers: [container()] },
    };
    expect(lines(validateCreate(jobs, job({ template: wrong })))).toEqual([
      'spec.template.metadata.labels[controller-uid]: Invalid value: map[string]string{"controller-uid":"other", "job-name":"j"}: must be \'uid-1\'',
      'spec.template.metadata.labels: Invalid value: map[string]string{"controller-uid":"other", "job-name":"j"}: `selector` does not match template `labels`',
    ]);
    expect(
      validateCreate(
        jobs,
        job({
          manualSelector: true,
          selector: { matchLabels: { app: 'a' } },
          template: { ...template, metadata: { labels: { app: 'a' } } },
        }),
      ),
    ).toEqual([]);
  });

  it('keeps completions, selector and template immutable', () => {
    expect(lines(validateUpdate(jobs, job({ completions: 3 }), job({})))).toEqual([
      'spec.completions: Invalid value: 3: field is immutable',
    ]);
    const errs = lines(validateUpdate(jobs, job({ template: jobTemplate('OnFailure') }), job({})));
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(
      /^spec\.template: Invalid value: core\.PodTemplateSpec\{ObjectMeta:v1\.ObjectMeta\{Name:"", .*Labels:map\[string\]string\{"controller-uid":"uid-1", "job-name":"j"\}.*: field is immutable$/,
    );
  });

  it('checks cronjob schedules, names and job templates', () => {
    const cj = (name: string, spec: Record<string, unknown>): KubeObject => ({
      metadata: metadata(name),
      spec: { concurrencyPolicy: 'Allow', jobTemplate: { spec: { template: jobTemplate('OnFailure') } }, ...spec },
    });
    expect(validateCreate(cronjobs, cj('c', { schedule: '*/1 * * * *' }))).toEqual([]);
    expect(lines(validateCreate(cronjobs, cj('x'.repeat(53), { concurrencyPolicy: 'Sometimes' })))).toEqual([
      'spec.schedule: Required value',
      'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
      `metadata.name: Invalid value: "${'x'.repeat(53)}": must be no more than 52 characters`,
    ]);
    expect(
      lines(
        validateCreate(
          cronjobs,
          cj('c', { schedule: '@hourly', jobTemplate: { spec: { template: jobTemplate('Always') } } }),
        ),
      ),
    ).toEqual([
      'spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    ]);
  });
});
