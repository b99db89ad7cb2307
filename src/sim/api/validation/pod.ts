import type { FieldError } from '../../../kube/apimachinery/errors.ts';
import type { KubeObject } from '../registry.ts';
import {
  arr,
  duplicate,
  eachInvalid,
  forbidden,
  invalid,
  notSupported,
  obj,
  optNum,
  required,
  semanticEqual,
  str,
  type Obj,
} from './field.ts';
import {
  inclusiveRangeError,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isValidPortName,
  isValidPortNum,
  nameIsDNSSubdomain,
} from '../../../kube/apimachinery/names.ts';
import { goPointer, GoValue } from './go-format.ts';
import {
  orNull,
  validateAnnotations,
  validateLabels,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from './object-meta.ts';

/**
 * Pod and pod template validation of pkg/apis/core/validation (1.20), for what clients get wrong.
 * Fields the apiserver defaults (restartPolicy, dnsPolicy, protocols, ...) are only checked when
 * set: absent, they would have been defaulted.
 */

const MAX_INT32 = 2147483647;
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const VOLUME_SOURCES = [
  'emptyDir',
  'hostPath',
  'gitRepo',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'flocker',
  'persistentVolumeClaim',
  'rbd',
  'cinder',
  'cephfs',
  'quobyte',
  'downwardAPI',
  'fc',
  'flexVolume',
  'configMap',
  'azureFile',
  'vsphereVolume',
  'photonPersistentDisk',
  'portworxVolume',
  'azureDisk',
  'storageos',
  'projected',
  'scaleIO',
  'csi',
  'ephemeral',
];
const present = (v: unknown): boolean => v !== undefined && v !== null;

function validateVolumes(volumes: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr(volumes).forEach((item, i) => {
    const vol = obj(item);
    const name = str(vol['name']);
    const el: FieldError[] = [];
    const sources = VOLUME_SOURCES.filter((s) => present(vol[s]));
    sources
      .slice(1)
      .forEach((s) => el.push(forbidden(`${path}[${i}].${s}`, 'may not specify more than 1 volume type')));
    if (sources.length === 0) el.push(required(`${path}[${i}]`, 'must specify a volume type'));
    if (name === '') el.push(required(`${path}[${i}].name`));
    else el.push(...eachInvalid(`${path}[${i}].name`, name, isDNS1123Label(name)));
    if (names.has(name)) el.push(duplicate(`${path}[${i}].name`, name));
    if (el.length === 0) names.add(name);
    errs.push(...el);
  });
  return errs;
}

function validateContainerPorts(ports: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr(ports).forEach((item, i) => {
    const p = obj(item);
    const f = `${path}[${i}]`;
    const name = str(p['name']);
    if (name !== '') {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) errs.push(...eachInvalid(`${f}.name`, name, msgs));
      else if (names.has(name)) errs.push(duplicate(`${f}.name`, name));
      else names.add(name);
    }
    const port = optNum(p['containerPort']) ?? 0;
    if (port === 0) errs.push(required(`${f}.containerPort`));
    else errs.push(...eachInvalid(`${f}.containerPort`, port, isValidPortNum(port)));
    const hostPort = optNum(p['hostPort']) ?? 0;
    if (hostPort !== 0) errs.push(...eachInvalid(`${f}.hostPort`, hostPort, isValidPortNum(hostPort)));
    const protocol = str(p['protocol']);
    if (protocol !== '' && !PROTOCOLS.includes(protocol)) errs.push(notSupported(`${f}.protocol`, protocol, PROTOCOLS));
  });
  return errs;
}

function validateEnv(env: unknown, path: string): FieldError[] {
  return arr(env).flatMap((item, i) => {
    const name = str(obj(item)['name']);
    return name === '' ? [required(`${path}[${i}].name`)] : eachInvalid(`${path}[${i}].name`, name, isEnvVarName(name));
  });
}

/** AccumulateUniqueHostPorts: a protocol/hostIP/hostPort triple may be used once. */
function hostPortConflicts(containers: unknown[], path: string): FieldError[] {
  const seen = new Set<string>();
  return containers.flatMap((c, ci) =>
    arr(obj(c)['ports']).flatMap((item, pi) => {
      const p = obj(item);
      const port = optNum(p['hostPort']) ?? 0;
      if (port === 0) return [];
      const key = `${str(p['protocol']) || 'TCP'}/${str(p['hostIP'])}/${port}`;
      if (seen.has(key)) return [duplicate(`${path}[${ci}].ports[${pi}].hostPort`, key)];
      seen.add(key);
      return [];
    }),
  );
}

