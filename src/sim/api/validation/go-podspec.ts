import { GoValue, goPointer, goQuote, goStringMapText, goStringSliceText } from './go-format.ts';
import { arr, num, obj, str, type Obj } from './field.ts';

/**
 * core.PodTemplateSpec as `%#v` prints it, for the Job "spec.template: ... field is immutable"
 * error. Field order is 1.20's internal types; pointers print as addresses (which differ on every
 * run in Go too); quantities and the rarer nested structs are abbreviated to `{...}`.
 */

type Render = (v: unknown) => string;
const present = (v: unknown): boolean => v !== undefined && v !== null;
const q: Render = (v) => goQuote(str(v));
const b: Render = (v) => (v === true ? 'true' : 'false');
const ptr =
  (type: string): Render =>
  (v) =>
    goPointer(type, present(v));
const slice =
  (type: string, item?: Render): Render =>
  (v) => {
    const list = arr(v);
    if (!present(v)) return `[]${type}(nil)`;
    return `[]${type}{${list.map((x) => (item ? item(x) : `${type}{...}`)).join(', ')}}`;
  };
const struct =
  (type: string, fields: [string, string, Render][]): Render =>
  (v) => {
    const o = obj(v);
    return `${type}{${fields.map(([goName, json, render]) => `${goName}:${render(o[json])}`).join(', ')}}`;
  };
const resourceList: Render = (v) =>
  present(v)
    ? `core.ResourceList{${Object.keys(obj(v))
        .sort()
        .map((k) => `${goQuote(k)}:resource.Quantity{...}`)
        .join(', ')}}`
    : 'core.ResourceList(nil)';

const VOLUME_SOURCES: [string, string][] = [
  ['HostPath', 'hostPath'],
  ['EmptyDir', 'emptyDir'],
  ['GCEPersistentDisk', 'gcePersistentDisk'],
  ['AWSElasticBlockStore', 'awsElasticBlockStore'],
  ['GitRepo', 'gitRepo'],
  ['Secret', 'secret'],
  ['NFS', 'nfs'],
  ['ISCSI', 'iscsi'],
  ['Glusterfs', 'glusterfs'],
  ['PersistentVolumeClaim', 'persistentVolumeClaim'],
  ['RBD', 'rbd'],
  ['Quobyte', 'quobyte'],
  ['FlexVolume', 'flexVolume'],
  ['Cinder', 'cinder'],
  ['CephFS', 'cephfs'],
  ['Flocker', 'flocker'],
  ['DownwardAPI', 'downwardAPI'],
  ['FC', 'fc'],
  ['AzureFile', 'azureFile'],
  ['ConfigMap', 'configMap'],
  ['VsphereVolume', 'vsphereVolume'],
  ['AzureDisk', 'azureDisk'],
  ['PhotonPersistentDisk', 'photonPersistentDisk'],
  ['Projected', 'projected'],
  ['PortworxVolume', 'portworxVolume'],
  ['ScaleIO', 'scaleIO'],
  ['StorageOS', 'storageos'],
  ['CSI', 'csi'],
  ['Ephemeral', 'ephemeral'],
];
const SOURCE_TYPES: Record<string, string> = {
  FlexVolume: 'FlexVolumeSource',
  VsphereVolume: 'VsphereVirtualDiskVolumeSource',
};

const volume: Render = (v) => {
  const o = obj(v);
  const sources = VOLUME_SOURCES.map(
    ([go, json]) => `${go}:${goPointer(`core.${SOURCE_TYPES[go] ?? `${go}VolumeSource`}`, present(o[json]))}`,
  );
  return `core.Volume{Name:${q(o['name'])}, VolumeSource:core.VolumeSource{${sources.join(', ')}}}`;
};

const container = struct('core.Container', [
  ['Name', 'name', q],
  ['Image', 'image', q],
  ['Command', 'command', goStringSliceText],
  ['Args', 'args', goStringSliceText],
  ['WorkingDir', 'workingDir', q],
  [
    'Ports',
    'ports',
    slice(
      'core.ContainerPort',
      struct('core.ContainerPort', [
        ['Name', 'name', q],
        ['HostPort', 'hostPort', (v) => String(num(v))],
        ['ContainerPort', 'containerPort', (v) => String(num(v))],
        ['Protocol', 'protocol', q],
        ['HostIP', 'hostIP', q],
      ]),
    ),
  ],
  ['EnvFrom', 'envFrom', slice('core.EnvFromSource')],
  [
    'Env',
    'env',
    slice(
      'core.EnvVar',
      struct('core.EnvVar', [
        ['Name', 'name', q],
        ['Value', 'value', q],
        ['ValueFrom', 'valueFrom', ptr('core.EnvVarSource')],
      ]),
    ),
  ],
  [
    'Resources',
    'resources',
    struct('core.ResourceRequirements', [
      ['Limits', 'limits', resourceList],
      ['Requests', 'requests', resourceList],
    ]),
  ],
  [
    'VolumeMounts',
    'volumeMounts',
    slice(
      'core.VolumeMount',
      struct('core.VolumeMount', [
        ['Name', 'name', q],
        ['ReadOnly', 'readOnly', b],
        ['MountPath', 'mountPath', q],
        ['SubPath', 'subPath', q],
        ['MountPropagation', 'mountPropagation', ptr('core.MountPropagationMode')],
        ['SubPathExpr', 'subPathExpr', q],
      ]),
    ),
  ],
  ['VolumeDevices', 'volumeDevices', slice('core.VolumeDevice')],
  ['LivenessProbe', 'livenessProbe', ptr('core.Probe')],
  ['ReadinessProbe', 'readinessProbe', ptr('core.Probe')],
  ['StartupProbe', 'startupProbe', ptr('core.Probe')],
  ['Lifecycle', 'lifecycle', ptr('core.Lifecycle')],
  ['TerminationMessagePath', 'terminationMessagePath', q],
  ['TerminationMessagePolicy', 'terminationMessagePolicy', q],
  ['ImagePullPolicy', 'imagePullPolicy', q],
  ['SecurityContext', 'securityContext', ptr('core.SecurityContext')],
  ['Stdin', 'stdin', b],
  ['StdinOnce', 'stdinOnce', b],
  ['TTY', 'tty', b],
]);

