import { isIP } from 'node:net';
import type { FieldError } from '../../../kube/apimachinery/errors.ts';
import type { KubeObject } from '../registry.ts';
import {
  arr,
  duplicate,
  eachInvalid,
  forbidden,
  invalid,
  notSupported,
  num,
  obj,
  required,
  semanticEqual,
  str,
  tooLong,
  type Obj,
} from './field.ts';
import { GoValue, goQuote } from './go-format.ts';
import {
  byteLength,
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidPortName,
  isValidPortNum,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  validatePathSegmentName,
  type NameFn,
} from '../../../kube/apimachinery/names.ts';
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.ts';

/** pkg/apis/core/validation (1.20) for Services, ConfigMaps, Secrets, Namespaces and the simpler kinds. */

const MAX_SECRET_SIZE = 1024 * 1024;
const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** ValidateObjectMeta; kubeFinalizers is false for kinds validated with apimachinery's version (Leases). */
export const meta = (o: KubeObject, nameFn: NameFn, requiresNamespace = true, kubeFinalizers = true): FieldError[] =>
  validateObjectMeta(o.metadata, { requiresNamespace, nameFn, kubeFinalizers });
export const metaUpdate = (next: KubeObject, old: KubeObject, kubeFinalizers = true): FieldError[] =>
  validateObjectMetaUpdate(next.metadata, old.metadata, kubeFinalizers);

/** The aggregator's APIService name rule: a path segment that is exactly `<version>.<group>`. */
export function apiServiceName(o: KubeObject): NameFn {
  const spec = obj(o.spec);
  const required = `${str(spec['version'])}.${str(spec['group'])}`;
  return (name) => {
    const minimal = validatePathSegmentName(name, false);
    if (minimal.length > 0) return minimal;
    return name === required ? [] : [`must be \`spec.version+"."+spec.group\`: ${goQuote(required)}`];
  };
}

/** core.ServicePort as `%#v` shows it in the duplicate-port error (a key of protocol and port). */
const goServicePortKey = (protocol: string, port: number): GoValue =>
  new GoValue(
    `core.ServicePort{Name:"", Protocol:${goQuote(protocol)}, ` +
      `AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`,
  );

function validateServicePort(p: Obj, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(p['name']);
  if (requireName && name === '') errs.push(required(`${path}.name`));
  else if (name !== '') {
    errs.push(...eachInvalid(`${path}.name`, name, isDNS1123Label(name)));
    if (names.has(name)) errs.push(duplicate(`${path}.name`, name));
    else names.add(name);
  }
  const port = num(p['port']);
  errs.push(...eachInvalid(`${path}.port`, port, isValidPortNum(port)));
  const protocol = str(p['protocol']);
  if (protocol !== '' && !['SCTP', 'TCP', 'UDP'].includes(protocol))
    errs.push(notSupported(`${path}.protocol`, protocol, ['SCTP', 'TCP', 'UDP']));
  // Defaulting makes a zero or empty targetPort equal to port.
  const target = p['targetPort'];
  if (typeof target === 'string' && target !== '')
    errs.push(...eachInvalid(`${path}.targetPort`, target, isValidPortName(target)));
  else {
    const t = typeof target === 'number' && target !== 0 ? target : port;
    errs.push(...eachInvalid(`${path}.targetPort`, t, isValidPortNum(t)));
  }
  if (typeof p['appProtocol'] === 'string')
    errs.push(...eachInvalid(`${path}.appProtocol`, p['appProtocol'], isQualifiedName(p['appProtocol'])));
  return errs;
}

