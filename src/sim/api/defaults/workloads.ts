import type { KubeObject } from '../registry.ts';
import { isPlainObject } from '../../../util/deep-equal.ts';
import { defaultPodTemplateSpec } from './pod.ts';

type Obj = Record<string, unknown>;

function setDefault(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

/** apps/v1 and batch/v1 defaults (SetDefaults_Deployment, _StatefulSet, _DaemonSet, _Job, _CronJob). */
export function defaultWorkload(kind: string, obj: KubeObject): void {
  if (!isPlainObject(obj.spec)) return;
  const spec = obj.spec;
  switch (kind) {
    case 'Deployment':
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'strategy', { type: 'RollingUpdate' });
      if (isPlainObject(spec['strategy']) && (spec['strategy']['type'] ?? 'RollingUpdate') === 'RollingUpdate') {
        const strategy = spec['strategy'];
        setDefault(strategy, 'type', 'RollingUpdate');
        setDefault(strategy, 'rollingUpdate', {});
        if (isPlainObject(strategy['rollingUpdate'])) {
          setDefault(strategy['rollingUpdate'], 'maxUnavailable', '25%');
          setDefault(strategy['rollingUpdate'], 'maxSurge', '25%');
        }
      }
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'progressDeadlineSeconds', 600);
      defaultPodTemplateSpec(spec['template']);
      break;
    case 'ReplicaSet':
      setDefault(spec, 'replicas', 1);
      defaultPodTemplateSpec(spec['template']);
      break;
    case 'StatefulSet':
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'podManagementPolicy', 'OrderedReady');
      setDefault(spec, 'updateStrategy', { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
      setDefault(spec, 'revisionHistoryLimit', 10);
      defaultPodTemplateSpec(spec['template']);
      break;
    case 'DaemonSet':
      setDefault(spec, 'updateStrategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } });
      setDefault(spec, 'revisionHistoryLimit', 10);
      defaultPodTemplateSpec(spec['template']);
      break;
    case 'Job':
      defaultJobSpec(spec);
      break;
    case 'CronJob':
      setDefault(spec, 'concurrencyPolicy', 'Allow');
      setDefault(spec, 'suspend', false);
      setDefault(spec, 'successfulJobsHistoryLimit', 3);
      setDefault(spec, 'failedJobsHistoryLimit', 1);
      if (isPlainObject(spec['jobTemplate']) && isPlainObject(spec['jobTemplate']['spec'])) {
        defaultPodTemplateSpec(spec['jobTemplate']['spec']['template']);
      }
      break;
    default:
      break;
  }
}

export function defaultJobSpec(spec: Obj): void {
  if (spec['completions'] === undefined && spec['parallelism'] === undefined) {
    spec['completions'] = 1;
    spec['parallelism'] = 1;
  }
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'backoffLimit', 6);
  defaultPodTemplateSpec(spec['template']);
}
