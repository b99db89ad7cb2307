import type { ContainerModel } from '../workloads/model.ts';
import { isMissingImage, pullError } from './images.ts';

/** One container's observable state, as the kubelet reports it in containerStatuses. */
export type ContainerState =
  | { kind: 'waiting'; reason: string; message?: string }
  | { kind: 'running'; startedAt: string }
  | { kind: 'terminated'; exitCode: number; reason: string; startedAt: string; finishedAt: string };

export interface RuntimeHooks {
  now(): Date;
  changed(): void;
  log(line: string): void;
  newInstance(restartCount: number): void;
  endInstance(): void;
  event(type: 'Normal' | 'Warning', reason: string, message: string): void;
  /** The kernel's OOM killer ended the container (reported on the node). */
  oomKilled(): void;
}

/** What the container's memory and readiness probe look like to the runtime. */
export interface ContainerShape {
  /** Steady memory and the limit: a leaking container is OOMKilled when it reaches the limit. */
  baseMemoryBytes: number;
  memoryLimitBytes?: number;
  readinessDelayMs: number;
  /** How often the readiness probe runs (periodSeconds, default 10 s): an Unhealthy event each failure. */
  readinessPeriodMs: number;
  /** The kubelet's message for a failed readiness probe of this probe type. */
  unhealthyMessage: string;
  /** The container's liveness probe, if it has one. */
  liveness?: { delayMs: number; periodMs: number; failureThreshold: number; message: string };
  /** How long a killed container takes to exit (its grace period, bounded by the kubelet's stop delay). */
  killDelayMs: number;
  /** The pod as the kubelet names it in messages (format.Pod: name_namespace(uid)). */
  podRef: string;
  /** Seeds random crashes, so a run is reproducible per pod and container. */
  seed: string;
}

export interface BackoffPolicy {
  /** First back-off (Kubernetes: 10 s). */
  baseMs: number;
  /** Ceiling (Kubernetes: 5 min). */
  maxMs: number;
  startDelayMs: number;
  /**
   * How long a dead container is reported terminated before the kubelet acts on it (its PLEG relist
   * and the next pod sync): then it restarts, or shows CrashLoopBackOff until its back-off ends.
   */
  syncLagMs: number;
}

function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A simulated container's lifecycle: ContainerCreating -> Running (-> exit by its model) and the
 * kubelet's restart policy with CrashLoopBackOff: the first restart is immediate, later ones wait
 * 10 s doubling to 5 min, and a container that ran 10 min without failing starts over at 10 s.
 */
