import type { Clock } from '../util/clock.ts';

export type InformerPhase = 'stopped' | 'listing' | 'watching' | 'reconnecting';

export interface InformerHealthReport {
  path: string;
  phase: InformerPhase;
  /** A complete list has been read at least once: the cache holds the cluster's state. */
  synced: boolean;
  lastSyncAt?: number;
  lastEventAt?: number;
  /** Since when list or watch has been failing without a success in between. */
  failingSince?: number;
  lastError?: string;
  /** Changes whose handler failed, waiting to be delivered again. */
  pendingRedeliveries: number;
  handlersRunning: number;
}

/** The informer's state as it changes, kept apart from the list/watch mechanics that drive it. */
export class InformerHealth {
  private phase: InformerPhase = 'stopped';
  private lastSyncAt: number | undefined;
  private lastEventAt: number | undefined;
  private failingSince: number | undefined;
  private lastError: string | undefined;

  constructor(
    private readonly path: string,
    private readonly clock: Clock,
  ) {}

  listing(): void {
    this.phase = 'listing';
  }

  synced(): void {
    this.lastSyncAt = this.clock.now();
    this.failingSince = undefined;
  }

  watching(): void {
    this.phase = 'watching';
    this.failingSince = undefined;
  }

  event(): void {
    this.lastEventAt = this.clock.now();
  }

  failed(err: unknown): void {
    this.phase = 'reconnecting';
    this.failingSince ??= this.clock.now();
    this.lastError = err instanceof Error ? err.message : String(err);
  }

  stopped(): void {
    this.phase = 'stopped';
  }

  report(extra: Pick<InformerHealthReport, 'pendingRedeliveries' | 'handlersRunning'>): InformerHealthReport {
    return {
      path: this.path,
      phase: this.phase,
      synced: this.lastSyncAt !== undefined,
      ...(this.lastSyncAt !== undefined ? { lastSyncAt: this.lastSyncAt } : {}),
      ...(this.lastEventAt !== undefined ? { lastEventAt: this.lastEventAt } : {}),
      ...(this.failingSince !== undefined ? { failingSince: this.failingSince, lastError: this.lastError } : {}),
      ...extra,
    };
  }
}

/**
 * Why a set of informers is not ready, or undefined when it is: every one has listed, and none has
 * been failing to reach the API server for longer than `unhealthyAfterMs`.
 */
export function notReadyReason(
  reports: InformerHealthReport[],
  now: number,
  unhealthyAfterMs: number,
): string | undefined {
  for (const r of reports) {
    if (!r.synced) return `${r.path}: not listed yet${r.lastError ? ` (${r.lastError})` : ''}`;
    if (r.failingSince !== undefined && now - r.failingSince > unhealthyAfterMs) {
      return `${r.path}: cannot watch for ${Math.round((now - r.failingSince) / 1000)} s: ${r.lastError ?? 'unknown error'}`;
    }
  }
  return undefined;
}
