import type { KubeObject, ObjectMeta } from '../registry.ts';
import { isPlainObject } from '../../../util/deep-equal.ts';
import { goMicroTime, goTime } from './go-time.ts';

/**
 * core/v1 Event <-> events.k8s.io/v1 Event, as kube-apiserver converts them: both are versions of
 * the one internal (core) Event stored under /registry/events. The field mapping is
 * pkg/apis/events/v1/conversion.go plus its generated part (zz_generated.conversion.go):
 *
 *   involvedObject <-> regarding          message        <-> note
 *   source         <-> deprecatedSource   count          <-> deprecatedCount
 *   firstTimestamp <-> deprecatedFirstTimestamp
 *   lastTimestamp  <-> deprecatedLastTimestamp
 *   reportingComponent <-> reportingController (the internal field is ReportingController)
 *   metadata, eventTime, series, reportingInstance, action, reason, related, type: as they are.
 *
 * Both directions also give the JSON the shape Go's structs give it (field order, omitempty,
 * zero times as null, unknown fields dropped), so a converted object reads exactly like one
 * kube-apiserver serves.
 */

type Obj = Record<string, unknown>;

const REFERENCE_KEYS = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'] as const;

const asObj = (v: unknown): Obj => (isPlainObject(v) ? v : {});
const absent = (v: unknown): boolean => v === undefined || v === null;

/** An `omitempty` scalar: left out when "", 0, false or unset. */
function put(out: Obj, key: string, v: unknown): void {
  if (absent(v) || v === '' || v === 0 || v === false) return;
  out[key] = v;
}

/** A string field without `omitempty`: always written, "" when unset. */
const plain = (v: unknown): unknown => (absent(v) ? '' : v);

/** corev1.ObjectReference: every field is an omitempty string. */
function reference(v: unknown): Obj {
  const src = asObj(v);
  const out: Obj = {};
  for (const k of REFERENCE_KEYS) put(out, k, src[k]);
  return out;
}

function source(v: unknown): Obj {
  const src = asObj(v);
  const out: Obj = {};
  put(out, 'component', src['component']);
  put(out, 'host', src['host']);
  return out;
}

/** EventSeries: core/v1's count is omitempty, events.k8s.io/v1's is not; lastObservedTime never is. */
function series(v: unknown, countAlways: boolean): Obj | undefined {
  if (absent(v)) return undefined;
  const src = asObj(v);
  const out: Obj = {};
  if (countAlways) out['count'] = src['count'] ?? 0;
  else put(out, 'count', src['count']);
  out['lastObservedTime'] = goMicroTime(src['lastObservedTime']);
  return out;
}

function putOptional(out: Obj, key: string, v: Obj | undefined): void {
  if (v !== undefined) out[key] = v;
}

const cloneMeta = (m: unknown): ObjectMeta => structuredClone(asObj(m)) as ObjectMeta;

/** A core/v1 Event as Go serializes k8s.io/api/core/v1.Event (struct field order). */
export function shapeCoreEvent(e: KubeObject): KubeObject {
  const out: Obj = {
    apiVersion: e.apiVersion ?? 'v1',
    kind: e.kind ?? 'Event',
    metadata: cloneMeta(e.metadata),
    involvedObject: reference(e['involvedObject']),
  };
  put(out, 'reason', e['reason']);
  put(out, 'message', e['message']);
  out['source'] = source(e['source']);
  out['firstTimestamp'] = goTime(e['firstTimestamp']);
  out['lastTimestamp'] = goTime(e['lastTimestamp']);
  put(out, 'count', e['count']);
  put(out, 'type', e['type']);
  out['eventTime'] = goMicroTime(e['eventTime']);
  putOptional(out, 'series', series(e['series'], false));
  put(out, 'action', e['action']);
  putOptional(out, 'related', absent(e['related']) ? undefined : reference(e['related']));
  out['reportingComponent'] = plain(e['reportingComponent']);
  out['reportingInstance'] = plain(e['reportingInstance']);
  return out as KubeObject;
}

/** An events.k8s.io/v1 Event as Go serializes k8s.io/api/events/v1.Event (struct field order). */
export function shapeEventsV1Event(e: KubeObject): KubeObject {
  const out: Obj = {
    apiVersion: e.apiVersion ?? 'events.k8s.io/v1',
    kind: e.kind ?? 'Event',
    metadata: cloneMeta(e.metadata),
    eventTime: goMicroTime(e['eventTime']),
  };
  putOptional(out, 'series', series(e['series'], true));
  put(out, 'reportingController', e['reportingController']);
  put(out, 'reportingInstance', e['reportingInstance']);
  put(out, 'action', e['action']);
  put(out, 'reason', e['reason']);
  out['regarding'] = reference(e['regarding']);
  putOptional(out, 'related', absent(e['related']) ? undefined : reference(e['related']));
  put(out, 'note', e['note']);
  put(out, 'type', e['type']);
  out['deprecatedSource'] = source(e['deprecatedSource']);
  out['deprecatedFirstTimestamp'] = goTime(e['deprecatedFirstTimestamp']);
  out['deprecatedLastTimestamp'] = goTime(e['deprecatedLastTimestamp']);
  put(out, 'deprecatedCount', e['deprecatedCount']);
  return out as KubeObject;
}

/** Convert_core_Event_To_v1_Event. The input is not modified; the result shares nothing with it. */
export function coreEventToEventsV1(e: KubeObject): KubeObject {
  return shapeEventsV1Event({
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: e.metadata,
    eventTime: e['eventTime'],
    series: e['series'],
    reportingController: e['reportingComponent'],
    reportingInstance: e['reportingInstance'],
    action: e['action'],
    reason: e['reason'],
    regarding: e['involvedObject'],
    related: e['related'],
    note: e['message'],
    type: e['type'],
    deprecatedSource: e['source'],
    deprecatedFirstTimestamp: e['firstTimestamp'],
    deprecatedLastTimestamp: e['lastTimestamp'],
    deprecatedCount: e['count'],
  });
}

/** Convert_v1_Event_To_core_Event. The input is not modified; the result shares nothing with it. */
export function eventsV1ToCoreEvent(e: KubeObject): KubeObject {
  return shapeCoreEvent({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: e.metadata,
    involvedObject: e['regarding'],
    reason: e['reason'],
    message: e['note'],
    source: e['deprecatedSource'],
    firstTimestamp: e['deprecatedFirstTimestamp'],
    lastTimestamp: e['deprecatedLastTimestamp'],
    count: e['deprecatedCount'],
    type: e['type'],
    eventTime: e['eventTime'],
    series: e['series'],
    action: e['action'],
    related: e['related'],
    reportingComponent: e['reportingController'],
    reportingInstance: e['reportingInstance'],
  });
}
