import { describe, expect, it } from 'vitest';
import { canonical, difference, formatPath, intersection, memberPaths, union } from './fieldset.ts';

describe('FieldsV1 sets', () => {
  const a = { 'f:data': { '.': {}, 'f:a': {}, 'f:b': {} }, 'f:metadata': { 'f:labels': { 'f:x': {} } } };
  const b = { 'f:data': { 'f:b': {}, 'f:c': {} } };

  it('unites, keeping a node a member when either side has it', () => {
    expect(union(a, b)).toEqual({
      'f:data': { '.': {}, 'f:a': {}, 'f:b': {}, 'f:c': {} },
      'f:metadata': { 'f:labels': { 'f:x': {} } },
    });
  });

  it('subtracts members and drops what became empty', () => {
    expect(difference(a, b)).toEqual({ 'f:data': { '.': {}, 'f:a': {} }, 'f:metadata': { 'f:labels': { 'f:x': {} } } });
    expect(difference(b, union(a, b))).toBeUndefined();
    // Removing the map's own membership keeps its fields.
    expect(difference(a, { 'f:data': { '.': {} } })).toEqual({
      'f:data': { 'f:a': {}, 'f:b': {} },
      'f:metadata': { 'f:labels': { 'f:x': {} } },
    });
  });

  it('intersects', () => {
    expect(intersection(a, b)).toEqual({ 'f:data': { 'f:b': {} } });
    expect(intersection(a, { 'f:spec': {} })).toBeUndefined();
  });

  it('orders elements as structured-merge-diff does: ".", fields, keys, values', () => {
    const c = canonical({ 'v:"x"': {}, 'k:{"name":"a"}': {}, 'f:z': {}, 'f:a': {}, '.': {} });
    expect(Object.keys(c)).toEqual(['.', 'f:a', 'f:z', 'k:{"name":"a"}', 'v:"x"']);
  });

  it('lists member paths and prints them like kube-apiserver', () => {
    const s = {
      'f:spec': {
        'f:replicas': {},
        'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {} } } } },
      },
    };
    expect(memberPaths(s).map(formatPath)).toEqual([
      '.spec.replicas',
      '.spec.template.spec.containers[name="c"]',
      '.spec.template.spec.containers[name="c"].image',
    ]);
    expect(formatPath(['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}'])).toBe(
      '.spec.ports[port=80,protocol="TCP"]',
    );
    expect(formatPath(['f:metadata', 'f:finalizers', 'v:"kubernetes"'])).toBe('.metadata.finalizers[="kubernetes"]');
  });
});
