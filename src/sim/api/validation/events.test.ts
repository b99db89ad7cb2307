import { describe, expect, it } from 'vitest';
import { formatFieldError, type FieldError } from '../../../kube/apimachinery/errors.ts';
import { ResourceRegistry, type KubeObject, type ResourceDef } from '../registry.ts';
import { validateCreate, validateUpdate } from './index.ts';
import { eventsV1ToCoreEvent } from '../conversion/events.ts';

/**
 * Event validation as kube-apiserver 1.20 words it (messages observed against a real 1.20 control plane).
 * Validation reads the storage (core) form; `def` says which version the write came through.
 */

const registry = new ResourceRegistry();
const def = (group: string): ResourceDef => registry.find(group, 'v1', 'events') as ResourceDef;
const core = def('');
const v1 = def('events.k8s.io');
const lines = (errs: FieldError[]): string[] => errs.map(formatFieldError);
const metadata = { name: 'e', namespace: 'ns', uid: 'u', creationTimestamp: '2024-01-01T00:00:00Z' };

const newStyleCore = (extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata,
  involvedObject: { kind: 'Pod', name: 'p', namespace: 'ns' },
  eventTime: '2024-01-01T00:00:00.000000Z',
  reportingComponent: 'kubeloop.dev/drill',
  reportingInstance: 'i',
  action: 'A',
  reason: 'R',
  type: 'Normal',
  ...extra,
});

describe('Event validation', () => {
  it('holds events with an eventTime to the reporting fields through core/v1 too (legacyValidateEvent)', () => {
    expect(validateCreate(core, newStyleCore())).toEqual([]);
    expect(
      lines(
        validateCreate(
          core,
          newStyleCore({
            reportingComponent: '',
            action: '',
            reason: 'x'.repeat(129),
            involvedObject: { kind: 'Pod' },
          }),
        ),
      ),
    ).toEqual([
      'involvedObject.namespace: Invalid value: "": does not match event.namespace',
      'reportingController: Required value',
      'reportingController: Invalid value: "": name part must be non-empty',
      "reportingController: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      'action: Required value',
      'reason: Invalid value: "": can have at most 128 characters',
    ]);
  });

  it('accepts an old-style event only through core/v1', () => {
    const old: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata,
      involvedObject: { kind: 'Pod', name: 'p', namespace: 'ns' },
      reason: 'R',
      source: { component: 'kubelet' },
      count: 2,
    };
    expect(validateCreate(core, old)).toEqual([]);
    const viaEvents: KubeObject = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata,
      regarding: { kind: 'Pod', name: 'p', namespace: 'ns' },
      reason: 'R',
      deprecatedSource: { component: 'kubelet' },
      deprecatedCount: 2,
      deprecatedLastTimestamp: '2024-01-01T00:00:00Z',
      type: 'Info',
    };
    expect(lines(validateCreate(v1, eventsV1ToCoreEvent(viaEvents)))).toEqual([
      'eventTime: Required value',
      'type: Invalid value: "": has invalid value: Info',
      'lastTimestamp: Invalid value: "": needs to be unset',
      'count: Invalid value: "": needs to be unset',
      'source: Invalid value: "": needs to be unset',
    ]);
  });

  it('checks a new series strictly: at least 2 and an observed time', () => {
    const ev: KubeObject = {
      ...newStyleCore(),
      apiVersion: 'events.k8s.io/v1',
      regarding: { kind: 'Pod', name: 'p', namespace: 'ns' },
      reportingController: 'c',
      series: { count: 1 },
    };
    expect(lines(validateCreate(v1, eventsV1ToCoreEvent(ev)))).toEqual([
      'series.count: Invalid value: "": should be at least 2',
      'series.lastObservedTime: Required value',
    ]);
  });

  it('updates through either version with the legacy rules only, as 1.20 does', () => {
    const old = newStyleCore();
    const changed = newStyleCore({ message: 'changed', type: 'Other' });
    expect(validateUpdate(core, changed, old)).toEqual([]);
    expect(validateUpdate(v1, changed, old)).toEqual([]);
    expect(lines(validateUpdate(core, newStyleCore({ reportingInstance: '' }), old))).toEqual([
      'reportingInstance: Required value',
    ]);
  });
});
