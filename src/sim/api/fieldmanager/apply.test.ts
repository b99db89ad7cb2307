import { describe, expect, it } from 'vitest';
import { trackApply } from './apply.ts';
import type { ManagedEntry } from './entries.ts';
import { isApiError } from '../../../kube/apimachinery/errors.ts';

const T = '2026-01-01T00:00:00Z';
const cm = (data: Record<string, string>, labels?: Record<string, string>): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'a', ...(labels ? { labels } : {}) },
  data,
});
const empty = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } };

function applyAs(
  manager: string,
  live: Record<string, unknown>,
  entries: ManagedEntry[],
  config: Record<string, unknown>,
  force = false,
): ReturnType<typeof trackApply> {
  return trackApply({ kind: 'ConfigMap', entries, manager, apiVersion: 'v1', live, config, force, time: T });
}

function conflictOf(fn: () => unknown): { code: number; message: string; causes: unknown } {
  try {
    fn();
  } catch (err) {
    if (!isApiError(err)) throw err;
    return { code: err.code, message: err.status.message ?? '', causes: err.status.details?.causes };
  }
  throw new Error('expected a conflict');
}

describe('server-side apply', () => {
  const first = applyAs('m1', empty, [], cm({ k: 'v', k2: 'v2' }, { x: '1' }));

  it('owns exactly what it applied: struct fields claim only their fields, map entries themselves', () => {
    expect(first.object).toEqual(cm({ k: 'v', k2: 'v2' }, { x: '1' }));
    expect(first.entries).toEqual([
      {
        manager: 'm1',
        operation: 'Apply',
        apiVersion: 'v1',
        time: T,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:k': {}, 'f:k2': {} }, 'f:metadata': { 'f:labels': { 'f:x': {} } } },
      },
    ]);
  });

  it('refuses to change a field another manager owns, naming each field and its manager', () => {
    const c = conflictOf(() => applyAs('m2', first.object, first.entries, cm({ k: 'other', k2: 'other' })));
    expect(c).toEqual({
      code: 409,
      message: 'Apply failed with 2 conflicts: conflicts with "m1":\n- .data.k\n- .data.k2',
      causes: [
        { reason: 'FieldManagerConflict', message: 'conflict with "m1"', field: '.data.k' },
        { reason: 'FieldManagerConflict', message: 'conflict with "m1"', field: '.data.k2' },
      ],
    });
    expect(conflictOf(() => applyAs('m2', first.object, first.entries, cm({ k2: 'other' }))).message).toBe(
      'Apply failed with 1 conflict: conflict with "m1": .data.k2',
    );
  });

  it('names an Update manager with the version it used', () => {
    const entries: ManagedEntry[] = [
      {
        manager: 'kubectl',
        operation: 'Update',
        apiVersion: 'v1',
        time: T,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:k': {} } },
      },
    ];
    expect(conflictOf(() => applyAs('m1', cm({ k: 'v' }), entries, cm({ k: 'w' }))).message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl" using v1: .data.k',
    );
  });

  it('shares a field applied with the same value; force takes it over', () => {
    const shared = applyAs('m2', first.object, first.entries, cm({ k: 'v' }));
    expect(shared.entries.map((e) => [e.manager, e.fieldsV1])).toEqual([
      ['m1', { 'f:data': { 'f:k': {}, 'f:k2': {} }, 'f:metadata': { 'f:labels': { 'f:x': {} } } }],
      ['m2', { 'f:data': { 'f:k': {} } }],
    ]);
    const forced = applyAs('m2', shared.object, shared.entries, cm({ k: 'v', k2: 'forced' }), true);
    expect(forced.object['data']).toEqual({ k: 'v', k2: 'forced' });
    expect(forced.entries.map((e) => [e.manager, e.fieldsV1])).toEqual([
      ['m1', { 'f:data': { 'f:k': {} }, 'f:metadata': { 'f:labels': { 'f:x': {} } } }],
      ['m2', { 'f:data': { 'f:k': {}, 'f:k2': {} } }],
    ]);
    // m1 stops applying the label and k2: the label goes (nobody else owns it), k2 stays (m2 owns it).
    const dropped = applyAs('m1', forced.object, forced.entries, cm({ k: 'v' }));
    expect(dropped.object).toEqual({ ...cm({ k: 'v', k2: 'forced' }), metadata: { name: 'a', labels: {} } });
    expect(dropped.entries.find((e) => e.manager === 'm1')?.fieldsV1).toEqual({ 'f:data': { 'f:k': {} } });
  });

  it('merges keyed lists item by item, keys defaulted like the server defaults them', () => {
    const dep = (image: string, replicas?: number): Record<string, unknown> => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: {
        ...(replicas ? { replicas } : {}),
        template: { spec: { containers: [{ name: 'c', image, ports: [{ containerPort: 80 }] }] } },
      },
    });
    const r = trackApply({
      kind: 'Deployment',
      entries: [],
      manager: 'm1',
      apiVersion: 'apps/v1',
      live: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } },
      config: dep('nginx', 2),
      force: false,
      time: T,
    });
    expect(r.entries[0]?.fieldsV1).toEqual({
      'f:spec': {
        'f:replicas': {},
        'f:template': {
          'f:spec': {
            'f:containers': {
              'k:{"name":"c"}': {
                '.': {},
                'f:image': {},
                'f:name': {},
                'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
              },
            },
          },
        },
      },
    });
    const c = conflictOf(() =>
      trackApply({
        kind: 'Deployment',
        entries: r.entries,
        manager: 'm2',
        apiVersion: 'apps/v1',
        live: r.object,
        config: dep('busybox', 3),
        force: false,
        time: T,
      }),
    );
    expect(c.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "m1":\n- .spec.replicas\n- .spec.template.spec.containers[name="c"].image',
    );
  });

  it('never modifies the live object', () => {
    const live = cm({ k: 'v' }, { x: '1' });
    const before = structuredClone(live);
    const entries: ManagedEntry[] = [
      {
        manager: 'm1',
        operation: 'Apply',
        apiVersion: 'v1',
        time: T,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:k': {} }, 'f:metadata': { 'f:labels': { 'f:x': {} } } },
      },
    ];
    applyAs('m1', live, entries, cm({}));
    expect(live).toEqual(before);
  });
});
