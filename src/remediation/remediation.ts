import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { RemediationConfig } from './config.ts';
import type { Store } from '../store/index.ts';
import type { ActionNotice, FailureTrigger } from './actions/types.ts';
import { PlaybookEngine, type HandlerRegistry } from './engine.ts';
import type { Playbook } from './playbooks/schema.ts';
import { AlertProcessor } from './processor.ts';
import { Schedules } from './schedules.ts';
import { BackgroundTasks } from '../util/background-tasks.ts';

export interface RemediationOptions {
  kc: KubeConfig;
  store: Store;
  config: RemediationConfig;
  playbooks: Playbook[];
  handlers: HandlerRegistry;
  /** The notification capability (Notifier.sendNotice); absent: notify actions fail with a clear reason. */
  notify?: (n: ActionNotice) => Promise<unknown>;
  logger?: Logger;
}

/** Failures the monitor recorded before this start that still need their playbooks looked at. */
const FAILURE_CHECKPOINT = 'remediation.failureCheckpoint';

/**
 * Alert-driven self-healing, wired: alert ingress (processor), failure triggers from the monitor,
 * scheduled playbooks, all through one PlaybookEngine and its audit log.
 */
export class Remediation {
  readonly engine: PlaybookEngine;
  readonly processor: AlertProcessor;
  readonly schedules: Schedules;
  private readonly background = new BackgroundTasks();
  private readonly hasFailureTriggers: boolean;

  constructor(private readonly opts: RemediationOptions) {
    const notify = async (n: ActionNotice): Promise<void> => {
      if (!opts.notify) throw new Error('notifications are not configured (alerting.channels is empty)');
      await opts.notify(n);
    };
    this.engine = new PlaybookEngine({
      kc: opts.kc,
      store: opts.store,
      config: opts.config,
      playbooks: opts.playbooks,
      handlers: opts.handlers,
      notify,
      ...(opts.logger ? { logger: opts.logger } : {}),
    });
    this.processor = new AlertProcessor({
      store: opts.store,
      engine: this.engine,
      ...(opts.logger ? { logger: opts.logger } : {}),
    });
    this.schedules = new Schedules({
      store: opts.store,
      engine: this.engine,
      playbooks: opts.playbooks,
      ...(opts.logger ? { logger: opts.logger } : {}),
    });
    this.hasFailureTriggers = opts.playbooks.some((p) => 'failure' in p.trigger);
  }

  get playbooks(): Playbook[] {
    return this.opts.playbooks;
  }

  /** Resumes interrupted alert processing, catches up on failures recorded while down, starts schedules. */
  async start(): Promise<void> {
    const resumed = await this.processor.resume();
    if (resumed.inbox + resumed.alerts > 0)
      this.opts.logger?.info(resumed, 'remediation: resumed alert processing interrupted by the last stop');
    await this.catchUpFailures();
    await this.schedules.start();
  }

  async stop(): Promise<void> {
    this.schedules.stop();
    await this.settle();
  }

  async settle(): Promise<void> {
    await this.processor.settle();
    await this.background.settle();
  }

  /** The monitor stored a failure: run the playbooks with a failure trigger that match it. */
  failureRecorded(id: number, preExisting: boolean): void {
    // A failure that was there before Kubeloop started is history, not a reason to act now.
    if (!this.hasFailureTriggers || preExisting) return;
    this.background.track(
      this.runFailure(id).catch((err: unknown) =>
        this.opts.logger?.error({ err, failure: id }, 'remediation: a failure playbook run failed'),
      ),
    );
  }

  private async runFailure(id: number): Promise<void> {
    const f = await this.opts.store.failures.get(id);
    if (!f || f.preExisting) return;
    const failure: FailureTrigger = {
      id,
      namespace: f.namespace,
      pod: f.pod,
      workloadKind: f.workloadKind,
      workloadName: f.workloadName,
      reason: f.reason,
      ...(f.container ? { container: f.container } : {}),
      ...(f.node ? { node: f.node } : {}),
    };
    await this.engine.run({ kind: 'failure', failure }, { key: `failure/${id}`, failureId: id });
    const checkpoint = Number((await this.opts.store.meta.get(FAILURE_CHECKPOINT)) ?? 0);
    if (f.detectedAt > checkpoint) await this.opts.store.meta.set(FAILURE_CHECKPOINT, String(f.detectedAt));
  }

  /** Failures recorded after the checkpoint whose playbooks may not have run (a crash in between). */
  private async catchUpFailures(): Promise<void> {
    if (!this.hasFailureTriggers) return;
    const since = Number((await this.opts.store.meta.get(FAILURE_CHECKPOINT)) ?? Date.now());
    const page = await this.opts.store.failures.list({ since }, { limit: 500 });
    for (const f of page.items.reverse()) if (!f.preExisting) await this.runFailure(f.id);
  }
}