export class ContainerRuntime {
  state: ContainerState = { kind: 'waiting', reason: 'ContainerCreating' };
  lastTerminated: Extract<ContainerState, { kind: 'terminated' }> | undefined;
  restartCount = 0;
  ready = false;
  started = false;
  private backoffMs = 0;
  /** The instance that exited and will be replaced by the next start. */
  private exited: Extract<ContainerState, { kind: 'terminated' }> | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly name: string,
    readonly image: string,
    private readonly model: ContainerModel,
    private readonly restartPolicy: string,
    private readonly shape: ContainerShape,
    private readonly policy: BackoffPolicy,
    private readonly hooks: RuntimeHooks,
  ) {}

  begin(): void {
    this.after(this.policy.startDelayMs, () => this.start());
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /**
   * SIGTERM from a graceful deletion: the app exits 0 within its grace period, as well-behaved
   * servers do, and the kubelet reports it Completed until it confirms the deletion.
   */
  kill(): void {
    this.stop();
    if (this.state.kind !== 'running') return;
    this.hooks.endInstance();
    this.state = {
      kind: 'terminated',
      exitCode: 0,
      reason: 'Completed',
      startedAt: this.state.startedAt,
      finishedAt: iso(this.hooks.now()),
    };
    this.ready = false;
  }

  private after(ms: number, fn: () => void): void {
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        fn();
      },
      Math.max(0, ms),
    );
    t.unref();
    this.timers.add(t);
  }

  private start(): void {
    if (isMissingImage(this.image)) {
      this.failPull();
      return;
    }
    // A new instance replaces the one that exited: it becomes lastState and the count goes up, as the
    // kubelet reports the restart count of the newest container.
    if (this.exited) {
      this.lastTerminated = this.exited;
      this.exited = undefined;
      this.restartCount++;
    }
    const startedAt = this.hooks.now();
    this.hooks.newInstance(this.restartCount);
    this.hooks.event('Normal', 'Pulled', `Container image "${this.image}" already present on machine`);
    this.hooks.event('Normal', 'Created', `Created container ${this.name}`);
    this.hooks.event('Normal', 'Started', `Started container ${this.name}`);
    this.state = { kind: 'running', startedAt: iso(startedAt) };
    this.started = true;
    // Failing from before the first probe, the container never becomes ready.
    const neverReady =
      this.model.unreadyAfterMs !== undefined && this.model.unreadyAfterMs <= this.shape.readinessDelayMs;
    this.ready = this.shape.readinessDelayMs <= 0 && !neverReady;
    if (!this.ready && !neverReady) this.after(this.shape.readinessDelayMs, () => this.setReady(true));
    if (this.model.unreadyAfterMs !== undefined)
      this.after(this.model.unreadyAfterMs, () => this.failReadiness(startedAt));
    this.hooks.log(this.model.startLog ?? `Starting ${this.name} (${this.image})`);
    this.scheduleExit(startedAt);
    this.scheduleLiveness(startedAt);
    this.hooks.changed();
  }

  /**
   * The image cannot be pulled: ErrImagePull with the runtime's error, then ImagePullBackOff at the
   * next sync; pulls are retried with the same back-off as restarts (10 s doubling to 5 min).
   */
  private failPull(): void {
    const message = pullError(this.image);
    this.hooks.event('Normal', 'Pulling', `Pulling image "${this.image}"`);
    this.hooks.event('Warning', 'Failed', `Failed to pull image "${this.image}": ${message}`);
    this.hooks.event('Warning', 'Failed', 'Error: ErrImagePull');
    this.state = { kind: 'waiting', reason: 'ErrImagePull', message };
    this.hooks.changed();
    const delay = this.nextBackoff();
    this.after(Math.min(this.policy.syncLagMs, delay), () => {
      this.state = { kind: 'waiting', reason: 'ImagePullBackOff', message: `Back-off pulling image "${this.image}"` };
      this.hooks.event('Normal', 'BackOff', `Back-off pulling image "${this.image}"`);
      this.hooks.event('Warning', 'Failed', 'Error: ImagePullBackOff');
      this.hooks.changed();
    });
    this.after(delay, () => this.start());
  }

  private nextBackoff(): number {
    this.backoffMs = this.backoffMs === 0 ? this.policy.baseMs : Math.min(this.backoffMs * 2, this.policy.maxMs);
    return this.backoffMs;
  }

  /**
   * The liveness probe runs every period after its initial delay; once it has failed
   * failureThreshold times in a row the kubelet kills the container (SIGKILL after the grace
   * period: exit 137) and the restart policy takes over.
   */
  private scheduleLiveness(startedAt: Date): void {
    const probe = this.shape.liveness;
    const failAfter = this.model.livenessFailAfterMs;
    if (!probe || failAfter === undefined) return;
    let failures = 0;
    const tick = (sinceStart: number): void => {
      if (this.state.kind !== 'running' || this.state.startedAt !== iso(startedAt)) return;
      if (sinceStart < failAfter) failures = 0;
      else {
        failures++;
        this.hooks.event('Warning', 'Unhealthy', probe.message);
      }
      if (failures < probe.failureThreshold) {
        this.after(probe.periodMs, () => tick(sinceStart + probe.periodMs));
        return;
      }
      this.hooks.event('Normal', 'Killing', `Container ${this.name} failed liveness probe, will be restarted`);
      this.after(this.shape.killDelayMs, () => {
        if (this.state.kind === 'running' && this.state.startedAt === iso(startedAt))
          this.exit(137, 'Error', startedAt, true);
      });
    };
    this.after(probe.delayMs + probe.periodMs, () => tick(probe.delayMs + probe.periodMs));
  }

  /** The readiness probe starts failing: not ready, and an Unhealthy event at every probe period. */
  private failReadiness(startedAt: Date): void {
    if (this.state.kind !== 'running' || this.state.startedAt !== iso(startedAt)) return;
    this.hooks.event('Warning', 'Unhealthy', this.shape.unhealthyMessage);
    this.setReady(false);
    this.after(this.shape.readinessPeriodMs, () => this.failReadiness(startedAt));
  }

  private setReady(ready: boolean): void {
    if (this.state.kind !== 'running' || this.ready === ready) return;
    this.ready = ready;
    this.hooks.changed();
  }

  private scheduleExit(startedAt: Date): void {
    const exits: { at: number; code: number; reason: string }[] = [];
    if (this.model.crashAfterMs !== undefined)
      exits.push({
        at: this.model.crashAfterMs,
        code: this.model.exitCode,
        reason: this.model.exitCode === 0 ? 'Completed' : 'Error',
      });
    if (this.model.oomAfterMs !== undefined) exits.push({ at: this.model.oomAfterMs, code: 137, reason: 'OOMKilled' });
    if (this.model.runForMs !== undefined) exits.push({ at: this.model.runForMs, code: 0, reason: 'Completed' });
    const leakPerMs = (this.model.leakMemoryMiBPerMin * 1024 * 1024) / 60_000;
    if (leakPerMs > 0 && this.shape.memoryLimitBytes !== undefined) {
      exits.push({
        at: Math.max(0, (this.shape.memoryLimitBytes - this.shape.baseMemoryBytes) / leakPerMs),
        code: 137,
        reason: 'OOMKilled',
      });
    }
    if (this.model.crashRatePerHour > 0) {
      const u = seededUniform(`${this.shape.seed}/${this.restartCount}`);
      exits.push({
        at: (-Math.log(1 - u) / this.model.crashRatePerHour) * 3_600_000,
        code: this.model.exitCode === 0 ? 1 : this.model.exitCode,
        reason: 'Error',
      });
    }
    exits.sort((a, b) => a.at - b.at);
    const first = exits[0];
    if (first) this.after(first.at, () => this.exit(first.code, first.reason, startedAt));
  }

  /** The container ended by itself, or was `killed` (liveness): a kill logs no crash line. */
  private exit(code: number, reason: string, startedAt: Date, killed = false): void {
    if (reason === 'OOMKilled') this.hooks.oomKilled();
    if (reason !== 'OOMKilled' && !killed && this.model.crashLog)
      for (const line of this.model.crashLog.split(/\r?\n/)) this.hooks.log(line);
    const finished = this.hooks.now();
    this.hooks.endInstance();
    const terminated = {
      kind: 'terminated' as const,
      exitCode: code,
      reason,
      startedAt: iso(startedAt),
      finishedAt: iso(finished),
    };
    this.state = terminated;
    this.ready = false;
    const restart = this.restartPolicy === 'Always' || (this.restartPolicy === 'OnFailure' && code !== 0);
    // Running longer than twice the maximum back-off (10 min with the defaults) resets it, as the kubelet's does.
    if (restart && finished.getTime() - startedAt.getTime() >= 2 * this.policy.maxMs) this.backoffMs = 0;
    // A restart without back-off (the first) follows within the same kubelet sync: its status
    // manager writes only the newest status, so clients never see this instance terminated.
    if (!restart || this.backoffMs !== 0) this.hooks.changed();
    if (!restart) return;
    const delay = this.backoffMs;
    this.nextBackoff();
    this.exited = terminated;
    // The dead container stays reported as terminated until the kubelet's next sync acts on it.
    const lag = Math.min(this.policy.syncLagMs, delay === 0 ? this.policy.syncLagMs : delay);
    if (delay === 0) {
      this.after(lag, () => this.start());
      return;
    }
    this.after(lag, () => {
      // Backing off: the dead instance is still the newest container, shown as lastState with its count.
      this.lastTerminated = terminated;
      this.state = {
        kind: 'waiting',
        reason: 'CrashLoopBackOff',
        message: `back-off ${formatSeconds(delay)} restarting failed container=${this.name} pod=${this.shape.podRef}`,
      };
      this.hooks.event(
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${this.name} in pod ${this.shape.podRef}`,
      );
      this.hooks.changed();
    });
    this.after(delay, () => this.start());
  }
}

function formatSeconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${s % 60}s` : `${s}s`;
}

/** A uniform number in [0, 1) from a string (FNV-1a then xorshift): reproducible "randomness". */
export function seededUniform(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h << 13;
  h >>>= 0;
  h ^= h >>> 17;
  h ^= h << 5;
  return (h >>> 0) / 4_294_967_296;
}
