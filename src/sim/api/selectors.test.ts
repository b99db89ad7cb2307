import { describe, expect, it } from 'vitest';
import { formatLabelSelector, labelSelectorFromObject, matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { ResourceRegistry } from './registry.ts';
import { ApiError } from './errors.ts';

const registry = new ResourceRegistry();
const pods = registry.find('', 'v1', 'pods')!;
const cms = registry.find('', 'v1', 'configmaps')!;

function status(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof ApiError ? err.code : -1;
  }
  return undefined;
}

describe('label selectors', () => {
  const cases: [string, Record<string, string>, boolean][] = [
    ['app=web', { app: 'web' }, true],
    ['app==web', { app: 'db' }, false],
    ['app!=web', {}, true],
    ['tier in (a,b)', { tier: 'b' }, true],
    ['tier notin (a,b)', { tier: 'c' }, true],
    ['tier notin (a,b)', {}, true],
    ['tier', { tier: '' }, true],
    ['!tier', { tier: 'x' }, false],
    ['app=web,tier!=db', { app: 'web', tier: 'fe' }, true],
    ['example.com/role=edge', { 'example.com/role': 'edge' }, true],
  ];
  it.each(cases)('%s on %o -> %s', (sel, labels, want) => {
    expect(matchesLabels(parseLabelSelector(sel), labels)).toBe(want);
  });

  it('rejects malformed selectors with 400', () => {
    for (const bad of ['a in (', 'a=b=c', '!', 'Bad Key=x', 'a=' + 'x'.repeat(64)]) expect(status(() => parseLabelSelector(bad))).toBe(400);
  });

  it('converts metav1.LabelSelector objects (nil matches nothing, {} everything)', () => {
    expect(matchesLabels(labelSelectorFromObject(undefined), {})).toBe(false);
    expect(matchesLabels(labelSelectorFromObject({}), { any: 'x' })).toBe(true);
    const sel = labelSelectorFromObject({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] });
    expect(formatLabelSelector(sel)).toBe('app=web,tier in (a,b)');
  });
});

describe('field selectors', () => {
  const pod = { metadata: { name: 'p', namespace: 'ns' }, spec: { nodeName: 'n1' }, status: { phase: 'Running' } };
  it('matches name, namespace and the pod fields', () => {
    expect(matchesFields(parseFieldSelector('metadata.name=p,spec.nodeName=n1', pods), pod, pods)).toBe(true);
    expect(matchesFields(parseFieldSelector('status.phase!=Running', pods), pod, pods)).toBe(false);
    expect(matchesFields(parseFieldSelector('metadata.namespace==ns', pods), pod, pods)).toBe(true);
  });

  it('names unsupported fields the way the apiserver does', () => {
    expect(() => parseFieldSelector('spec.bogus=1', pods)).toThrow('field label not supported: spec.bogus');
    expect(() => parseFieldSelector('data.x=1', cms)).toThrow('"data.x" is not a known field selector: only "metadata.name", "metadata.namespace"');
  });
});
