import type { FieldError } from '../../../kube/apimachinery/errors.ts';
import type { KubeObject } from '../registry.ts';
import { isZeroTime } from '../conversion/go-time.ts';
import { meta } from './core.ts';
import { eachInvalid, invalid, num, obj, required, str } from './field.ts';
import {
  byteLength,
  isDNS1123Subdomain,
  isQualifiedName,
  nameIsDNSSubdomain,
} from '../../../kube/apimachinery/names.ts';

/**
 * Event validation (pkg/apis/core/validation/events.go, 1.20). It reads the internal (core/v1)
 * form whatever version the request used, so the field paths are core's; the strict create rules
 * apply to requests through events.k8s.io/v1 only. Updates get the legacy rules through either
 * version, as 1.20 serves them.
 */

const REPORTING_INSTANCE_LIMIT = 128;
const ACTION_LIMIT = 128;
const REASON_LIMIT = 128;
const NOTE_LIMIT = 1024;

function tooLongFor(field: string, value: string, limit: number): FieldError[] {
  return byteLength(value) > limit ? [invalid(field, '', `can have at most ${limit} characters`)] : [];
}

/** legacyValidateEvent: what every event must satisfy, created or updated, through either version. */
export function legacyValidateEvent(ev: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const ns = str(ev.metadata.namespace);
  const involved = str(obj(ev['involvedObject'])['namespace']);
  if (isZeroTime(ev['eventTime'])) {
    // Old-style events: the event's namespace and the involved object's must agree.
    const ok = involved === '' ? ns === '' || ns === 'default' : ns === involved;
    if (!ok) errs.push(invalid('involvedObject.namespace', involved, 'does not match event.namespace'));
  } else {
    if (involved === '' && ns !== 'default' && ns !== 'kube-system')
      errs.push(invalid('involvedObject.namespace', involved, 'does not match event.namespace'));
    const controller = str(ev['reportingComponent']);
    if (controller === '') errs.push(required('reportingController'));
    errs.push(...eachInvalid('reportingController', controller, isQualifiedName(controller)));
    const instance = str(ev['reportingInstance']);
    if (instance === '') errs.push(required('reportingInstance'));
    errs.push(...tooLongFor('reportingInstance', instance, REPORTING_INSTANCE_LIMIT));
    const action = str(ev['action']);
    if (action === '') errs.push(required('action'));
    errs.push(...tooLongFor('action', action, ACTION_LIMIT));
    const reason = str(ev['reason']);
    if (reason === '') errs.push(required('reason'));
    errs.push(...tooLongFor('reason', reason, REASON_LIMIT));
    errs.push(...tooLongFor('message', str(ev['message']), NOTE_LIMIT));
  }
  return [...errs, ...eachInvalid('namespace', ns, isDNS1123Subdomain(ns))];
}

function validateV1EventSeries(ev: KubeObject): FieldError[] {
  if (ev['series'] === undefined || ev['series'] === null) return [];
  const series = obj(ev['series']);
  const errs: FieldError[] = [];
  if (num(series['count']) < 2) errs.push(invalid('series.count', '', 'should be at least 2'));
  if (isZeroTime(series['lastObservedTime'])) errs.push(required('series.lastObservedTime'));
  return errs;
}

/** ValidateEventCreate: `strict` for requests through events.k8s.io/v1. */
export function validateEventCreate(ev: KubeObject, strict: boolean): FieldError[] {
  const errs = legacyValidateEvent(ev);
  if (!strict) return errs;
  errs.push(...meta(ev, nameIsDNSSubdomain), ...validateV1EventSeries(ev));
  if (isZeroTime(ev['eventTime'])) errs.push(required('eventTime'));
  const type = str(ev['type']);
  if (type !== 'Normal' && type !== 'Warning') errs.push(invalid('type', '', `has invalid value: ${type}`));
  const unset = (field: string): FieldError => invalid(field, '', 'needs to be unset');
  if (!isZeroTime(ev['firstTimestamp'])) errs.push(unset('firstTimestamp'));
  if (!isZeroTime(ev['lastTimestamp'])) errs.push(unset('lastTimestamp'));
  if (num(ev['count']) !== 0) errs.push(unset('count'));
  const source = obj(ev['source']);
  if (str(source['component']) !== '' || str(source['host']) !== '') errs.push(unset('source'));
  return errs;
}
