import { createNamespace } from './namespace.ts';
import { call, watchEvents, type Target, type WatchEvent } from '../target.ts';
import type { Recorder, Scenario } from '../scenario.ts';

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
const MERGE = 'application/merge-patch+json';

/** An old-style event, as client-go's core/v1 recorder writes it. */
const coreEvent = (name: string, ns: string): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name, labels: { via: 'core' } },
  involvedObject: {
    kind: 'Pod',
    namespace: ns,
    name: 'web-0',
    uid: '00000000-0000-0000-0000-000000000001',
    apiVersion: 'v1',
    fieldPath: 'spec.containers{web}',
  },
  reason: 'Pulled',
  message: '  Container image "nginx" already present  ',
  type: 'Normal',
  source: { component: 'kubelet', host: 'node-1' },
  firstTimestamp: '2024-01-01T00:00:00Z',
  lastTimestamp: '2024-01-01T00:05:00Z',
  count: 3,
});

/** A new-style event, as the events.k8s.io/v1 recorder writes it. */
const newEvent = (name: string, ns: string): Record<string, unknown> => ({
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name },
  eventTime: '2024-01-01T00:00:00.123456Z',
  reportingController: 'kubeloop.dev/drill',
  reportingInstance: 'drill-1',
  action: 'Evict',
  reason: 'Drill',
  regarding: { kind: 'Deployment', namespace: ns, name: 'web', apiVersion: 'apps/v1' },
  related: { kind: 'Pod', namespace: ns, name: 'web-0' },
  note: 'evicted one pod',
  type: 'Warning',
});

function identity(a: unknown, b: unknown): Record<string, boolean> {
  const m = (x: unknown): Record<string, unknown> => (x as { metadata?: Record<string, unknown> }).metadata ?? {};
  return {
    sameUid: m(a)['uid'] !== undefined && m(a)['uid'] === m(b)['uid'],
    sameResourceVersion: m(a)['resourceVersion'] !== undefined && m(a)['resourceVersion'] === m(b)['resourceVersion'],
  };
}

function names(body: unknown): unknown {
  const b = body as { items?: { metadata?: { name?: string } }[] };
  return b.items ? b.items.map((i) => i.metadata?.name) : body;
}

/** A Table's columns and cells, with relative ages made comparable. */
function table(body: unknown): unknown {
  const b = body as {
    columnDefinitions?: { name: string; type: string; format: string; priority: number }[];
    rows?: { cells: unknown[]; object?: { apiVersion?: string } }[];
  };
  return {
    columns: (b.columnDefinitions ?? []).map((c) => `${c.name}:${c.type}:${c.format}:${c.priority}`),
    rows: (b.rows ?? []).map((r) => ({
      cells: r.cells.map((c) => (typeof c === 'string' && /^\d+(s|m|h|d|y)/.test(c) ? '<age>' : c)),
      objectApiVersion: r.object?.apiVersion,
    })),
  };
}

/** Both watches see each write once, in order, in their own version and with the same resourceVersions. */
function watchSummary(core: WatchEvent[], events: WatchEvent[]): unknown {
  const rv = (e: WatchEvent): unknown =>
    (e.object['metadata'] as { resourceVersion?: string } | undefined)?.resourceVersion;
  const line = (e: WatchEvent): string =>
    `${e.type} ${String((e.object['metadata'] as { name?: string } | undefined)?.name)} ${String(e.object['apiVersion'])}`;
  return {
    core: core.map(line),
    events: events.map(line),
    sameResourceVersions: core.length === events.length && core.every((e, i) => rv(e) === rv(events[i] as WatchEvent)),
    newStyleNote: events.find((e) => e.type === 'ADDED')?.object['note'],
  };
}

