import { describe, expect, it } from 'vitest';
import { formatFieldError, invalid, type FieldError } from '../../kube/apimachinery/errors.ts';
import { ResourceRegistry, type KubeObject, type ResourceDef } from './registry.ts';
import { goLabelSelector, goQuote, goStringMap } from './validation/go-format.ts';
import { validateCreate, validateUpdate } from './validation/index.ts';
import { isDNS1123Label, isQualifiedName, nameIsDNSSubdomain } from '../../kube/apimachinery/names.ts';

/**
 * Validation messages as kube-apiserver 1.20 words them. ObjectMeta and the core kinds here;
 * pods and workloads in validation/workloads.test.ts.
 */

const registry = new ResourceRegistry();
function defOf(group: string, version: string, resource: string): ResourceDef {
  const d = registry.find(group, version, resource);
  if (!d) throw new Error(`no ${resource}`);
  return d;
}
const cms = defOf('', 'v1', 'configmaps');
const secrets = defOf('', 'v1', 'secrets');
const services = defOf('', 'v1', 'services');
const namespaces = defOf('', 'v1', 'namespaces');
const events = defOf('', 'v1', 'events');
const hpas = defOf('autoscaling', 'v2', 'horizontalpodautoscalers');

const lines = (errs: FieldError[]): string[] => errs.map(formatFieldError);
const meta = (m: Record<string, unknown>): KubeObject['metadata'] => ({
  namespace: 'ns',
  uid: 'u1',
  creationTimestamp: '2021-01-01T00:00:00Z',
  ...m,
});
const cm = (m: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: meta(m),
  ...extra,
});

const SUBDOMAIN_RULE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_RULE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_RULE =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QNAME_RULE =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_RULE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const CONFIG_KEY_RULE =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

