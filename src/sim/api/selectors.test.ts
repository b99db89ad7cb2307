import { describe, expect, it } from 'vitest';
import {
  exactFieldValue,
  formatFieldSelector,
  formatLabelSelector,
  isEverything,
  labelSelectorFromObject,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  tryLabelSelectorFromObject,
} from './selectors.ts';
import { ResourceRegistry, type KubeObject, type ResourceDef } from './registry.ts';
import { ApiError } from '../../kube/apimachinery/errors.ts';

const registry = new ResourceRegistry();
const def = (group: string, version: string, resource: string): ResourceDef => {
  const d = registry.find(group, version, resource);
  if (!d) throw new Error(`no ${resource}`);
  return d;
};
const pods = def('', 'v1', 'pods');
const cms = def('', 'v1', 'configmaps');
const nodes = def('', 'v1', 'nodes');
const namespaces = def('', 'v1', 'namespaces');
const secrets = def('', 'v1', 'secrets');
const coreEvents = def('', 'v1', 'events');
const events = def('events.k8s.io', 'v1', 'events');
const jobs = def('batch', 'v1', 'jobs');
const rss = def('apps', 'v1', 'replicasets');
const apiservices = def('apiregistration.k8s.io', 'v1', 'apiservices');

/** The Status an ApiError-throwing call answers with. */
function failure(fn: () => unknown): { code: number; reason: string | undefined; message: string | undefined } {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return { code: err.status.code, reason: err.status.reason, message: err.status.message };
  }
  throw new Error('expected an ApiError');
}