async function reads(t: Target, rec: Recorder, core: string, events: string): Promise<void> {
  const viaCore = await call(t, 'GET', `${core}/old`);
  const viaEvents = await call(t, 'GET', `${events}/old`);
  rec.record('core event via core', viaCore);
  rec.record('core event via events.k8s.io', viaEvents);
  rec.record('core event identity', identity(viaCore.body, viaEvents.body));
  const newViaEvents = await call(t, 'GET', `${events}/new`);
  const newViaCore = await call(t, 'GET', `${core}/new`);
  rec.record('new event via core', newViaCore);
  rec.record('new event identity', identity(newViaCore.body, newViaEvents.body));
  rec.record('list via events.k8s.io', await call(t, 'GET', events));
  rec.record('list via core', names((await call(t, 'GET', core)).body));
  for (const sel of [
    'regarding.name=web',
    'regarding.kind=Pod',
    'reportingController=kubeloop.dev/drill',
    'type=Normal',
    'reason=Drill',
    'note=x',
    'source=kubelet',
  ]) {
    rec.record(
      `events.k8s.io field ${sel}`,
      names((await call(t, 'GET', `${events}?fieldSelector=${encodeURIComponent(sel)}`)).body),
    );
  }
  for (const sel of [
    'involvedObject.name=web',
    'reportingComponent=kubeloop.dev/drill',
    'source=kubelet',
    'source=kubeloop.dev/drill',
  ]) {
    rec.record(
      `core field ${sel}`,
      names((await call(t, 'GET', `${core}?fieldSelector=${encodeURIComponent(sel)}`)).body),
    );
  }
  rec.record('table via core', table((await call(t, 'GET', core, { accept: TABLE })).body));
  rec.record(
    'table via events.k8s.io',
    table((await call(t, 'GET', `${events}?includeObject=Object`, { accept: TABLE })).body),
  );
}

/** core/v1 and events.k8s.io/v1 Events are one storage: each version reads, watches and writes the other's events. */
export const eventsScenario: Scenario = {
  name: 'events',
  async run(t, rec) {
    const ns = t.ns('events');
    await createNamespace(t, ns);
    const core = `/api/v1/namespaces/${ns}/events`;
    const events = `/apis/events.k8s.io/v1/namespaces/${ns}/events`;
    rec.record('create via core', await call(t, 'POST', core, { body: coreEvent('old', ns) }));
    rec.record('create via events.k8s.io', await call(t, 'POST', events, { body: newEvent('new', ns) }));
    rec.record(
      'create via events.k8s.io, old style',
      await call(t, 'POST', events, { body: { ...coreEvent('bad', ns), apiVersion: 'events.k8s.io/v1' } }),
    );
    rec.record(
      'create via events.k8s.io, legacy fields',
      await call(t, 'POST', events, {
        body: {
          ...newEvent('bad', ns),
          deprecatedCount: 2,
          deprecatedSource: { component: 'x' },
          deprecatedFirstTimestamp: '2024-01-01T00:00:00Z',
          series: { count: 1 },
        },
      }),
    );
    rec.record('create via events.k8s.io, taken name', await call(t, 'POST', events, { body: newEvent('old', ns) }));
    await reads(t, rec, core, events);

    const rv = String(
      ((await call(t, 'GET', core)).body as { metadata: { resourceVersion: string } }).metadata.resourceVersion,
    );
    const watching = Promise.all([
      watchEvents(t, `${core}?watch=true&resourceVersion=${rv}`, { count: 4, ms: 5000 }),
      watchEvents(t, `${events}?watch=true&resourceVersion=${rv}`, { count: 4, ms: 5000 }),
    ]);
    await new Promise((r) => setTimeout(r, 300));
    await call(t, 'POST', core, { body: coreEvent('watched', ns) });
    rec.record(
      'merge patch via events.k8s.io',
      await call(t, 'PATCH', `${events}/watched`, {
        body: { metadata: { labels: { patched: 'yes' } }, note: 'patched note', deprecatedCount: 4 },
        contentType: MERGE,
      }),
    );
    const current = (await call(t, 'GET', `${core}/new`)).body as Record<string, unknown>;
    rec.record(
      'update via core',
      await call(t, 'PUT', `${core}/new`, { body: { ...current, message: 'updated message', count: 2 } }),
    );
    rec.record('read update via events.k8s.io', await call(t, 'GET', `${events}/new`));
    rec.record('delete via events.k8s.io', await call(t, 'DELETE', `${events}/watched`));
    const [viaCore, viaEvents] = await watching;
    rec.record('watch both versions', watchSummary(viaCore, viaEvents));
    rec.record('read deleted via core', await call(t, 'GET', `${core}/watched`));
    rec.record('delete via core', await call(t, 'DELETE', `${core}/new`));
    rec.record('read deleted via events.k8s.io', await call(t, 'GET', `${events}/new`));
  },
};
