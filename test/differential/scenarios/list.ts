import { createNamespace } from './namespace.ts';
import { call } from '../target.ts';
import type { Scenario } from '../scenario.ts';

function names(body: unknown): unknown {
  const b = body as {
    items?: { metadata?: { name?: string } }[];
    metadata?: Record<string, unknown>;
    code?: number;
    reason?: string;
    message?: string;
  };
  if (!b.items) return b;
  return {
    names: b.items.map((i) => i.metadata?.name),
    hasContinue: Boolean(b.metadata?.['continue']),
    remainingItemCount: b.metadata?.['remainingItemCount'],
  };
}

/** Label/field selectors, paging with limit/continue and resourceVersion semantics. */
export const list: Scenario = {
  name: 'list',
  async run(t, rec) {
    const ns = t.ns('list');
    await createNamespace(t, ns);
    const cms = `/api/v1/namespaces/${ns}/configmaps`;
    for (let i = 0; i < 7; i++) {
      await call(t, 'POST', cms, {
        body: { metadata: { name: `c${i}`, labels: { tier: i % 2 === 0 ? 'even' : 'odd', idx: String(i) } } },
      });
    }
    const selectors = [
      'tier=odd',
      'tier==even',
      'tier!=odd',
      'idx in (1,2,9)',
      'idx notin (0,1)',
      'tier',
      '!tier',
      'tier=odd,idx!=3',
    ];
    for (const sel of selectors)
      rec.record(`label ${sel}`, names((await call(t, 'GET', `${cms}?labelSelector=${encodeURIComponent(sel)}`)).body));
    for (const sel of ['metadata.name=c3', 'metadata.name!=c3', `metadata.namespace=${ns}`]) {
      rec.record(`field ${sel}`, names((await call(t, 'GET', `${cms}?fieldSelector=${encodeURIComponent(sel)}`)).body));
    }
    let token = '';
    for (let page = 0; page < 4; page++) {
      const r = await call(t, 'GET', `${cms}?limit=3${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
      rec.record(`page ${page}`, names(r.body));
      token = String((r.body as { metadata?: { continue?: string } }).metadata?.continue ?? '');
      if (!token) break;
    }
    const first = await call(t, 'GET', `${cms}?limit=2`);
    const cont = String((first.body as { metadata?: { continue?: string } }).metadata?.continue ?? '');
    await call(t, 'DELETE', `${cms}/c3`);
    await call(t, 'POST', cms, { body: { metadata: { name: 'c25' } } });
    rec.record(
      'continue is a snapshot',
      names((await call(t, 'GET', `${cms}?limit=10&continue=${encodeURIComponent(cont)}`)).body),
    );
    rec.record(
      'label selector with limit',
      names((await call(t, 'GET', `${cms}?limit=2&labelSelector=tier%3Dodd`)).body),
    );
    const cached = names((await call(t, 'GET', `${cms}?limit=2&resourceVersion=0`)).body) as { names: string[] };
    // Served from the watch cache: every item, in no defined order.
    rec.record('rv=0 ignores limit', { ...cached, names: [...cached.names].sort() });
    rec.record('bad continue', await call(t, 'GET', `${cms}?limit=2&continue=garbage`));
    rec.record('bad resourceVersion', await call(t, 'GET', `${cms}?resourceVersion=abc`));
    rec.record('match without rv', await call(t, 'GET', `${cms}?resourceVersionMatch=Exact`));
  },
};