export function validateService(svc: KubeObject): FieldError[] {
  const spec = obj(svc.spec);
  const errs = meta(svc, nameIsDNS1035Label);
  const type = str(spec['type']) || 'ClusterIP';
  const ports = arr(spec['ports']).map(obj);
  const clusterIPs = arr(spec['clusterIPs']).map(str);
  const firstIP = clusterIPs[0] ?? str(spec['clusterIP']);
  const headless = firstIP === 'None';
  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(required('spec.ports'));
  if (type === 'LoadBalancer') {
    ports.forEach((p, i) => {
      if (num(p['port']) === 10250)
        errs.push(
          invalid(`spec.ports[${i}]`, 10250, 'may not expose port 10250 externally since it is used by kubelet'),
        );
    });
  }
  if ((type === 'LoadBalancer' || type === 'NodePort') && headless)
    errs.push(invalid('spec.clusterIPs[0]', firstIP, `may not be set to 'None' for ${type} services`));
  if (type === 'ExternalName') {
    if (clusterIPs.length > 0) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    if (arr(spec['ipFamilies']).length > 0)
      errs.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
    if (spec['ipFamilyPolicy'] !== undefined && spec['ipFamilyPolicy'] !== null)
      errs.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
    const cname = str(spec['externalName']).replace(/\.$/, '');
    if (cname !== '') errs.push(...eachInvalid('spec.externalName', cname, isDNS1123Subdomain(cname)));
    else errs.push(required('spec.externalName'));
  }
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, `spec.ports[${i}]`)));
  if (spec['selector'] !== undefined && spec['selector'] !== null)
    errs.push(...validateLabels(spec['selector'], 'spec.selector'));
  const affinity = str(spec['sessionAffinity']);
  if (affinity !== '' && affinity !== 'ClientIP' && affinity !== 'None')
    errs.push(notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None']));
  if (affinity === 'None' && spec['sessionAffinityConfig'] !== undefined && spec['sessionAffinityConfig'] !== null) {
    errs.push(forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  arr(spec['externalIPs'])
    .map(str)
    .forEach((ip, i) => {
      if (isIP(ip) === 0)
        errs.push(
          invalid(`spec.externalIPs[${i}]`, ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'),
        );
    });
  if (!['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'].includes(type))
    errs.push(notSupported('spec.type', type, ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']));
  if (type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (num(p['nodePort']) !== 0)
        errs.push(forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((p, i) => {
    const protocol = str(p['protocol']);
    const nodePort = num(p['nodePort']);
    if (nodePort !== 0) {
      if (nodePorts.has(`${protocol}/${nodePort}`)) errs.push(duplicate(`spec.ports[${i}].nodePort`, nodePort));
      nodePorts.add(`${protocol}/${nodePort}`);
    }
    const key = `${protocol}/${num(p['port'])}`;
    if (keys.has(key)) errs.push(duplicate(`spec.ports[${i}]`, goServicePortKey(protocol, num(p['port']))));
    keys.add(key);
  });
  if (
    spec['allocateLoadBalancerNodePorts'] !== undefined &&
    spec['allocateLoadBalancerNodePorts'] !== null &&
    type !== 'LoadBalancer'
  ) {
    errs.push(forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  }
  const etp = str(spec['externalTrafficPolicy']);
  if (etp !== '' && etp !== 'Cluster' && etp !== 'Local')
    errs.push(invalid('spec.externalTrafficPolicy', etp, 'ExternalTrafficPolicy must be empty, Cluster or Local'));
  if (num(spec['healthCheckNodePort']) < 0)
    errs.push(
      invalid(
        'spec.healthCheckNodePort',
        num(spec['healthCheckNodePort']),
        'HealthCheckNodePort must be not less than 0',
      ),
    );
  return errs;
}

const textBytes = (v: unknown): number => byteLength(str(v));
const base64Bytes = (v: unknown): number => Buffer.from(str(v), 'base64').length;

export function validateConfigMap(cm: KubeObject): FieldError[] {
  const errs = meta(cm, nameIsDNSSubdomain);
  const data = obj(cm['data']);
  const binary = obj(cm['binaryData']);
  let total = 0;
  for (const [key, value] of Object.entries(data)) {
    errs.push(...eachInvalid(`data[${key}]`, key, isConfigMapKey(key)));
    if (Object.hasOwn(binary, key)) errs.push(invalid(`data[${key}]`, key, 'duplicate of key present in binaryData'));
    total += textBytes(value);
  }
  for (const [key, value] of Object.entries(binary)) {
    errs.push(...eachInvalid(`binaryData[${key}]`, key, isConfigMapKey(key)));
    total += base64Bytes(value);
  }
  // field.NewPath("") (the whole object), which prints as "[]".
  if (total > MAX_SECRET_SIZE) errs.push(tooLong('[]', MAX_SECRET_SIZE));
  return errs;
}

/** Immutable ConfigMaps and Secrets: the flag and the data stay as they are. */
function immutableData(next: KubeObject, old: KubeObject, fields: string[]): FieldError[] {
  if (old['immutable'] !== true) return [];
  const errs = next['immutable'] === true ? [] : [forbidden('immutable', 'field is immutable when `immutable` is set')];
  for (const f of fields)
    if (!semanticEqual(next[f], old[f])) errs.push(forbidden(f, 'field is immutable when `immutable` is set'));
  return errs;
}

export const validateConfigMapUpdate = (next: KubeObject, old: KubeObject): FieldError[] => [
  ...metaUpdate(next, old),
  ...immutableData(next, old, ['data', 'binaryData']),
  ...validateConfigMap(next),
];

/** Secret data as validation sees it: stringData already merged into data by conversion. */
function secretData(s: KubeObject): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of Object.entries(obj(s['data']))) out.set(k, base64Bytes(v));
  for (const [k, v] of Object.entries(obj(s['stringData']))) out.set(k, textBytes(v));
  return out;
}

export function validateSecret(s: KubeObject): FieldError[] {
  const errs = meta(s, nameIsDNSSubdomain);
  const data = secretData(s);
  let total = 0;
  for (const [key, size] of data) {
    errs.push(...eachInvalid(`data[${key}]`, key, isConfigMapKey(key)));
    total += size;
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong('data', MAX_SECRET_SIZE));
  const need = (key: string): FieldError[] => (data.has(key) ? [] : [required(`data[${key}]`)]);
  switch (str(s['type'])) {
    case 'kubernetes.io/service-account-token':
      if (str(obj(s.metadata.annotations)['kubernetes.io/service-account.name']) === '')
        errs.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
      break;
    case 'kubernetes.io/dockercfg':
      errs.push(...need('.dockercfg'));
      break;
    case 'kubernetes.io/dockerconfigjson':
      errs.push(...need('.dockerconfigjson'));
      break;
    case 'kubernetes.io/basic-auth':
      // 1.20 builds these paths from the literal "data[%s]".
      if (!data.has('username') && !data.has('password'))
        errs.push(required('data[%s][username]'), required('data[%s][password]'));
      break;
    case 'kubernetes.io/ssh-auth':
      if ((data.get('ssh-privatekey') ?? 0) === 0) errs.push(required('data[%s][ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls':
      errs.push(...need('tls.crt'), ...need('tls.key'));
      break;
    default:
      break;
  }
  return errs;
}

export function validateSecretUpdate(next: KubeObject, old: KubeObject): FieldError[] {
  const errs = metaUpdate(next, old);
  // Defaulting makes an empty type Opaque, so that is what is compared.
  const type = str(next['type']) || 'Opaque';
  const oldType = str(old['type']) || 'Opaque';
  if (type !== oldType) errs.push(invalid('type', type, 'field is immutable'));
  return [...errs, ...immutableData(next, old, ['data']), ...validateSecret(next)];
}

export function validateNamespace(ns: KubeObject): FieldError[] {
  const errs = meta(ns, nameIsDNSLabel, false);
  for (const f of arr(obj(ns.spec)['finalizers']).map(str)) {
    errs.push(...eachInvalid('spec.finalizers', f, isQualifiedName(f)));
    if (!f.includes('/') && !STANDARD_FINALIZERS.has(f))
      errs.push(invalid('spec.finalizers', f, 'name is neither a standard finalizer name nor is it fully qualified'));
  }
  return errs;
}