const QNAME_RULE =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_RULE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('parseLabelSelector / matchesLabels', () => {
  const cases: [string, Record<string, string> | undefined, boolean][] = [
    ['app=web', { app: 'web' }, true],
    ['app==web', { app: 'db' }, false],
    ['app!=web', {}, true],
    ['app!=web', undefined, true],
    ['app=web', undefined, false],
    ['tier in (a,b)', { tier: 'b' }, true],
    ['tier in (a,b)', {}, false],
    ['tier notin (a,b)', { tier: 'c' }, true],
    ['tier notin (a,b)', { tier: 'a' }, false],
    ['tier notin (a,b)', {}, true],
    ['tier', { tier: '' }, true],
    ['tier', {}, false],
    ['!tier', { tier: 'x' }, false],
    ['!tier', {}, true],
    ['app=web,tier!=db', { app: 'web', tier: 'fe' }, true],
    ['example.com/role=edge', { 'example.com/role': 'edge' }, true],
    ['a=', { a: '' }, true],
    ['a=,b', { a: '', b: 'x' }, true],
    ['x in (foo,,baz),y,z notin ()', { x: '', y: '1', z: 'q' }, true],
    ['x in (foo,,baz)', { x: 'baz' }, true],
    ['z notin ()', { z: '' }, false],
    ['in in (in)', { in: 'in' }, true],
    ['notin notin (in,notin)', { notin: 'x' }, true],
    ['replicas>2', { replicas: '3' }, true],
    ['replicas>2', { replicas: '2' }, false],
    ['replicas>2', { replicas: 'x' }, false],
    ['replicas>2', {}, false],
    ['replicas<2', { replicas: '-7' }, true],
    ['  app = web  ,\ttier\n', { app: 'web', tier: 'x' }, true],
    ['constructor', {}, false],
    ['!constructor', {}, true],
  ];
  it.each(cases)('%j on %j -> %s', (sel, labels, want) => {
    expect(matchesLabels(parseLabelSelector(sel), labels)).toBe(want);
  });

  it('treats an empty or blank selector as everything', () => {
    expect(isEverything(parseLabelSelector(''))).toBe(true);
    expect(isEverything(parseLabelSelector('   '))).toBe(true);
    expect(isEverything(parseLabelSelector('a'))).toBe(false);
  });

  // The texts of labels.Parse in 1.20, which ListResource returns as a 400 BadRequest Status.
  const errors: [string, string][] = [
    ['a===b', "unable to parse requirement: found '=', expected: identifier"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['a in (', "unable to parse requirement: found '', expected: ',', ')' or identifier"],
    ['a in (b', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a in (b,', "unable to parse requirement: found '', expected: ',', or identifier"],
    ['a in (,,)', "unable to parse requirement: found ')', expected: ',', or identifier"],
    ['a in b', "unable to parse requirement: found 'b' expected: '('"],
    ['a b', "unable to parse requirement: found 'b', expected: '=', '!=', '==', 'in', notin'"],
    ['Bad Key=x', "unable to parse requirement: found 'Key', expected: '=', '!=', '==', 'in', notin'"],
    ['a=b=c', "found '=', expected: ',' or 'end of string'"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['a=b,', "found '', expected: identifier after ','"],
    ['a,,b', "found ',', expected: identifier after ','"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['=a', "found '=', expected: !, identifier, or 'end of string'"],
    ['bad_=x', `unable to parse requirement: invalid label key "bad_": ${QNAME_RULE}`],
    [
      'a/b/c',
      `unable to parse requirement: invalid label key "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ],
    ['/a', 'unable to parse requirement: invalid label key "/a": prefix part must be non-empty'],
    ['a/', `unable to parse requirement: invalid label key "a/": name part must be non-empty; ${QNAME_RULE}`],
    [
      `a=${'x'.repeat(64)}`,
      `unable to parse requirement: invalid label value: "${'x'.repeat(64)}": at key: "a": must be no more than 63 characters`,
    ],
    ['a=b_', `unable to parse requirement: invalid label value: "b_": at key: "a": ${VALUE_RULE}`],
    ['a in (z_,y_)', `unable to parse requirement: invalid label value: "y_": at key: "a": ${VALUE_RULE}`],
    ['a>x', "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer"],
    ['a<', "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer"],
  ];
  it.each(errors)('%j -> 400 %s', (sel, message) => {
    expect(failure(() => parseLabelSelector(sel))).toEqual({ code: 400, reason: 'BadRequest', message });
  });
});

describe('formatLabelSelector', () => {
  it('prints like labels.Selector.String(): requirements by key, value sets sorted', () => {
    expect(formatLabelSelector(parseLabelSelector('d,!c,b in (y,x),a=1'))).toBe('a=1,b in (x,y),!c,d');
    expect(formatLabelSelector(parseLabelSelector('a==1,b!=2,c notin (z),n>3,m<4'))).toBe(
      'a==1,b!=2,c notin (z),m<4,n>3',
    );
    expect(formatLabelSelector(parseLabelSelector(''))).toBe('');
  });
});

describe('labelSelectorFromObject (metav1.LabelSelectorAsSelector)', () => {
  it('nil matches nothing, {} matches everything', () => {
    expect(matchesLabels(labelSelectorFromObject(undefined), {})).toBe(false);
    expect(matchesLabels(labelSelectorFromObject(null), { a: 'b' })).toBe(false);
    expect(isEverything(labelSelectorFromObject(null))).toBe(false);
    expect(formatLabelSelector(labelSelectorFromObject(null))).toBe('');
    expect(matchesLabels(labelSelectorFromObject({}), { any: 'x' })).toBe(true);
    expect(isEverything(labelSelectorFromObject({ matchLabels: {}, matchExpressions: [] }))).toBe(true);
  });

  it('converts matchLabels and the four expression operators', () => {
    const sel = labelSelectorFromObject({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['b', 'a'] },
        { key: 'env', operator: 'NotIn', values: ['prod'] },
        { key: 'team', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    });
    expect(formatLabelSelector(sel)).toBe('app=web,env notin (prod),!legacy,team,tier in (a,b)');
    expect(matchesLabels(sel, { app: 'web', tier: 'a', team: 'x' })).toBe(true);
    expect(matchesLabels(sel, { app: 'web', tier: 'a', team: 'x', legacy: '1' })).toBe(false);
    expect(matchesLabels(sel, { app: 'web', tier: 'a', team: 'x', env: 'prod' })).toBe(false);
  });

  it('reports conversion errors with apimachinery wording', () => {
    expect(failure(() => labelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'Foo' }] })).message).toBe(
      '"Foo" is not a valid pod selector operator',
    );
    const empty = tryLabelSelectorFromObject({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] });
    expect(empty).toBeInstanceOf(Error);
    expect((empty as Error).message).toBe("for 'in', 'notin' operators, values set can't be empty");
    const badKey = tryLabelSelectorFromObject({ matchLabels: { 'bad key': 'x' } });
    expect((badKey as Error).message).toBe(`invalid label key "bad key": ${QNAME_RULE}`);
  });
});

describe('parseFieldSelector / matchesFields', () => {
  const pod: KubeObject = {
    metadata: { name: 'p', namespace: 'ns' },
    spec: { nodeName: 'n1', restartPolicy: 'Always' },
    // A made-up address: matched by a field selector, never contacted.
    status: { phase: 'Running', podIP: '10.0.0.1' },
  };
  const match = (sel: string, d: ResourceDef, obj: KubeObject): boolean =>
    matchesFields(parseFieldSelector(sel, d), obj, d);

  it('matches name, namespace and the pod fields', () => {
    expect(match('metadata.name=p,spec.nodeName=n1', pods, pod)).toBe(true);
    expect(match('status.phase!=Running', pods, pod)).toBe(false);
    expect(match('metadata.namespace==ns', pods, pod)).toBe(true);
    expect(match('spec.schedulerName=', pods, pod)).toBe(true);
    expect(match('status.podIP=10.0.0.1', pods, pod)).toBe(true);
    expect(match('', pods, pod)).toBe(true);
    expect(match(',,', pods, pod)).toBe(true);
    expect(match('=', pods, pod)).toBe(true);
  });

  it('converts spec.host to spec.nodeName and accepts status.podIPs (not in the field set: always "")', () => {
    const sel = parseFieldSelector('spec.host=n1', pods);
    expect(matchesFields(sel, pod, pods)).toBe(true);
    expect(exactFieldValue(sel, 'spec.nodeName')).toBe('n1');
    expect(match('status.podIPs=10.0.0.1', pods, pod)).toBe(false);
    expect(match('status.podIPs=', pods, pod)).toBe(true);
  });

  it('unescapes values like fields.UnescapeValue', () => {
    const odd: KubeObject = { metadata: { name: 'a,b=c\\d', namespace: 'ns' } };
    expect(match('metadata.name=a\\,b\\=c\\\\d', cms, odd)).toBe(true);
    expect(formatFieldSelector(parseFieldSelector('metadata.name=a\\,b\\=c\\\\d', cms))).toBe(
      'metadata.name=a\\,b\\=c\\\\d',
    );
  });

  it('reads metadata.namespace as "" for cluster-scoped kinds without a conversion func', () => {
    const svc: KubeObject = { metadata: { name: 'v1.apps' } };
    expect(match('metadata.namespace=', apiservices, svc)).toBe(true);
    expect(match('metadata.namespace=x', apiservices, svc)).toBe(false);
  });

  it('uses the kinds own fields: node, namespace, secret, job, events', () => {
    expect(match('spec.unschedulable=false', nodes, { metadata: { name: 'n' } })).toBe(true);
    expect(match('status.phase=Active', namespaces, { metadata: { name: 'x' }, status: { phase: 'Active' } })).toBe(
      true,
    );
    expect(match('type=Opaque', secrets, { metadata: { name: 's', namespace: 'n' }, type: 'Opaque' })).toBe(true);
    expect(match('status.successful=0', jobs, { metadata: { name: 'j', namespace: 'n' } })).toBe(true);
    const ev: KubeObject = {
      metadata: { name: 'e', namespace: 'n' },
      involvedObject: { kind: 'Pod' },
      reportingComponent: 'kubelet',
    };
    expect(match('involvedObject.kind=Pod,source=kubelet', coreEvents, ev)).toBe(true);
    const ev2: KubeObject = {
      metadata: { name: 'e', namespace: 'n' },
      regarding: { kind: 'Pod', fieldPath: 'spec' },
      reportingController: 'ctl',
    };
    expect(match('regarding.kind=Pod,regarding.fieldPath=spec,reportingController=ctl', events, ev2)).toBe(true);
  });

  it("names unsupported field labels in each kind's words", () => {
    const msg = (sel: string, d: ResourceDef): string | undefined => failure(() => parseFieldSelector(sel, d)).message;
    expect(failure(() => parseFieldSelector('spec.bogus=1', pods))).toEqual({
      code: 400,
      reason: 'BadRequest',
      message: 'field label not supported: spec.bogus',
    });
    expect(msg('data.x=1', cms)).toBe(
      '"data.x" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
    expect(msg('foo=bar', jobs)).toBe('field label "foo" not supported for batchv1.Job');
    expect(msg('status.replicas=1', rss)).toBe(
      '"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
    expect(msg('metadata.namespace=x', nodes)).toBe('field label not supported: metadata.namespace');
    expect(msg('metadata.namespace=x', namespaces)).toBe('field label not supported: metadata.namespace');
    expect(msg('involvedObject.kind=Pod', events)).toBe('field label not supported: involvedObject.kind');
    // No trimming: the spaces are part of the label.
    expect(msg(' metadata.name = x', cms)).toBe(
      '" metadata.name " is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
    // Terms are sorted before conversion, so the first unsupported one in sort order is named.
    expect(msg('zzz=1,yyy=2', pods)).toBe('field label not supported: yyy');
    expect(msg('=x', pods)).toBe('field label not supported: ');
  });

  it('rejects malformed terms with fields.ParseSelector wording', () => {
    const msg = (sel: string): string | undefined => failure(() => parseFieldSelector(sel, pods)).message;
    expect(msg('foo')).toBe("invalid selector: 'foo'; can't understand 'foo'");
    expect(msg('spec.bogus=1,a')).toBe("invalid selector: 'spec.bogus=1,a'; can't understand 'a'");
    expect(msg('a=b=c')).toBe('invalid field selector: unescaped character in value: 61');
    expect(msg('metadata.name=a\\x')).toBe('invalid field selector: invalid escape sequence: \\x');
    expect(msg('metadata.name=a\\')).toBe('invalid field selector: invalid escape sequence: \\');
  });

  it('exposes the exact value a term pins', () => {
    const sel = parseFieldSelector('metadata.name=p,status.phase!=Failed', pods);
    expect(exactFieldValue(sel, 'metadata.name')).toBe('p');
    expect(exactFieldValue(sel, 'status.phase')).toBeUndefined();
    expect(exactFieldValue(sel, 'metadata.namespace')).toBeUndefined();
  });
});

// The cost of matching is a figure of `npm run bench -- selectors`, not a timed assertion here.
describe('matching many objects', () => {
  it('matches exactly the objects both selectors select, over 10,000 objects', () => {
    const labelSel = parseLabelSelector('app=web,tier in (a,b,c),!legacy');
    const fieldSel = parseFieldSelector('status.phase=Running,metadata.namespace=ns', pods);
    const objs: KubeObject[] = Array.from({ length: 10_000 }, (_, i) => ({
      metadata: {
        name: `p${i}`,
        namespace: i % 5 === 0 ? 'other' : 'ns',
        labels: { app: i % 2 ? 'web' : 'db', tier: 'b', ...(i % 3 === 0 ? { legacy: 'x' } : {}) },
      },
      status: { phase: i % 7 === 0 ? 'Pending' : 'Running' },
    }));
    const picked = objs
      .filter((o) => matchesLabels(labelSel, o.metadata.labels) && matchesFields(fieldSel, o, pods))
      .map((o) => o.metadata.name);
    const expected = objs
      .map((_, i) => i)
      .filter((i) => i % 2 === 1 && i % 3 !== 0 && i % 5 !== 0 && i % 7 !== 0)
      .map((i) => `p${i}`);
    expect(picked).toEqual(expected);
  });
});