/** validateContainers: every container, and the list must not be empty. */
function validateContainers(list: unknown, path: string, isInit = false): FieldError[] {
  const containers = arr(list);
  if (containers.length === 0) return [required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((item, i) => {
    const c = obj(item);
    const f = `${path}[${i}]`;
    const name = str(c['name']);
    if (name === '') errs.push(required(`${f}.name`));
    else errs.push(...eachInvalid(`${f}.name`, name, isDNS1123Label(name)));
    if (names.has(name)) errs.push(duplicate(`${f}.name`, name));
    else names.add(name);
    if (str(c['image']) === '') errs.push(required(`${f}.image`));
    for (const probe of ['livenessProbe', 'startupProbe']) {
      const threshold = optNum(obj(c[probe])['successThreshold']);
      if (present(c[probe]) && threshold !== undefined && threshold !== 1)
        errs.push(invalid(`${f}.${probe}.successThreshold`, threshold, 'must be 1'));
    }
    const tmp = str(c['terminationMessagePolicy']);
    if (tmp !== '' && tmp !== 'File' && tmp !== 'FallbackToLogsOnError') {
      errs.push(invalid(`${f}.terminationMessagePolicy`, tmp, "must be 'File' or 'FallbackToLogsOnError'"));
    }
    errs.push(...validateContainerPorts(c['ports'], `${f}.ports`));
    errs.push(...validateEnv(c['env'], `${f}.env`));
    const pull = str(c['imagePullPolicy']);
    if (pull !== '' && !['Always', 'IfNotPresent', 'Never'].includes(pull))
      errs.push(notSupported(`${f}.imagePullPolicy`, pull, ['Always', 'IfNotPresent', 'Never']));
  });
  // Init containers run one at a time, so each is checked alone (and reported as index 0, as 1.20 does).
  if (isInit) for (const c of containers) errs.push(...hostPortConflicts([c], path));
  else errs.push(...hostPortConflicts(containers, path));
  return errs;
}

const goHandler = (h: Obj): string =>
  `core.Handler{Exec:${goPointer('core.ExecAction', present(h['exec']))}, ` +
  `HTTPGet:${goPointer('core.HTTPGetAction', present(h['httpGet']))}, TCPSocket:${goPointer('core.TCPSocketAction', present(h['tcpSocket']))}}`;

/** A *core.Probe as `%#v` shows it once dereferenced; unset numbers are what defaulting gives. */
function goProbe(v: unknown): GoValue {
  const p = obj(v);
  const n = (k: string, d: number): number => optNum(p[k]) ?? d;
  return new GoValue(
    `core.Probe{Handler:${goHandler(p)}, InitialDelaySeconds:${n('initialDelaySeconds', 0)}, TimeoutSeconds:${n('timeoutSeconds', 1)}, ` +
      `PeriodSeconds:${n('periodSeconds', 10)}, SuccessThreshold:${n('successThreshold', 1)}, FailureThreshold:${n('failureThreshold', 3)}}`,
  );
}

function goLifecycle(v: unknown): GoValue {
  const l = obj(v);
  return new GoValue(
    `core.Lifecycle{PostStart:${goPointer('core.Handler', present(l['postStart']))}, PreStop:${goPointer('core.Handler', present(l['preStop']))}}`,
  );
}

function validateInitContainers(list: unknown, others: unknown, path: string): FieldError[] {
  const inits = arr(list);
  const errs = inits.length > 0 ? validateContainers(inits, path, true) : [];
  const names = new Set(arr(others).map((c) => str(obj(c)['name'])));
  inits.forEach((item, i) => {
    const c = obj(item);
    const name = str(c['name']);
    if (names.has(name)) errs.push(duplicate(`${path}[${i}].name`, name));
    if (name !== '') names.add(name);
    for (const key of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
      if (present(c[key]))
        errs.push(
          invalid(
            `${path}[${i}].${key}`,
            key === 'lifecycle' ? goLifecycle(c[key]) : goProbe(c[key]),
            'must not be set for init containers',
          ),
        );
    }
  });
  return errs;
}

function validateEnum(spec: Obj, key: string, path: string, valid: string[]): FieldError[] {
  const v = str(spec[key]);
  return v !== '' && !valid.includes(v) ? [notSupported(`${path}.${key}`, v, valid)] : [];
}

/** ValidatePodSpec, in its order. */
export function validatePodSpec(specValue: unknown, path: string): FieldError[] {
  const spec = obj(specValue);
  const errs = [
    ...validateVolumes(spec['volumes'], `${path}.volumes`),
    ...validateContainers(spec['containers'], `${path}.containers`),
    ...validateInitContainers(spec['initContainers'], spec['containers'], `${path}.initContainers`),
    ...validateEnum(spec, 'restartPolicy', path, ['Always', 'OnFailure', 'Never']),
    ...validateEnum(spec, 'dnsPolicy', path, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']),
    ...validateLabels(spec['nodeSelector'], `${path}.nodeSelector`),
  ];
  for (const key of ['serviceAccountName', 'nodeName']) {
    const v = str(spec[key]);
    if (v !== '') errs.push(...eachInvalid(`${path}.${key}`, v, isDNS1123Subdomain(v)));
  }
  const deadline = optNum(spec['activeDeadlineSeconds']);
  if (deadline !== undefined && (deadline < 1 || deadline > MAX_INT32)) {
    errs.push(invalid(`${path}.activeDeadlineSeconds`, deadline, inclusiveRangeError(1, MAX_INT32)));
  }
  for (const key of ['hostname', 'subdomain']) {
    const v = str(spec[key]);
    if (v !== '') errs.push(...eachInvalid(`${path}.${key}`, v, isDNS1123Label(v)));
  }
  const priorityClass = str(spec['priorityClassName']);
  if (priorityClass !== '')
    errs.push(...eachInvalid(`${path}.priorityClassName`, priorityClass, isDNS1123Subdomain(priorityClass)));
  errs.push(...validateEnum(spec, 'preemptionPolicy', path, ['PreemptLowerPriority', 'Never']));
  return errs;
}

/** ValidatePodTemplateSpec: note the template's labels are reported at `<path>.labels`. */
export function validatePodTemplateSpec(template: unknown, path: string): FieldError[] {
  const t = obj(template);
  const meta = obj(t['metadata']);
  const errs = [
    ...validateLabels(meta['labels'], `${path}.labels`),
    ...validateAnnotations(meta['annotations'], `${path}.annotations`),
    ...validatePodSpec(t['spec'], `${path}.spec`),
  ];
  if (arr(obj(t['spec'])['ephemeralContainers']).length > 0)
    errs.push(forbidden(`${path}.spec.ephemeralContainers`, 'ephemeral containers not allowed in pod template'));
  return errs;
}

function imageWhitespace(list: unknown, path: string): FieldError[] {
  return arr(list).flatMap((c, i) => {
    const image = str(obj(c)['image']);
    return image.trim() !== image
      ? [invalid(`${path}[${i}].image`, image, 'must not have leading or trailing whitespace')]
      : [];
  });
}

/** validatePodMetadataAndSpec. */
function validatePodMetadataAndSpec(pod: KubeObject): FieldError[] {
  const spec = obj(pod.spec);
  return [
    ...validateObjectMeta(pod.metadata, { requiresNamespace: true, nameFn: nameIsDNSSubdomain, kubeFinalizers: true }),
    ...validatePodSpec(pod.spec, 'spec'),
    ...imageWhitespace(spec['containers'], 'spec.containers'),
    ...imageWhitespace(spec['initContainers'], 'spec.initContainers'),
  ];
}

export function validatePodCreate(pod: KubeObject): FieldError[] {
  const errs = validatePodMetadataAndSpec(pod);
  if (arr(obj(pod.spec)['ephemeralContainers']).length > 0)
    errs.push(forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  return errs;
}

function containerUpdates(next: unknown, old: unknown, path: string): { errs: FieldError[]; stop: boolean } {
  const n = arr(next);
  if (n.length !== arr(old).length)
    return { errs: [forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  n.forEach((c, i) => {
    const image = str(obj(c)['image']);
    if (image === '') errs.push(required(`${path}[${i}].image`));
    if (image.trim() !== image)
      errs.push(invalid(`${path}[${i}].image`, image, 'must not have leading or trailing whitespace'));
  });
  return { errs, stop: false };
}

const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds` or `spec.tolerations` (only additions to existing tolerations)';

/** A toleration without tolerationSeconds, as validateOnlyAddedTolerations compares them. */
const tolerationKey = (t: unknown): string => {
  const o = obj(t);
  return JSON.stringify([str(o['key']), str(o['operator']), str(o['value']), str(o['effect'])]);
};

/**
 * ValidatePodUpdate. The Forbidden message is 1.20's first line; 1.20 appends a go-cmp diff of the
 * internal PodSpec, whose output go-cmp deliberately keeps unstable, so it is left out.
 */
export function validatePodUpdate(next: KubeObject, old: KubeObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(next.metadata, old.metadata, true), ...validatePodMetadataAndSpec(next)];
  const ns = obj(next.spec);
  const os = obj(old.spec);
  for (const list of ['containers', 'initContainers']) {
    const r = containerUpdates(ns[list], os[list], `spec.${list}`);
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  const nd = optNum(ns['activeDeadlineSeconds']);
  const od = optNum(os['activeDeadlineSeconds']);
  if (nd !== undefined) {
    if (nd < 0 || nd > MAX_INT32)
      return [...errs, invalid('spec.activeDeadlineSeconds', nd, inclusiveRangeError(0, MAX_INT32))];
    if (od !== undefined && od < nd)
      return [...errs, invalid('spec.activeDeadlineSeconds', nd, 'must be less than or equal to previous value')];
  } else if (od !== undefined) {
    errs.push(
      invalid(
        'spec.activeDeadlineSeconds',
        orNull(ns['activeDeadlineSeconds']),
        'must not update from a positive integer to nil value',
      ),
    );
  }
  const munged: Obj = { ...ns, activeDeadlineSeconds: os['activeDeadlineSeconds'], tolerations: os['tolerations'] };
  for (const list of ['containers', 'initContainers']) {
    if (Array.isArray(ns[list]))
      munged[list] = arr(ns[list]).map((c, i) => ({ ...obj(c), image: obj(arr(os[list])[i])['image'] }));
  }
  const newTolerations = new Set(arr(ns['tolerations']).map(tolerationKey));
  if (!arr(os['tolerations']).every((t) => newTolerations.has(tolerationKey(t)))) {
    errs.push(forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds'));
  }
  if (!semanticEqual(munged, os)) errs.push(forbidden('spec', POD_UPDATE_FORBIDDEN));
  return errs;
}
