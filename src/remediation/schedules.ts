import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { Store } from '../store/index.ts';
import type { PlaybookEngine } from './engine.ts';
import type { Playbook, ScheduleTrigger } from './playbooks/schema.ts';

/** At most this many missed occurrences are recorded per playbook at start (a long outage is summarized). */
const MAX_MISSED = 100;

/** A cron pattern that croner accepts, or the reason it does not (config validation uses this). */
export function cronProblem(t: ScheduleTrigger): string | undefined {
  try {
    const c = new Cron(t.cron, { paused: true, ...(t.timezone ? { timezone: t.timezone } : {}) });
    const ok = c.nextRun() !== null;
    c.stop();
    return ok ? undefined : 'the pattern never fires';
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Runs scheduled playbooks (seed 001's "every 2 minutes" job). Each occurrence is claimed in the
 * store before it runs, so it runs once even with two replicas or a restart at the wrong moment.
 * Occurrences that fell while Kubeloop was down are recorded as missed and reported, not replayed:
 * five queued scale-outs fired at once after an outage would be worse than none.
 */
export class Schedules {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly crons = new Map<string, Cron>();
  private stopped = false;
  readonly missed = new Map<string, number>();

  constructor(
    private readonly opts: {
      store: Store;
      engine: PlaybookEngine;
      playbooks: Playbook[];
      logger?: Logger;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  async start(): Promise<void> {
    for (const p of this.opts.playbooks) {
      if (!('schedule' in p.trigger)) continue;
      const t = p.trigger.schedule;
      const cron = new Cron(t.cron, { paused: true, ...(t.timezone ? { timezone: t.timezone } : {}) });
      this.crons.set(p.name, cron);
      await this.recordMissed(p.name, cron);
      this.arm(p.name, cron);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    for (const c of this.crons.values()) c.stop();
  }

  private async recordMissed(name: string, cron: Cron): Promise<void> {
    const last = await this.opts.store.scheduleRuns.latest(name);
    if (!last) return;
    let count = 0;
    let at = cron.nextRun(new Date(last.scheduledAt));
    while (at && at.getTime() < this.now() && count < MAX_MISSED) {
      if (await this.opts.store.scheduleRuns.claim(name, at.getTime(), 'missed', this.now())) count++;
      at = cron.nextRun(at);
    }
    if (count === 0) return;
    this.missed.set(name, count);
    this.opts.logger?.warn(
      { playbook: name, missed: count },
      'remediation: scheduled runs were missed while Kubeloop was down; they are recorded, not replayed',
    );
  }

  private arm(name: string, cron: Cron): void {
    if (this.stopped) return;
    const next = cron.nextRun(new Date(this.now()));
    if (!next) return;
    const at = next.getTime();
    // setTimeout tops out at ~24.8 days; a later occurrence is re-armed on the way.
    const delay = Math.min(Math.max(0, at - this.now()), 2 ** 31 - 1);
    const timer = setTimeout(() => {
      if (this.now() + 5 < at) return this.arm(name, cron);
      void this.fire(name, at).finally(() => this.arm(name, cron));
    }, delay);
    timer.unref();
    this.timers.set(name, timer);
  }

  /** Runs one occurrence (also used by tests and "run now" with an explicit time). */
  async fire(name: string, scheduledAt: number): Promise<boolean> {
    const { store, engine, logger } = this.opts;
    if (!(await store.scheduleRuns.claim(name, scheduledAt, 'running', this.now()))) return false;
    try {
      await engine.run(
        { kind: 'schedule', scheduledAt },
        { key: `schedule/${name}/${scheduledAt}`, scheduledAt },
        name,
      );
    } catch (err) {
      logger?.error({ err, playbook: name, scheduledAt }, 'remediation: a scheduled run failed');
    } finally {
      await store.scheduleRuns.finish(name, scheduledAt);
    }
    return true;
  }
}
