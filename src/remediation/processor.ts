import type { Logger } from 'pino';
import type { AlertLink, AlertRow, Store } from '../store/index.ts';
import { Limiter } from '../util/limit.ts';
import { AlertParseError, type Alert, type AlertSource } from './alert.ts';
import type { PlaybookEngine } from './engine.ts';
import { parseAlerts } from './sources/index.ts';
import { storableAlert } from './well-formed.ts';
import { BackgroundTasks } from '../util/background-tasks.ts';

export interface Receipt {
  inboxId: number;
  /** Alerts stored for processing, and the ones already known (acknowledged, not processed again). */
  accepted: { id: number; alertId: string }[];
  duplicates: { id: number; alertId: string }[];
}

/** The body was stored but is not an alert payload: the 400 names the field. */
export class RejectedAlert extends Error {
  constructor(
    readonly inboxId: number,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path || 'body'}: ${reason}`);
    this.name = 'RejectedAlert';
  }
}

export function alertFromRow(r: AlertRow): Alert {
  return {
    source: r.source as AlertSource,
    id: r.alertId,
    status: r.status === 'resolved' ? 'resolved' : 'firing',
    severity: (['critical', 'error', 'warning', 'info'] as const).find((s) => s === r.severity) ?? 'warning',
    labels: r.labels,
    annotations: r.annotations,
    title: r.title,
    raw: r.raw,
    ...(r.startsAt !== null ? { startsAt: r.startsAt } : {}),
    ...(r.endsAt !== null ? { endsAt: r.endsAt } : {}),
  };
}

/**
 * Alert ingress after authentication: the raw request goes to the inbox first, then is parsed into
 * alerts, each stored once per (source, id); new ones are handed to the playbook engine in the
 * background. Every step leaves a durable state (inbox pending/done/rejected, alert pending/done),
 * so `resume()` at start finishes whatever a crash interrupted, and a duplicate is never run twice.
 */
export class AlertProcessor {
  private readonly limiter = new Limiter(4);
  private readonly background = new BackgroundTasks();

  constructor(private readonly opts: { store: Store; engine: PlaybookEngine; logger?: Logger }) {}

  async receive(link: AlertLink, body: string): Promise<Receipt> {
    const inboxId = await this.opts.store.alerts.receive({ linkId: link.id, source: link.source, body });
    return this.ingest(inboxId, link.id, link.source as AlertSource, body);
  }

  private async ingest(inboxId: number, linkId: number, source: AlertSource, body: string): Promise<Receipt> {
    const { store } = this.opts;
    let alerts: Alert[];
    try {
      alerts = parseAlerts(source, parseJson(body)).map(storableAlert);
    } catch (err) {
      if (!(err instanceof AlertParseError)) throw err;
      await store.alerts.finishInbox(inboxId, 'rejected', { error: err.message });
      throw new RejectedAlert(inboxId, err.path, err.reason);
    }
    const receipt: Receipt = { inboxId, accepted: [], duplicates: [] };
    for (const a of alerts) {
      const r = await store.alerts.insertOnce({
        source: a.source,
        alertId: a.id,
        linkId,
        inboxId,
        status: a.status,
        severity: a.severity,
        title: a.title,
        labels: a.labels,
        annotations: a.annotations,
        raw: a.raw,
        ...(a.startsAt !== undefined ? { startsAt: a.startsAt } : {}),
        ...(a.endsAt !== undefined ? { endsAt: a.endsAt } : {}),
      });
      (r.created ? receipt.accepted : receipt.duplicates).push({ id: r.id, alertId: a.id });
      if (r.created) this.schedule(r.id, a);
    }
    await store.alerts.finishInbox(inboxId, 'done', { alertCount: alerts.length });
    return receipt;
  }

  /** At start: requests stored but never parsed, then alerts stored but not fully processed. */
  async resume(): Promise<{ inbox: number; alerts: number }> {
    const { store } = this.opts;
    const inbox = await store.alerts.pendingInbox(1000);
    for (const item of inbox) {
      await this.ingest(item.id, item.linkId, item.source as AlertSource, item.body).catch((err: unknown) => {
        if (!(err instanceof RejectedAlert))
          this.opts.logger?.error({ err, inbox: item.id }, 'remediation: could not resume a stored alert request');
      });
    }
    const pending = await store.alerts.pending(1000);
    for (const row of pending) this.schedule(row.id, alertFromRow(row));
    return { inbox: inbox.length, alerts: pending.length };
  }

  /** Waits until every alert handed over so far has been processed (tests, shutdown). */
  async settle(): Promise<void> {
    await this.background.settle();
  }

  private schedule(id: number, alert: Alert): void {
    const task = this.limiter
      .run(async () => {
        await this.opts.engine.run({ kind: 'alert', alert, alertRowId: id }, { key: `alert/${id}`, alertId: id });
        await this.opts.store.alerts.markDone(id);
      })
      .catch((err: unknown) => {
        // Left pending: the next start resumes it (its audit keys keep finished actions from repeating).
        this.opts.logger?.error({ err, alert: id }, 'remediation: processing an alert failed; it stays pending');
      });
    this.background.track(task);
  }
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (err) {
    throw new AlertParseError('', `not JSON: ${(err as Error).message}`);
  }
}