const podSpec = struct('core.PodSpec', [
  ['Volumes', 'volumes', slice('core.Volume', volume)],
  ['InitContainers', 'initContainers', slice('core.Container', container)],
  ['Containers', 'containers', slice('core.Container', container)],
  ['EphemeralContainers', 'ephemeralContainers', slice('core.EphemeralContainer')],
  ['RestartPolicy', 'restartPolicy', q],
  ['TerminationGracePeriodSeconds', 'terminationGracePeriodSeconds', ptr('int64')],
  ['ActiveDeadlineSeconds', 'activeDeadlineSeconds', ptr('int64')],
  ['DNSPolicy', 'dnsPolicy', q],
  ['NodeSelector', 'nodeSelector', goStringMapText],
  ['ServiceAccountName', 'serviceAccountName', q],
  ['AutomountServiceAccountToken', 'automountServiceAccountToken', ptr('bool')],
  ['NodeName', 'nodeName', q],
  ['SecurityContext', 'securityContext', ptr('core.PodSecurityContext')],
  [
    'ImagePullSecrets',
    'imagePullSecrets',
    slice('core.LocalObjectReference', struct('core.LocalObjectReference', [['Name', 'name', q]])),
  ],
  ['Hostname', 'hostname', q],
  ['Subdomain', 'subdomain', q],
  ['SetHostnameAsFQDN', 'setHostnameAsFQDN', ptr('bool')],
  ['Affinity', 'affinity', ptr('core.Affinity')],
  ['SchedulerName', 'schedulerName', q],
  [
    'Tolerations',
    'tolerations',
    slice(
      'core.Toleration',
      struct('core.Toleration', [
        ['Key', 'key', q],
        ['Operator', 'operator', q],
        ['Value', 'value', q],
        ['Effect', 'effect', q],
        ['TolerationSeconds', 'tolerationSeconds', ptr('int64')],
      ]),
    ),
  ],
  ['HostAliases', 'hostAliases', slice('core.HostAlias')],
  ['PriorityClassName', 'priorityClassName', q],
  ['Priority', 'priority', ptr('int32')],
  ['PreemptionPolicy', 'preemptionPolicy', ptr('core.PreemptionPolicy')],
  ['DNSConfig', 'dnsConfig', ptr('core.PodDNSConfig')],
  ['ReadinessGates', 'readinessGates', slice('core.PodReadinessGate')],
  ['RuntimeClassName', 'runtimeClassName', ptr('string')],
  ['Overhead', 'overhead', resourceList],
  ['EnableServiceLinks', 'enableServiceLinks', ptr('bool')],
  ['TopologySpreadConstraints', 'topologySpreadConstraints', slice('core.TopologySpreadConstraint')],
]);

/** A template's ObjectMeta: only name, generateName, labels and annotations can be set there. */
function objectMeta(m: Obj): string {
  return (
    `v1.ObjectMeta{Name:${q(m['name'])}, GenerateName:${q(m['generateName'])}, Namespace:"", SelfLink:"", UID:"", ResourceVersion:"", Generation:0, ` +
    // time.Time's GoString (Go >= 1.17, which the reference build uses) prints the zero time this way.
    'CreationTimestamp:time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC), DeletionTimestamp:<nil>, DeletionGracePeriodSeconds:(*int64)(nil), ' +
    `Labels:${goStringMapText(m['labels'])}, Annotations:${goStringMapText(m['annotations'])}, OwnerReferences:[]v1.OwnerReference(nil), ` +
    'Finalizers:[]string(nil), ClusterName:"", ManagedFields:[]v1.ManagedFieldsEntry(nil)}'
  );
}

export function goPodTemplateSpec(template: unknown): GoValue {
  const t = obj(template);
  return new GoValue(`core.PodTemplateSpec{ObjectMeta:${objectMeta(obj(t['metadata']))}, Spec:${podSpec(t['spec'])}}`);
}
