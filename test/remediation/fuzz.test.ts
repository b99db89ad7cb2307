import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { alertSources, type AlertSource } from '../../src/remediation/alert.ts';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.ts';
import { backends } from '../../src/store/test-backends.ts';
import { makeCase, type Case } from './fuzz/cases.ts';
import { startHarness, type Harness } from './support.ts';

/**
 * Fuzzes the alert ingress of all four sources over HTTP: 10,400 generated payloads (valid ones,
 * truncated JSON, wrong types at the fields each format requires, huge strings, deep nesting, odd
 * encodings, random mutations), then every valid one sent again. Whatever arrives: no 5xx, no
 * alert and no action from a refused payload, and each accepted alert processed exactly once, seen
 * both in the audit log and by the HTTP endpoint the playbook calls. On SQLite and on PostgreSQL
 * (which refuses NUL in text and lone-surrogate escapes in jsonb, so odd encodings reach it too).
 */
const SEED = Number(process.env.FUZZ_SEED ?? 16);
const CASES = 10_400;
const SENDERS = 8;

let sim: SimCluster;
let h: Harness;
let counter: Server;
let counterUrl: string;
const calls = new Map<string, number>();
const paths = new Map<AlertSource, string>();

/** The case without its body (regenerated from seed and number when needed: bodies are up to 1 MiB). */
interface Sent {
  c: Omit<Case, 'body'>;
  status: number;
  accepted: number[];
  duplicates: number;
  inboxId?: number;
  error?: string;
}

async function send(full: Case): Promise<Sent> {
  const { body: _body, ...c } = full;
  try {
    const res = await fetch(`${h.platform.url}${paths.get(c.source) ?? ''}`, {
      method: 'POST',
      headers: { 'content-type': c.contentType ?? 'application/json' },
      body: full.body,
    });
    const text = await res.text();
    let json: { accepted?: { id: number }[]; duplicates?: unknown[]; inboxId?: number } = {};
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      return { c, status: res.status, accepted: [], duplicates: 0, error: `answer is not JSON: ${text.slice(0, 200)}` };
    }
    return {
      c,
      status: res.status,
      accepted: (json.accepted ?? []).map((a) => a.id),
      duplicates: json.duplicates?.length ?? 0,
      ...(json.inboxId !== undefined ? { inboxId: json.inboxId } : {}),
    };
  } catch (err) {
    return { c, status: 0, accepted: [], duplicates: 0, error: `request failed: ${(err as Error).message}` };
  }
}

/** SENDERS requests in flight at a time, in case order. */
async function sendAll(cases: Iterable<Case>): Promise<Sent[]> {
  const it = cases[Symbol.iterator]();
  const out: Sent[] = [];
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      for (let next = it.next(); !next.done; next = it.next()) out.push(await send(next.value));
    }),
  );
  return out;
}

function* generated(): Generator<Case> {
  for (let n = 0; n < CASES; n++) yield makeCase(SEED, n);
}

/** What is wrong with one answer, judged by what the case expects. */
function problem(s: Sent): string | undefined {
  if (s.error) return s.error;
  if (s.status >= 500 || s.status === 0) return `answered ${s.status}`;
  switch (s.c.expect) {
    case 'accept':
      return s.status === 202 && s.accepted.length === s.c.alerts && s.duplicates === 0
        ? undefined
        : `expected 202 with ${s.c.alerts} new alerts, got ${s.status} (${s.accepted.length} new, ${s.duplicates} duplicates)`;
    case 'reject':
      return s.status === 400 ? undefined : `expected 400, got ${s.status}`;
    case 'tooLarge':
      return s.status === 413 ? undefined : `expected 413, got ${s.status}`;
    case 'either':
      return s.status === 202 || s.status === 400 || s.status === 413
        ? undefined
        : `expected 202, 400 or 413, got ${s.status}`;
  }
}

const describeFailures = (bad: { s: Sent; why: string }[]): string =>
  bad
    .slice(0, 20)
    .map(({ s, why }) => `case ${s.c.n} (${s.c.source}, ${s.c.kind}): ${why}`)
    .join('\n') + `\n(seed ${SEED}; FUZZ_SEED=${SEED} repeats it)`;