describe('ObjectMeta on create', () => {
  it('reports a bad name in the 1.20 words, as the Status message shows it', () => {
    const errs = validateCreate(cms, cm({ name: 'Bad_Name' }));
    expect(invalid(cms, 'Bad_Name', errs).message).toBe(
      `ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": ${SUBDOMAIN_RULE}`,
    );
    expect(errs[0]).toMatchObject({ type: 'FieldValueInvalid', field: 'metadata.name', value: 'Bad_Name' });
  });

  it('requires a name or generateName', () => {
    expect(lines(validateCreate(cms, cm({})))).toEqual([
      'metadata.name: Required value: name or generateName is required',
    ]);
  });

  it('checks generateName as a prefix (a trailing dash is fine)', () => {
    expect(validateCreate(cms, cm({ name: 'web-abcde', generateName: 'web-' }))).toEqual([]);
    expect(lines(validateCreate(cms, cm({ name: 'Web-abcde', generateName: 'Web-' })))).toEqual([
      `metadata.generateName: Invalid value: "Web-": ${SUBDOMAIN_RULE}`,
      `metadata.name: Invalid value: "Web-abcde": ${SUBDOMAIN_RULE}`,
    ]);
  });

  it('limits names to 253 bytes (subdomain), namespaces to 63 (label), services to DNS-1035', () => {
    expect(lines(validateCreate(cms, cm({ name: 'a'.repeat(254) })))).toEqual([
      `metadata.name: Invalid value: "${'a'.repeat(254)}": must be no more than 253 characters`,
    ]);
    expect(lines(validateCreate(namespaces, { metadata: { name: 'Bad.Name' } }))).toEqual([
      `metadata.name: Invalid value: "Bad.Name": ${LABEL_RULE}`,
    ]);
    const svc = { metadata: meta({ name: '1svc' }), spec: { ports: [{ port: 80, protocol: 'TCP' }] } };
    expect(lines(validateCreate(services, svc))).toEqual([`metadata.name: Invalid value: "1svc": ${DNS1035_RULE}`]);
  });

  it('validates label keys and values at metadata.labels', () => {
    const errs = validateCreate(
      cms,
      cm({ name: 'c', labels: { 'bad key!': 'v', ok: 'x'.repeat(64), 'example.com/Bad_': 'v_' } }),
    );
    expect(lines(errs)).toEqual([
      `metadata.labels: Invalid value: "bad key!": ${QNAME_RULE}`,
      `metadata.labels: Invalid value: "${'x'.repeat(64)}": must be no more than 63 characters`,
      `metadata.labels: Invalid value: "example.com/Bad_": ${QNAME_RULE}`,
      `metadata.labels: Invalid value: "v_": ${VALUE_RULE}`,
    ]);
  });

  it('validates annotation keys (case-insensitively) and their total size', () => {
    expect(validateCreate(cms, cm({ name: 'c', annotations: { 'Example.com/Note': 'x' } }))).toEqual([]);
    expect(lines(validateCreate(cms, cm({ name: 'c', annotations: { 'a/b/c': 'x' } })))).toEqual([
      "metadata.annotations: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ]);
    expect(lines(validateCreate(cms, cm({ name: 'c', annotations: { big: 'x'.repeat(256 * 1024) } })))).toEqual([
      'metadata.annotations: Too long: must have at most 262144 bytes',
    ]);
  });

  it('validates owner references at the list path, and a single controller', () => {
    const refs = [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: '', controller: true },
      { apiVersion: '', kind: '', name: 'b', uid: 'x', controller: true },
    ];
    expect(lines(validateCreate(cms, cm({ name: 'c', ownerReferences: refs })))).toEqual([
      'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
      'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
      'metadata.ownerReferences.kind: Invalid value: "": kind must not be empty',
      'metadata.ownerReferences: Invalid value: []v1.OwnerReference{v1.OwnerReference{APIVersion:"apps/v1", Kind:"ReplicaSet", Name:"a", UID:"", Controller:(*bool)(0xc000000000), BlockOwnerDeletion:(*bool)(nil)}, v1.OwnerReference{APIVersion:"", Kind:"", Name:"b", UID:"x", Controller:(*bool)(0xc000000000), BlockOwnerDeletion:(*bool)(nil)}}: Only one reference can have Controller set to true. Found "true" in references for a and b',
    ]);
  });

  it('validates finalizer names (qualified, and standard when unprefixed)', () => {
    expect(
      validateCreate(cms, cm({ name: 'c', finalizers: ['kubernetes', 'example.com/cleanup', 'foregroundDeletion'] })),
    ).toEqual([]);
    expect(lines(validateCreate(cms, cm({ name: 'c', finalizers: ['foo', 'orphan', 'foregroundDeletion'] })))).toEqual([
      'metadata.finalizers: Invalid value: []string{"foo", "orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set',
      'metadata.finalizers[0]: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified',
    ]);
  });

  it('runs the generic path-segment pass for kinds whose strategy skips metadata (core Events)', () => {
    const ev = (name: string, involvedNs = 'ns'): KubeObject => ({
      metadata: meta({ name }),
      involvedObject: { kind: 'Pod', name: 'p', namespace: involvedNs },
    });
    expect(validateCreate(events, ev('Pod_Name.1'))).toEqual([]);
    expect(lines(validateCreate(events, ev('a/b')))).toEqual([
      'metadata.name: Invalid value: "a/b": may not contain \'/\'',
    ]);
    expect(lines(validateCreate(events, ev('e', 'other')))).toEqual([
      'involvedObject.namespace: Invalid value: "other": does not match event.namespace',
    ]);
  });
});

describe('ObjectMeta on update', () => {
  const old = cm({ name: 'c', labels: { a: 'b' } }, { data: { k: 'v' } });

  it('lets labels, annotations and data change', () => {
    expect(
      validateUpdate(cms, cm({ name: 'c', labels: { a: 'c' }, annotations: { x: 'y' } }, { data: { k: 'w' } }), old),
    ).toEqual([]);
  });

  it('keeps name, namespace and a given uid immutable', () => {
    expect(lines(validateUpdate(cms, cm({ name: 'c', uid: 'u2' }), old))).toEqual([
      'metadata.uid: Invalid value: "u2": field is immutable',
      'metadata.uid: Invalid value: "u2": field is immutable',
    ]);
    expect(validateUpdate(cms, cm({ name: 'c', uid: '' }), old)).toEqual([]);
    expect(lines(validateUpdate(cms, cm({ name: 'd' }), old))[0]).toBe(
      'metadata.name: Invalid value: "d": field is immutable',
    );
    expect(lines(validateUpdate(cms, cm({ name: 'c', deletionGracePeriodSeconds: 30 }), old))[0]).toBe(
      'metadata.deletionGracePeriodSeconds: Invalid value: 30: field is immutable',
    );
  });

  it('repeats causes the way the generic pass and the strategy both report them; the message lists each once', () => {
    const errs = validateUpdate(cms, cm({ name: 'c', labels: { 'bad key': 'v' } }), old);
    expect(errs).toHaveLength(4);
    expect(invalid(cms, 'c', errs).message).toBe(
      `ConfigMap "c" is invalid: metadata.labels: Invalid value: "bad key": ${QNAME_RULE}`,
    );
  });

  it('checks only metadata for a status update', () => {
    const hpa = (minReplicas: number): KubeObject => ({
      metadata: meta({ name: 'h' }),
      spec: { minReplicas, maxReplicas: 1, scaleTargetRef: { kind: 'Deployment', name: 'd' } },
    });
    expect(validateUpdate(hpas, hpa(0), hpa(1), { subresource: 'status' })).toEqual([]);
    const zeroNeedsObjectMetric =
      'spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas';
    expect(lines(validateUpdate(hpas, hpa(0), hpa(1)))).toEqual([
      'spec.minReplicas: Invalid value: 0: must be greater than or equal to 1',
      zeroNeedsObjectMetric,
    ]);
    // An HPA that already scales to zero keeps the lower bound 0, but still needs an Object/External metric.
    expect(lines(validateUpdate(hpas, hpa(0), hpa(0)))).toEqual([zeroNeedsObjectMetric]);
  });
});

describe('ConfigMap and Secret', () => {
  it('checks data keys as config keys', () => {
    const errs = validateCreate(
      cms,
      cm({ name: 'c' }, { data: { 'bad/key': 'v', '..x': '1', ok: '2' }, binaryData: { ok: 'AA==' } }),
    );
    expect(lines(errs)).toEqual([
      `data[bad/key]: Invalid value: "bad/key": ${CONFIG_KEY_RULE}`,
      'data[..x]: Invalid value: "..x": must not start with \'..\'',
      'data[ok]: Invalid value: "ok": duplicate of key present in binaryData',
    ]);
    expect(lines(validateCreate(cms, cm({ name: 'c' }, { data: { big: 'x'.repeat(1024 * 1024 + 1) } })))).toEqual([
      '[]: Too long: must have at most 1048576 bytes',
    ]);
  });

  it('keeps an immutable ConfigMap as it is', () => {
    const old = cm({ name: 'c' }, { immutable: true, data: { a: '1' } });
    expect(lines(validateUpdate(cms, cm({ name: 'c' }, { data: { a: '2' } }), old))).toEqual([
      'immutable: Forbidden: field is immutable when `immutable` is set',
      'data: Forbidden: field is immutable when `immutable` is set',
    ]);
  });

  it('checks secret keys (stringData as merged into data) and the keys each type needs', () => {
    const secret = (type: string, extra: Record<string, unknown> = {}): KubeObject => ({
      metadata: meta({ name: 's' }),
      type,
      ...extra,
    });
    expect(lines(validateCreate(secrets, secret('Opaque', { stringData: { 'a b': 'x' } })))).toEqual([
      `data[a b]: Invalid value: "a b": ${CONFIG_KEY_RULE}`,
    ]);
    expect(lines(validateCreate(secrets, secret('kubernetes.io/tls', { data: { 'tls.crt': 'AA==' } })))).toEqual([
      'data[tls.key]: Required value',
    ]);
    expect(lines(validateCreate(secrets, secret('kubernetes.io/basic-auth')))).toEqual([
      'data[%s][username]: Required value',
      'data[%s][password]: Required value',
    ]);
    expect(lines(validateCreate(secrets, secret('kubernetes.io/dockerconfigjson')))).toEqual([
      'data[.dockerconfigjson]: Required value',
    ]);
    expect(lines(validateCreate(secrets, secret('kubernetes.io/service-account-token')))).toEqual([
      'metadata.annotations[kubernetes.io/service-account.name]: Required value',
    ]);
  });

  it('keeps a secret type immutable', () => {
    const old: KubeObject = { metadata: meta({ name: 's' }), type: 'Opaque' };
    const next: KubeObject = {
      metadata: meta({ name: 's' }),
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': 'AA==', 'tls.key': 'AA==' },
    };
    expect(lines(validateUpdate(secrets, next, old))).toEqual([
      'type: Invalid value: "kubernetes.io/tls": field is immutable',
    ]);
    expect(validateUpdate(secrets, { metadata: meta({ name: 's' }) }, old)).toEqual([]);
  });
});

describe('Service', () => {
  const svc = (spec: Record<string, unknown>): KubeObject => ({
    metadata: meta({ name: 'web' }),
    spec: { type: 'ClusterIP', sessionAffinity: 'None', ...spec },
  });

  it('requires ports unless headless or ExternalName', () => {
    expect(lines(validateCreate(services, svc({})))).toEqual(['spec.ports: Required value']);
    expect(validateCreate(services, svc({ clusterIP: 'None' }))).toEqual([]);
    expect(validateCreate(services, svc({ type: 'ExternalName', externalName: 'db.example.com.' }))).toEqual([]);
    expect(lines(validateCreate(services, svc({ type: 'ExternalName' })))).toEqual([
      'spec.externalName: Required value',
    ]);
  });

  it('checks port numbers, names, protocols and the type', () => {
    expect(lines(validateCreate(services, svc({ ports: [{ port: 0, protocol: 'TCP' }] })))).toEqual([
      'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
    ]);
    expect(
      lines(validateCreate(services, svc({ ports: [{ port: 80, protocol: 'HTTP', targetPort: 'http_port' }] }))),
    ).toEqual([
      'spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      'spec.ports[0].targetPort: Invalid value: "http_port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    ]);
    expect(
      lines(
        validateCreate(
          services,
          svc({
            ports: [
              { port: 80, protocol: 'TCP' },
              { port: 80, protocol: 'TCP' },
            ],
          }),
        ),
      ),
    ).toEqual([
      'spec.ports[0].name: Required value',
      'spec.ports[1].name: Required value',
      'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
    ]);
    expect(
      lines(validateCreate(services, svc({ type: 'Foo', ports: [{ port: 80, protocol: 'TCP', nodePort: 30000 }] }))),
    ).toEqual([
      'spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    ]);
    expect(lines(validateCreate(services, svc({ ports: [{ port: 80, protocol: 'TCP', nodePort: 30000 }] })))).toEqual([
      "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    ]);
  });

  it('validates the selector as labels', () => {
    expect(
      lines(validateCreate(services, svc({ ports: [{ port: 80, protocol: 'TCP' }], selector: { app: 'a b' } }))),
    ).toEqual([`spec.selector: Invalid value: "a b": ${VALUE_RULE}`]);
  });
});

describe('Namespace', () => {
  it('checks spec.finalizers like finalizer names', () => {
    expect(validateCreate(namespaces, { metadata: { name: 'team-a' }, spec: { finalizers: ['kubernetes'] } })).toEqual(
      [],
    );
    expect(
      lines(validateCreate(namespaces, { metadata: { name: 'team-a' }, spec: { finalizers: ['custom'] } })),
    ).toEqual([
      'spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
    ]);
  });
});

describe('Go formatting and name rules', () => {
  it('quotes like strconv.Quote and prints maps and selectors like %#v', () => {
    expect(goQuote('a"b\\c\n\u0001\u007f é\u00a0')).toBe('"a\\"b\\\\c\\n\\x01\\x7f é\\u00a0"');
    expect(String(goStringMap({ b: '2', a: '1' }))).toBe('map[string]string{"a":"1", "b":"2"}');
    expect(String(goStringMap(undefined))).toBe('map[string]string(nil)');
    expect(String(goStringMap({}))).toBe('map[string]string{}');
    expect(goLabelSelector(undefined)).toBe('null');
    expect(String(goLabelSelector({ matchExpressions: [] }))).toBe(
      'v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{}}',
    );
  });

  it('counts bytes, and masks a generateName dash the way 1.20 does', () => {
    expect(nameIsDNSSubdomain('a-', true)).toEqual([]);
    // 1.20 replaces the last *two* characters with "a", so "a.-" is checked as "a".
    expect(nameIsDNSSubdomain('a.-', true)).toEqual([]);
    expect(isDNS1123Label(`${'é'.repeat(32)}`)[0]).toBe('must be no more than 63 characters');
    expect(isQualifiedName('')).toEqual([
      'name part must be non-empty',
      expect.stringContaining('name part must consist of'),
    ]);
  });
});
