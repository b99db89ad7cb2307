import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../registry.ts';
import { coreEventToEventsV1, eventsV1ToCoreEvent, shapeCoreEvent, shapeEventsV1Event } from './events.ts';
import { goMicroTime, goTime } from './go-time.ts';

const meta = {
  name: 'web-0.17a',
  namespace: 'shop',
  uid: 'u-1',
  resourceVersion: '42',
  creationTimestamp: '2024-01-01T00:00:00Z',
  labels: { a: 'b' },
};

/** Every field of a core/v1 Event set, in Go's field order. */
const fullCore: KubeObject = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: meta,
  involvedObject: {
    kind: 'Pod',
    namespace: 'shop',
    name: 'web-0',
    uid: 'p-1',
    apiVersion: 'v1',
    resourceVersion: '7',
    fieldPath: 'spec.containers{web}',
  },
  reason: 'Pulled',
  message: 'Container image already present',
  source: { component: 'kubelet', host: 'node-1' },
  firstTimestamp: '2024-01-01T00:00:00Z',
  lastTimestamp: '2024-01-01T00:05:00Z',
  count: 3,
  type: 'Normal',
  eventTime: '2024-01-01T00:00:00.123456Z',
  series: { count: 2, lastObservedTime: '2024-01-01T00:04:00.000001Z' },
  action: 'Pull',
  related: { kind: 'Node', name: 'node-1' },
  reportingComponent: 'kubelet',
  reportingInstance: 'node-1',
};

/** The same event as events.k8s.io/v1 serves it, in Go's field order. */
const fullV1: KubeObject = {
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: meta,
  eventTime: '2024-01-01T00:00:00.123456Z',
  series: { count: 2, lastObservedTime: '2024-01-01T00:04:00.000001Z' },
  reportingController: 'kubelet',
  reportingInstance: 'node-1',
  action: 'Pull',
  reason: 'Pulled',
  regarding: {
    kind: 'Pod',
    namespace: 'shop',
    name: 'web-0',
    uid: 'p-1',
    apiVersion: 'v1',
    resourceVersion: '7',
    fieldPath: 'spec.containers{web}',
  },
  related: { kind: 'Node', name: 'node-1' },
  note: 'Container image already present',
  type: 'Normal',
  deprecatedSource: { component: 'kubelet', host: 'node-1' },
  deprecatedFirstTimestamp: '2024-01-01T00:00:00Z',
  deprecatedLastTimestamp: '2024-01-01T00:05:00Z',
  deprecatedCount: 3,
};

const keys = (o: object): string[] => Object.keys(o);

describe('core/v1 <-> events.k8s.io/v1 Event conversion', () => {
  it('maps every field as Convert_core_Event_To_v1_Event does, in the struct order Go writes', () => {
    const v1 = coreEventToEventsV1(fullCore);
    expect(v1).toEqual(fullV1);
    expect(keys(v1)).toEqual(keys(fullV1));
  });

  it('maps every field back as Convert_v1_Event_To_core_Event does', () => {
    const core = eventsV1ToCoreEvent(fullV1);
    expect(core).toEqual(fullCore);
    expect(keys(core)).toEqual(keys(fullCore));
  });

  it('round-trips either way without loss', () => {
    expect(eventsV1ToCoreEvent(coreEventToEventsV1(fullCore))).toEqual(fullCore);
    expect(coreEventToEventsV1(eventsV1ToCoreEvent(fullV1))).toEqual(fullV1);
  });

  it('reads an old-style event (no eventTime, no reporting fields) as kube-apiserver serves it', () => {
    const core: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e1', namespace: 'p' },
      involvedObject: { kind: 'Pod', name: 'x', namespace: 'p' },
      reason: 'R',
      message: 'hello',
      type: 'Normal',
    };
    // Observed from kube-apiserver 1.20 for this object created through /api/v1.
    expect(coreEventToEventsV1(core)).toEqual({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'e1', namespace: 'p' },
      eventTime: null,
      reason: 'R',
      regarding: { kind: 'Pod', namespace: 'p', name: 'x' },
      note: 'hello',
      type: 'Normal',
      deprecatedSource: {},
      deprecatedFirstTimestamp: null,
      deprecatedLastTimestamp: null,
    });
  });

  it('reads a new-style event through core/v1 with the fields core always writes', () => {
    const v1: KubeObject = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'e2', namespace: 'p' },
      eventTime: '2024-01-01T00:00:00.000000Z',
      reportingController: 'kubeloop.dev/test',
      reportingInstance: 'i1',
      action: 'Act',
      reason: 'Made',
      regarding: { kind: 'Pod', name: 'x', namespace: 'p' },
      note: 'n',
      type: 'Warning',
    };
    expect(eventsV1ToCoreEvent(v1)).toEqual({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e2', namespace: 'p' },
      involvedObject: { kind: 'Pod', namespace: 'p', name: 'x' },
      reason: 'Made',
      message: 'n',
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      type: 'Warning',
      eventTime: '2024-01-01T00:00:00.000000Z',
      action: 'Act',
      reportingComponent: 'kubeloop.dev/test',
      reportingInstance: 'i1',
    });
  });

  it('writes series.count always in events.k8s.io/v1 but omits a zero one in core/v1', () => {
    const core = shapeCoreEvent({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' }, series: {} });
    expect(core['series']).toEqual({ lastObservedTime: null });
    expect(coreEventToEventsV1(core)['series']).toEqual({ count: 0, lastObservedTime: null });
  });

  it('neither modifies its input nor shares any part of it', () => {
    const input = structuredClone(fullCore);
    const out = coreEventToEventsV1(input);
    expect(input).toEqual(fullCore);
    expect(out.metadata).not.toBe(input.metadata);
    expect(out['regarding']).not.toBe(input['involvedObject']);
    expect(out['series']).not.toBe(input['series']);
    const back = eventsV1ToCoreEvent(out);
    expect(back['involvedObject']).not.toBe(out['regarding']);
  });
});

describe('Go shape of Events', () => {
  it('drops unknown and empty fields, writes zero times as null, keeps core strings without omitempty', () => {
    const shaped = shapeCoreEvent({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e' },
      bogus: 1,
      note: 'not a core field',
      count: 0,
      reason: '',
      involvedObject: { kind: 'Pod', name: 'x', extra: 'q', namespace: '' },
      related: null,
      series: null,
    });
    expect(shaped).toEqual({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e' },
      involvedObject: { kind: 'Pod', name: 'x' },
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      eventTime: null,
      reportingComponent: '',
      reportingInstance: '',
    });
  });

  it('renders times in UTC: metav1.Time to the second, MicroTime to the microsecond', () => {
    const shaped = shapeEventsV1Event({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'e' },
      eventTime: '2024-01-01T00:00:00.1234567+02:00',
      deprecatedFirstTimestamp: '2024-01-01T00:00:00.123Z',
    });
    expect(shaped['eventTime']).toBe('2023-12-31T22:00:00.123456Z');
    expect(shaped['deprecatedFirstTimestamp']).toBe('2024-01-01T00:00:00Z');
    expect(goTime('2024-02-29T23:30:00-01:00')).toBe('2024-03-01T00:30:00Z');
    expect(goMicroTime('2024-01-01T00:00:00Z')).toBe('2024-01-01T00:00:00.000000Z');
    expect(goMicroTime('')).toBeNull();
    expect(goTime('not a time')).toBe('not a time');
  });
});