beforeAll(async () => {
  counter = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      calls.set(body, (calls.get(body) ?? 0) + 1);
      res.end('ok');
    });
  });
  await new Promise<void>((done) => counter.listen(0, '127.0.0.1', done));
  const addr = counter.address();
  counterUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/hook`;
  sim = await startSimCluster({ port: 0, scenario: 'empty' });
}, 120_000);

afterAll(async () => {
  await sim?.stop();
  await new Promise((done) => (counter ? counter.close(done) : done(undefined)));
  for (const b of backends) await b.cleanup();
});

describe.each(backends)(`alert ingress fuzz on a $name store: ${CASES} payloads over the four sources`, (backend) => {
  let first: Sent[] = [];

  beforeAll(async () => {
    calls.clear();
    const db = backend.name === 'postgres' ? (await backend.fresh()).database : undefined;
    h = await startHarness(
      sim.kubeconfig(),
      {
        cooldown: '0s',
        budget: { actions: 1_000_000, per: '1h' },
        // One action per alert that needs no workload: the call tells the counter which alert ran.
        playbooks: alertSources.map((source) => ({
          name: `count-${source}`,
          cooldown: '0s',
          trigger: { alert: { source, status: 'any' } },
          actions: [{ action: 'http_request', url: counterUrl, body: '{{alert.source}}/{{alert.id}}' }],
        })),
      },
      db ? { config: { database: db } } : {},
    );
    expect(h.platform.store.dialect).toBe(backend.name);
    for (const source of alertSources) paths.set(source, await h.link(source, `fuzz-${source}`));
  }, 120_000);

  afterAll(async () => {
    await h?.stop();
  });

  it('answers every payload without a 5xx, and each as its kind requires', async () => {
    first = await sendAll(generated());
    expect(first).toHaveLength(CASES);
    const bad = first.flatMap((s) => {
      const why = problem(s);
      return why ? [{ s, why }] : [];
    });
    const tally: Record<string, number> = {};
    for (const s of first) {
      // Cases the test cannot judge are tallied by kind too, so a reader sees what the ingress decided.
      const key =
        s.c.expect === 'either' ? `either ${s.c.kind.replace(/ \d+$/, '')} ${s.status}` : `${s.c.expect} ${s.status}`;
      tally[key] = (tally[key] ?? 0) + 1;
    }
    console.log(`fuzz seed ${SEED} on ${backend.name}: answers by expectation and status ${JSON.stringify(tally)}`);
    expect(bad, describeFailures(bad)).toEqual([]);
    for (const expected of ['accept', 'reject', 'tooLarge', 'either'] as const)
      expect(first.some((s) => s.c.expect === expected)).toBe(true);
  }, 900_000);

  it('acts only on accepted alerts, each exactly once, and on none from a refused payload', async () => {
    await h.platform.remediation.settle();
    const accepted = first.flatMap((s) => s.accepted);
    expect(new Set(accepted).size).toBe(accepted.length);
    const db = h.platform.store.db;
    const alerts = await db.selectFrom('alerts').select(['id', 'source', 'alert_id', 'inbox_id', 'state']).execute();
    expect(alerts.map((a) => a.id).sort((a, b) => a - b)).toEqual([...accepted].sort((a, b) => a - b));
    const refusedInbox = new Set(
      first.filter((s) => s.status !== 202 && s.inboxId !== undefined).map((s) => s.inboxId),
    );
    expect(alerts.filter((a) => refusedInbox.has(a.inbox_id ?? -1))).toEqual([]);
    expect(alerts.filter((a) => a.state !== 'done')).toEqual([]);
    const actions = await db.selectFrom('actions').select(['alert_id', 'state', 'summary']).execute();
    const perAlert = new Map<number, number>();
    for (const a of actions) perAlert.set(a.alert_id ?? -1, (perAlert.get(a.alert_id ?? -1) ?? 0) + 1);
    expect(actions).toHaveLength(alerts.length);
    expect([...perAlert.entries()].filter(([id, n]) => n !== 1 || !accepted.includes(id))).toEqual([]);
    expect(actions.filter((a) => a.state !== 'succeeded').slice(0, 5)).toEqual([]);
    // The endpoint the playbook calls saw each accepted alert once and nothing else.
    // Stored ids are what the playbook saw (the ingress makes lone surrogates and NUL U+FFFD first).
    const expectedCalls = alerts.map((a) => `${a.source}/${a.alert_id}`);
    expect([...calls.values()].reduce((a, b) => a + b, 0)).toBe(alerts.length);
    expect(expectedCalls.filter((k) => calls.get(k) !== 1).slice(0, 5)).toEqual([]);
  }, 600_000);

  it('acknowledges every valid payload sent again as a duplicate, and acts on none of them', async () => {
    const valid = first.filter((s) => s.c.expect === 'accept');
    expect(valid.length).toBeGreaterThan(1000);
    const before = (
      await h.platform.store.db
        .selectFrom('actions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
    const again = await sendAll(valid.map((s) => makeCase(SEED, s.c.n)));
    const bad = again.flatMap((s) =>
      s.status === 202 && s.accepted.length === 0 && s.duplicates === s.c.alerts
        ? []
        : [
            {
              s,
              why: `resent: expected 202 with ${s.c.alerts} duplicates, got ${s.status} (${s.accepted.length} new, ${s.duplicates} duplicates)${s.error ? ` ${s.error}` : ''}`,
            },
          ],
    );
    expect(bad, describeFailures(bad)).toEqual([]);
    await h.platform.remediation.settle();
    const after = (
      await h.platform.store.db
        .selectFrom('actions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
    expect(Number(after)).toBe(Number(before));
  }, 600_000);
});
