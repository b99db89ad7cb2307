import { createNamespace } from './namespace.ts';
import { call, watchEvents, watchSession, type WatchEvent, type WatchSession } from '../target.ts';
import type { Scenario } from '../scenario.ts';

/** Initial events of a watch come from the watch cache in no defined order: compare them sorted. */
function sorted(events: WatchEvent[]): unknown[] {
  return summary(events).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

function summary(events: WatchEvent[]): unknown[] {
  return events.map((e) =>
    e.type === 'ERROR'
      ? { type: e.type, object: e.object }
      : { type: e.type, name: (e.object['metadata'] as { name?: string } | undefined)?.name, data: e.object['data'] },
  );
}

/** How a watch with timeoutSeconds ended: by the server, at the deadline (the 1 s slack covers a loaded machine). */
function deadlineView(s: WatchSession, timeoutSeconds: number): Record<string, unknown> {
  const atDeadline = s.elapsedMs >= timeoutSeconds * 1000 - 50 && s.elapsedMs < (timeoutSeconds + 2) * 1000;
  return {
    status: s.status,
    contentType: s.contentType,
    endedBy: s.endedBy,
    endedAtDeadline: s.endedBy === 'server' && atDeadline,
  };
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
    await call(t, 'PATCH', `${cms}/a`, {
      body: { metadata: { labels: { w: 'no' } } },
      contentType: 'application/merge-patch+json',
    });
    await call(t, 'PATCH', `${cms}/pre`, {
      body: { metadata: { labels: { w: 'no' } } },
      contentType: 'application/merge-patch+json',
    });
    await call(t, 'DELETE', `${cms}/a`);
    rec.record(
      'from rv',
      summary(await watchEvents(t, `${cms}?watch=true&resourceVersion=${rv}`, { count: 5, ms: 3000 })),
    );
    rec.record(
      'from rv with selector',
      summary(
        await watchEvents(t, `${cms}?watch=true&resourceVersion=${rv}&labelSelector=w%3Dyes`, { count: 4, ms: 3000 }),
      ),
    );
    await call(t, 'POST', cms, { body: { metadata: { name: 'b' } } });
    rec.record('from 0', sorted(await watchEvents(t, `${cms}?watch=true&resourceVersion=0`, { count: 3, ms: 3000 })));
    rec.record('from empty', sorted(await watchEvents(t, `${cms}?watch=true`, { count: 3, ms: 3000 })));
    rec.record(
      'single object',
      summary(await watchEvents(t, `${cms}?watch=true&fieldSelector=metadata.name%3Db`, { count: 1, ms: 3000 })),
    );
    // A deadline must end the stream from the server's side, at the deadline, with no event for a selector
    // that matches nothing. The client gives up well after it, so a server that never ends it shows here.
    const timed = await watchSession(
      t,
      `${cms}?watch=true&timeoutSeconds=1&resourceVersion=${rv}&labelSelector=none%3Dnone`,
      6000,
    );
    rec.record('timeoutSeconds ends the stream', { ...deadlineView(timed, 1), events: summary(timed.events) });
    const withBookmark = await watchSession(
      t,
      `${cms}?watch=true&timeoutSeconds=3&allowWatchBookmarks=true&resourceVersion=${rv}&labelSelector=none%3Dnone`,
      8000,
    );
    const bookmarks = withBookmark.events.filter((e) => e.type === 'BOOKMARK');
    rec.record('bookmark before the deadline', {
      ...deadlineView(withBookmark, 3),
      events: summary(withBookmark.events.filter((e) => e.type !== 'BOOKMARK')),
      bookmarks: bookmarks.length,
      // A bookmark carries only the kind, apiVersion and a resourceVersion no older than the watch's start.
      bookmarkForm: bookmarks.map((e) => ({
        kind: e.object['kind'],
        apiVersion: e.object['apiVersion'],
        metadataKeys: Object.keys((e.object['metadata'] as object | undefined) ?? {}),
        notOlder:
          Number((e.object['metadata'] as { resourceVersion?: string } | undefined)?.resourceVersion) >= Number(rv),
      })),
    });
    // Both keep history back to their start: a watch from resourceVersion 1 replays it.
    const early = await watchEvents(t, `${cms}?watch=true&resourceVersion=1`, { count: 1, ms: 3000 });
    rec.record('watch from resourceVersion 1', summary(early.slice(0, 1)));
    rec.record(
      'list at resourceVersion 1 (Exact)',
      await call(t, 'GET', `${cms}?resourceVersion=1&resourceVersionMatch=Exact`),
    );
  },
};
