import { describe, expect, it } from 'vitest';
import { applyPatch, patchTypeFromContentType } from './index.ts';
import { ApiError } from '../../../kube/apimachinery/errors.ts';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', finalizers: ['a', 'b'] },
  spec: {
    replicas: 1,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } },
    template: {
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx:1.25',
            args: ['-x'],
            env: [
              { name: 'MODE', value: 'one' },
              { name: 'KEEP', value: 'k' },
            ],
            ports: [{ containerPort: 80 }],
          },
          { name: 'side', image: 'busybox' },
        ],
      },
    },
  },
};
const target = { group: 'apps', version: 'v1', kind: 'Deployment' };

function code(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof ApiError ? err.code : -1;
  }
  return undefined;
}

describe('applyPatch', () => {
  it('merge patch: nested merge, null deletes, never mutates the original', () => {
    const before = JSON.stringify(deployment);
    const out = applyPatch('merge', deployment, { spec: { replicas: 3, strategy: null } }, target) as typeof deployment;
    expect(out.spec.replicas).toBe(3);
    expect(out.spec).not.toHaveProperty('strategy');
    expect(JSON.stringify(deployment)).toBe(before);
  });

  it('JSON patch: add/replace/move/copy/test, "-" append and pointer escapes', () => {
    const doc = { metadata: { name: 'x', annotations: { 'a/b': '1' } }, list: [1, 2] };
    const out = applyPatch(
      'json',
      doc,
      [
        { op: 'add', path: '/list/-', value: 3 },
        { op: 'replace', path: '/metadata/annotations/a~1b', value: '2' },
        { op: 'copy', from: '/list/0', path: '/first' },
        { op: 'move', from: '/first', path: '/moved' },
        { op: 'test', path: '/moved', value: 1 },
      ],
      target,
    );
    expect(out).toEqual({ metadata: { name: 'x', annotations: { 'a/b': '2' } }, list: [1, 2, 3], moved: 1 });
  });

  it('JSON patch errors: 422 when an operation cannot apply, 400 when the body is not a list', () => {
    expect(code(() => applyPatch('json', deployment, [{ op: 'remove', path: '/spec/nope' }], target))).toBe(422);
    expect(code(() => applyPatch('json', deployment, [{ op: 'test', path: '/spec/replicas', value: 2 }], target))).toBe(
      422,
    );
    expect(code(() => applyPatch('json', deployment, { op: 'add' }, target))).toBe(400);
  });

  it('strategic merge: containers by name, env by name, other lists atomic', () => {
    const out = applyPatch(
      'strategic',
      deployment,
      {
        spec: {
          template: {
            spec: {
              containers: [{ name: 'web', image: 'nginx:1.26', args: ['-y'], env: [{ name: 'MODE', value: 'two' }] }],
            },
          },
        },
      },
      target,
    ) as typeof deployment;
    const [web, side] = out.spec.template.spec.containers;
    expect(web?.image).toBe('nginx:1.26');
    expect(web?.args).toEqual(['-y']);
    expect(web?.env).toEqual([
      { name: 'MODE', value: 'two' },
      { name: 'KEEP', value: 'k' },
    ]);
    expect(web?.ports).toEqual([{ containerPort: 80 }]);
    expect(side?.name).toBe('side');
  });

  it('strategic merge: the patch kubectl apply sends, with $setElementOrder', () => {
    const out = applyPatch(
      'strategic',
      deployment,
      {
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'side' }, { name: 'web' }],
              containers: [
                {
                  '$setElementOrder/env': [{ name: 'MODE' }, { name: 'KEEP' }],
                  env: [{ name: 'MODE', value: 'two' }],
                  image: 'nginx:1.26',
                  name: 'web',
                },
              ],
            },
          },
        },
      },
      target,
    ) as typeof deployment;
    expect(out.spec.template.spec.containers.map((c) => c.name)).toEqual(['side', 'web']);
    expect(out.spec.template.spec.containers[1]?.env?.[0]).toEqual({ name: 'MODE', value: 'two' });
  });

  it('strategic merge directives: $patch delete/replace, $deleteFromPrimitiveList, $retainKeys', () => {
    const deleted = applyPatch(
      'strategic',
      deployment,
      { spec: { template: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } } } },
      target,
    ) as typeof deployment;
    expect(deleted.spec.template.spec.containers.map((c) => c.name)).toEqual(['web']);
    const replaced = applyPatch(
      'strategic',
      deployment,
      { spec: { template: { spec: { containers: [{ name: 'only', image: 'x' }, { $patch: 'replace' }] } } } },
      target,
    ) as typeof deployment;
    expect(replaced.spec.template.spec.containers).toEqual([{ name: 'only', image: 'x' }]);
    const fin = applyPatch(
      'strategic',
      deployment,
      { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } },
      target,
    ) as typeof deployment;
    expect(fin.metadata.finalizers).toEqual(['b']);
    const union = applyPatch(
      'strategic',
      deployment,
      { metadata: { finalizers: ['b', 'c'] } },
      target,
    ) as typeof deployment;
    expect(union.metadata.finalizers).toEqual(['a', 'b', 'c']);
    const retained = applyPatch(
      'strategic',
      deployment,
      { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
      target,
    ) as typeof deployment;
    expect(retained.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('maps content types and refuses others with 415', () => {
    expect(patchTypeFromContentType('application/merge-patch+json; charset=utf-8')).toBe('merge');
    expect(patchTypeFromContentType('application/json-patch+json')).toBe('json');
    expect(patchTypeFromContentType('application/strategic-merge-patch+json')).toBe('strategic');
    expect(code(() => patchTypeFromContentType('text/plain'))).toBe(415);
  });
});
