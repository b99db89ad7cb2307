import { createNamespace } from './namespace.ts';
import { call, watchEvents, type WatchEvent } from '../target.ts';
import type { Scenario } from '../scenario.ts';

/** Initial events of a watch come from the watch cache in no defined order: compare them sorted. */
function sorted(events: WatchEvent[]): unknown[] {
  return summary(events).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

function summary(events: WatchEvent[]): unknown[] {
  return events.map((e) => (e.type === 'ERROR' ? { type: e.type, object: e.object } : { type: e.type, name: (e.object['metadata'] as { name?: string } | undefined)?.name, data: e.object['data'] }));
}

/** Event types and order for a sequence of writes, replay from "0" and from a resourceVersion, 410 after churn. */
export const watch: Scenario = {
  name: 'watch',
  async run(t, rec) {
    const ns = t.ns('watch');
    await createNamespace(t, ns);
    const cms = `/api/v1/namespaces/${ns}/configmaps`;
    await call(t, 'POST', cms, { body: { metadata: { name: 'pre', labels: { w: 'yes' } } } });
    const listed = await call(t, 'GET', cms);
    const rv = String((listed.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion);
    await call(t, 'POST', cms, { body: { metadata: { name: 'a', labels: { w: 'yes' } }, data: { v: '1' } } });
    await call(t, 'PATCH', `${cms}/a`, { body: { data: { v: '2' } }, contentType: 'application/merge-patch+json' });
    await call(t, 'PATCH', `${cms}/a`, { body: { metadata: { labels: { w: 'no' } } }, contentType: 'application/merge-patch+json' });
    await call(t, 'PATCH', `${cms}/pre`, { body: { metadata: { labels: { w: 'no' } } }, contentType: 'application/merge-patch+json' });
    await call(t, 'DELETE', `${cms}/a`);
    rec.record('from rv', summary(await watchEvents(t, `${cms}?watch=true&resourceVersion=${rv}`, { count: 5, ms: 3000 })));
    rec.record('from rv with selector', summary(await watchEvents(t, `${cms}?watch=true&resourceVersion=${rv}&labelSelector=w%3Dyes`, { count: 4, ms: 3000 })));
    await call(t, 'POST', cms, { body: { metadata: { name: 'b' } } });
    rec.record('from 0', sorted(await watchEvents(t, `${cms}?watch=true&resourceVersion=0`, { count: 3, ms: 3000 })));
    rec.record('from empty', sorted(await watchEvents(t, `${cms}?watch=true`, { count: 3, ms: 3000 })));
    rec.record('single object', summary(await watchEvents(t, `${cms}?watch=true&fieldSelector=metadata.name%3Db`, { count: 1, ms: 3000 })));
    const timed = await watchEvents(t, `${cms}?watch=true&timeoutSeconds=1&resourceVersion=${rv}&labelSelector=none%3Dnone`, { count: 10, ms: 5000 });
    rec.record('timeoutSeconds ends the stream', summary(timed));
    const withBookmark = await watchEvents(t, `${cms}?watch=true&timeoutSeconds=3&allowWatchBookmarks=true&resourceVersion=${rv}&labelSelector=none%3Dnone`, { count: 10, ms: 6000 });
    rec.record('bookmark before the deadline', withBookmark.map((e) => ({ type: e.type, object: { ...e.object, metadata: { ...(e.object['metadata'] as object), resourceVersion: '<rv>' } } })));
    // Both keep history back to their start: a watch from resourceVersion 1 replays it.
    const early = await watchEvents(t, `${cms}?watch=true&resourceVersion=1`, { count: 1, ms: 3000 });
    rec.record('watch from resourceVersion 1', summary(early.slice(0, 1)));
    rec.record('list at resourceVersion 1 (Exact)', await call(t, 'GET', `${cms}?resourceVersion=1&resourceVersionMatch=Exact`));
  },
};
