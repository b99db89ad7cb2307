import type { Envelope } from './envelope.ts';

export interface Rate {
  messages: number;
  /** Window length, ms. */
  per: number;
}

export type RateDecision = { allowed: true } | { allowed: false; windowEnd: number; rate: Rate };

interface Window {
  start: number;
  end: number;
  sent: number;
  /** The pending summary row collecting this window's overflow, with the payload last written. */
  summary?: { id: number; env: Envelope };
}

/**
 * Per-channel storm control with fixed windows: a window opens at the first message sent on an idle
 * channel and lasts `per`; the first `messages` go out, the rest are held back and folded into one
 * summary sent when the window ends. Fixed windows (rather than a sliding log) make each storm
 * produce exactly one summary per window listing everything held back, instead of a trickle of
 * tiny summaries each time one slot frees up.
 *
 * The counts are in memory: after a restart a channel gets a fresh budget, so at most one extra
 * window's worth can go out; nothing is lost either way because held rows are folded into their
 * summary in the store, atomically.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly rates: { default: Rate; channels: Readonly<Record<string, Rate>> }) {}

  rateOf(channel: string): Rate {
    return this.rates.channels[channel] ?? this.rates.default;
  }

  private window(channel: string, at: number): Window {
    let w = this.windows.get(channel);
    if (!w || at >= w.end) {
      w = { start: at, end: at + this.rateOf(channel).per, sent: 0 };
      this.windows.set(channel, w);
    }
    return w;
  }

  /** Asks to send one message now: allowed (and counted), or held back until `windowEnd`. */
  take(channel: string, at: number): RateDecision {
    const w = this.window(channel, at);
    const rate = this.rateOf(channel);
    if (w.sent < rate.messages) {
      w.sent += 1;
      return { allowed: true };
    }
    return { allowed: false, windowEnd: w.end, rate };
  }

  /**
   * Counts a message that is not subject to the limit (a summary, a test message) so the budget
   * reflects what the channel really received.
   */
  note(channel: string, at: number): void {
    this.window(channel, at).sent += 1;
  }

  /** The open summary of the channel's current window, if one was started. */
  summary(channel: string, at: number): { id: number; env: Envelope } | undefined {
    const w = this.windows.get(channel);
    return w && at < w.end ? w.summary : undefined;
  }

  setSummary(channel: string, at: number, summary: { id: number; env: Envelope }): void {
    this.window(channel, at).summary = summary;
  }
}
