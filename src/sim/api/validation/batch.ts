import type { FieldError } from '../../../kube/apimachinery/errors.ts';
import type { KubeObject } from '../registry.ts';
import { matchesLabels } from '../selectors.ts';
import { invalid, nonNegative, notSupported, obj, optNum, required, semanticEqual, str, type Obj } from './field.ts';
import { goLabelSelector, goStringMap } from './go-format.ts';
import { goPodTemplateSpec } from './go-podspec.ts';
import { nameIsDNSSubdomain } from '../../../kube/apimachinery/names.ts';
import { orNull, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.ts';
import { validatePodTemplateSpec } from './pod.ts';
import { isNilSelector, selectorImmutable, selectorOf, templateMismatch, validateLabelSelector } from './selector.ts';

/** pkg/apis/batch/validation (1.20): Jobs, and CronJobs with their v1beta1 rules. */

const META = { requiresNamespace: true, nameFn: nameIsDNSSubdomain, kubeFinalizers: true };

/** validateJobSpec: counts, the template, and a restart policy a Job can use. */
function validateJobSpecBody(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of [
    'parallelism',
    'completions',
    'activeDeadlineSeconds',
    'backoffLimit',
    'ttlSecondsAfterFinished',
  ]) {
    const v = optNum(spec[key]);
    if (v !== undefined) errs.push(...nonNegative(v, `${path}.${key}`));
  }
  errs.push(...validatePodTemplateSpec(spec['template'], `${path}.template`));
  // Defaulting turns an unset restartPolicy into Always, which a Job may not use.
  const rp = str(obj(obj(spec['template'])['spec'])['restartPolicy']);
  if (rp === 'Always' || rp === '')
    errs.push(required(`${path}.template.spec.restartPolicy`, 'valid values: "OnFailure", "Never"'));
  else if (rp !== 'OnFailure' && rp !== 'Never')
    errs.push(notSupported(`${path}.template.spec.restartPolicy`, rp, ['OnFailure', 'Never']));
  return errs;
}

/** ValidateJobSpec: the body plus a required selector that matches the template. */
function validateJobSpec(spec: Obj): FieldError[] {
  const errs = validateJobSpecBody(spec, 'spec');
  if (isNilSelector(spec['selector'])) errs.push(required('spec.selector'));
  else errs.push(...validateLabelSelector(spec['selector'], 'spec.selector'));
  const selector = selectorOf(spec['selector']);
  if (selector) errs.push(...templateMismatch(selector, spec['template'], 'spec.template'));
  return errs;
}

/** ValidateHasLabel on the template metadata: Required when missing, Invalid (showing all labels) when wrong. */
function hasLabel(labels: Obj, key: string, expected: string): FieldError[] {
  const path = `spec.template.metadata.labels[${key}]`;
  if (!Object.hasOwn(labels, key)) return [required(path, `must be '${expected}'`)];
  return str(labels[key]) !== expected ? [invalid(path, goStringMap(labels), `must be '${expected}'`)] : [];
}

/** ValidateGeneratedSelector: without manualSelector, the selector and labels must be the generated ones. */
function validateGeneratedSelector(job: KubeObject): FieldError[] {
  const spec = obj(job.spec);
  if (spec['manualSelector'] === true || isNilSelector(spec['selector'])) return [];
  const uid = str(job.metadata.uid);
  const name = str(job.metadata.name);
  const errs: FieldError[] = uid === '' ? [required('metadata.uid')] : [];
  const labels = obj(obj(obj(spec['template'])['metadata'])['labels']);
  errs.push(...hasLabel(labels, 'controller-uid', uid), ...hasLabel(labels, 'job-name', name));
  const selector = selectorOf(spec['selector']);
  if (selector && !matchesLabels(selector, { 'controller-uid': uid, 'job-name': name })) {
    errs.push(invalid('spec.selector', goLabelSelector(spec['selector']), '`selector` not auto-generated'));
  }
  return errs;
}

export function validateJob(job: KubeObject): FieldError[] {
  return [
    ...validateObjectMeta(job.metadata, META),
    ...validateGeneratedSelector(job),
    ...validateJobSpec(obj(job.spec)),
  ];
}

/** The Job strategy's ValidateUpdate: ValidateJob, then ValidateJobUpdate (so spec causes repeat). */
export function validateJobUpdate(next: KubeObject, old: KubeObject): FieldError[] {
  const spec = obj(next.spec);
  const oldSpec = obj(old.spec);
  const errs = [
    ...validateJob(next),
    ...validateObjectMetaUpdate(next.metadata, old.metadata, true),
    ...validateJobSpec(spec),
  ];
  if (optNum(spec['completions']) !== optNum(oldSpec['completions']))
    errs.push(invalid('spec.completions', orNull(optNum(spec['completions'])), 'field is immutable'));
  errs.push(...selectorImmutable(spec['selector'], oldSpec['selector']));
  if (!semanticEqual(spec['template'], oldSpec['template']))
    errs.push(invalid('spec.template', goPodTemplateSpec(spec['template']), 'field is immutable'));
  return errs;
}

function validateCronJobSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  // The schedule's cron syntax (robfig/cron's parser and its messages) is not checked.
  if (str(spec['schedule']) === '') errs.push(required('spec.schedule'));
  const deadline = optNum(spec['startingDeadlineSeconds']);
  if (deadline !== undefined) errs.push(...nonNegative(deadline, 'spec.startingDeadlineSeconds'));
  const policy = str(spec['concurrencyPolicy']);
  if (policy !== '' && !['Allow', 'Forbid', 'Replace'].includes(policy))
    errs.push(notSupported('spec.concurrencyPolicy', policy, ['Allow', 'Forbid', 'Replace']));
  const jobSpec = obj(obj(spec['jobTemplate'])['spec']);
  errs.push(...validateJobSpecBody(jobSpec, 'spec.jobTemplate.spec'));
  if (!isNilSelector(jobSpec['selector']))
    errs.push(
      invalid(
        'spec.jobTemplate.spec.selector',
        goLabelSelector(jobSpec['selector']),
        '`selector` will be auto-generated',
      ),
    );
  if (jobSpec['manualSelector'] === true)
    errs.push(notSupported('spec.jobTemplate.spec.manualSelector', true, ['nil', 'false']));
  for (const key of ['successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) {
    const v = optNum(spec[key]);
    if (v !== undefined) errs.push(...nonNegative(v, `spec.${key}`));
  }
  return errs;
}

export function validateCronJob(cj: KubeObject): FieldError[] {
  const errs = [...validateObjectMeta(cj.metadata, META), ...validateCronJobSpec(obj(cj.spec))];
  // The controller appends an 11-character suffix to name Jobs, which are limited to 63.
  const name = str(cj.metadata.name);
  if (name.length > 52) errs.push(invalid('metadata.name', name, 'must be no more than 52 characters'));
  return errs;
}

export function validateCronJobUpdate(next: KubeObject, old: KubeObject): FieldError[] {
  return [...validateObjectMetaUpdate(next.metadata, old.metadata, true), ...validateCronJobSpec(obj(next.spec))];
}
