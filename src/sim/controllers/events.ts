import type { KubeObject } from '../api/registry.ts';
import type { ResourceService } from '../api/service/resource-service.ts';
import { formatTime } from '../api/service/object-meta.ts';
import { isApiError } from '../../kube/apimachinery/errors.ts';
import { apiVersionOf } from '../api/registry.ts';
import { EventCorrelator, type EventCorrelatorOptions } from './event-correlator.ts';

export interface EventSource {
  component: string;
  host?: string;
}

/**
 * Records core/v1 Events as client-go's recorder does, through its correlator (event-correlator.ts):
 * repeats bump count and lastTimestamp of one Event, floods of similar events are combined, and
 * a source that keeps reporting on one object is rate-limited, so 10,000 pods created by one
 * ReplicaSet leave a few Events on it rather than 10,000.
 */
export class EventRecorder {
  private readonly correlator: EventCorrelator;

  constructor(
    private readonly svc: ResourceService,
    private readonly source: EventSource,
    correlator: EventCorrelatorOptions = {},
  ) {
    this.correlator = new EventCorrelator({ now: () => svc.now().getTime(), ...correlator });
  }

  record(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    const def = this.svc.registry.find('', 'v1', 'events');
    const objDef = this.svc.registry.findKind(obj.apiVersion ?? '', obj.kind ?? '');
    if (!def || !objDef) return;
    const ns = obj.metadata.namespace ?? 'default';
    const result = this.correlator.correlate({
      component: this.source.component,
      host: this.source.host ?? '',
      namespace: ns,
      kind: obj.kind ?? '',
      name: obj.metadata.name ?? '',
      uid: obj.metadata.uid ?? '',
      apiVersion: apiVersionOf(objDef),
      fieldPath: fieldPath ?? '',
      type,
      reason,
      message,
    });
    if (result.action === 'skip') return;
    const now = formatTime(this.svc.now());
    if (result.action === 'update') {
      const current = this.svc.store.get(def, ns, result.name);
      if (current) {
        const next = structuredClone(current.obj);
        next['count'] = result.count;
        next['lastTimestamp'] = now;
        next['message'] = result.message;
        this.svc.commitUpdate({ def, namespace: ns, name: result.name }, current, next, undefined);
        return;
      }
      this.correlator.forget(result.key);
    }
    // Event names are the object's name plus a hex timestamp, as the recorder makes them.
    const name = `${obj.metadata.name ?? 'object'}.${(Date.now() * 1e6 + Math.floor(Math.random() * 1e6)).toString(16)}`;
    try {
      this.svc.create(def, ns, {
        metadata: { name },
        involvedObject: {
          kind: obj.kind,
          namespace: obj.metadata.namespace,
          name: obj.metadata.name,
          uid: obj.metadata.uid,
          apiVersion: apiVersionOf(objDef),
          resourceVersion: obj.metadata.resourceVersion,
          ...(fieldPath ? { fieldPath } : {}),
        },
        reason,
        message: result.message,
        type,
        count: 1,
        firstTimestamp: now,
        lastTimestamp: now,
        source: { component: this.source.component, ...(this.source.host ? { host: this.source.host } : {}) },
        reportingComponent: '',
        reportingInstance: '',
        eventTime: null,
      });
      this.correlator.created(result.key, name);
    } catch (err) {
      // Events are best effort, as in Kubernetes: a namespace being deleted refuses them.
      if (!isApiError(err)) throw err;
    }
  }
}
