import type { KubeObject } from '../api/registry.ts';
import type { ResourceService } from '../api/service/resource-service.ts';
import { formatTime } from '../api/service/object-meta.ts';
import { isApiError } from '../../kube/apimachinery/errors.ts';
import { apiVersionOf } from '../api/registry.ts';

export interface EventSource {
  component: string;
  host?: string;
}

/**
 * Records core/v1 Events as client-go's recorder does: one Event per (object, reason, message,
 * source), repeated occurrences bump count and lastTimestamp instead of creating new objects.
 */
export class EventRecorder {
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly svc: ResourceService,
    private readonly source: EventSource,
  ) {}

  record(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    const def = this.svc.registry.find('', 'v1', 'events');
    const objDef = this.svc.registry.findKind(obj.apiVersion ?? '', obj.kind ?? '');
    if (!def || !objDef) return;
    const ns = obj.metadata.namespace ?? 'default';
    const key = [ns, obj.kind, obj.metadata.name, obj.metadata.uid, fieldPath ?? '', reason, message, this.source.component, this.source.host ?? ''].join('\u0000');
    const now = formatTime(this.svc.now());
    const existingName = this.seen.get(key);
    if (existingName) {
      const current = this.svc.store.get(def, ns, existingName);
      if (current) {
        const next = structuredClone(current.obj);
        next['count'] = (Number(next['count']) || 1) + 1;
        next['lastTimestamp'] = now;
        this.svc.commitUpdate({ def, namespace: ns, name: existingName }, current, next, undefined);
        return;
      }
    }
    // Event names are the object's name plus a hex timestamp, as the recorder makes them.
    const name = `${obj.metadata.name ?? 'object'}.${(Date.now() * 1e6 + Math.floor(Math.random() * 1e6)).toString(16)}`;
    try {
      this.svc.create(def, ns, {
        metadata: { name },
        involvedObject: {
          kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name, uid: obj.metadata.uid,
          apiVersion: apiVersionOf(objDef), resourceVersion: obj.metadata.resourceVersion, ...(fieldPath ? { fieldPath } : {}),
        },
        reason, message, type, count: 1, firstTimestamp: now, lastTimestamp: now,
        source: { component: this.source.component, ...(this.source.host ? { host: this.source.host } : {}) },
        reportingComponent: '', reportingInstance: '', eventTime: null,
      });
      this.seen.set(key, name);
    } catch (err) {
      // Events are best effort, as in Kubernetes: a namespace being deleted refuses them.
      if (!isApiError(err)) throw err;
    }
  }
}
