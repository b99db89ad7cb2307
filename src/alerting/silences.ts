import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import { matcherSchema, type MatcherConfig, type SilenceConfig } from './config.ts';
import type { MetaRepo } from '../store/meta.ts';
import { compileMatcher, type AlertFacts, type Predicate } from './router.ts';

/**
 * Silences: matchers that suppress notifications until they expire. Two sources: kubeloop.yaml
 * (`alerting.silences`, read-only, ids `config-<i>`) and runtime ones created from the UI/API, kept
 * as one JSON list in the store's meta table so they survive a restart.
 *
 * A silence applies to failures detected while it was active (createdAt <= detectedAt < expiresAt),
 * not to whatever is processed while it is active: a failure replayed after a restart gets the same
 * answer as the first time, and removing a silence (which expires it now rather than deleting it)
 * does not retroactively un-silence failures it covered.
 */
export interface Silence {
  id: string;
  source: 'config' | 'runtime';
  matchers: MatcherConfig;
  /** Epoch ms; config silences have no creation time and count as active since forever. */
  createdAt: number | null;
  expiresAt: number;
  comment?: string;
  createdBy?: string;
}

/** What the API accepts to create a silence: an end time or a duration from now. */
export const newSilenceSchema = z
  .object({
    matchers: matcherSchema.refine(
      (m) => Object.values(m).some((v) => v !== undefined),
      'a silence needs at least one matcher',
    ),
    expiresAt: z.number().int().positive().optional(),
    durationMs: z.number().int().positive().optional(),
    comment: z.string().min(1).max(1000).optional(),
    createdBy: z.string().min(1).max(200).optional(),
  })
  .strict()
  .refine(
    (s) => (s.expiresAt === undefined) !== (s.durationMs === undefined),
    'give exactly one of expiresAt and durationMs',
  );

export type NewSilence = z.input<typeof newSilenceSchema>;

const storedSchema = z.object({
  version: z.literal(1),
  items: z.array(
    z.object({
      id: z.string().min(1),
      matchers: matcherSchema,
      createdAt: z.number(),
      expiresAt: z.number(),
      comment: z.string().optional(),
      createdBy: z.string().optional(),
    }),
  ),
});

export const SILENCES_META_KEY = 'alerting.silences';
/** Expired runtime silences are kept this long (for the as-of-detection rule and the UI's history). */
const KEEP_EXPIRED_MS = 7 * 24 * 3_600_000;

export class Silences {
  private runtime: Silence[] = [];
  private readonly configured: Silence[];
  private readonly compiled = new Map<string, Predicate>();
  /** Serializes read-modify-write of the stored list within this process. */
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly opts: { meta: MetaRepo; config: readonly SilenceConfig[]; now?: () => number; logger?: Logger },
  ) {
    this.configured = opts.config.map((s, i) => ({
      id: `config-${i}`,
      source: 'config',
      matchers: s.matchers,
      createdAt: null,
      expiresAt: s.expiresAt,
      ...(s.comment ? { comment: s.comment } : {}),
    }));
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** Reads the stored runtime silences; an unreadable list is logged and treated as empty. */
  async load(): Promise<void> {
    const raw = await this.opts.meta.get(SILENCES_META_KEY);
    if (raw === undefined) return;
    let parsed: z.infer<typeof storedSchema> | undefined;
    try {
      const r = storedSchema.safeParse(JSON.parse(raw));
      parsed = r.success ? r.data : undefined;
    } catch {
      parsed = undefined;
    }
    if (!parsed) {
      this.opts.logger?.error(
        { key: SILENCES_META_KEY },
        'alerting: the stored silences are unreadable; starting without runtime silences',
      );
      return;
    }
    this.runtime = parsed.items.map((s) => ({ ...s, source: 'runtime' as const }));
  }

  /** Active silences (and, with `includeExpired`, the expired ones still kept), newest end last. */
  list(opts: { includeExpired?: boolean } = {}): Silence[] {
    const now = this.now();
    return [...this.configured, ...this.runtime]
      .filter((s) => opts.includeExpired || s.expiresAt > now)
      .sort((a, b) => a.expiresAt - b.expiresAt);
  }

  /** The silence covering a failure detected at `at`, if any. */
  silencing(f: AlertFacts, at: number): Silence | undefined {
    return [...this.configured, ...this.runtime].find(
      (s) => (s.createdAt === null || s.createdAt <= at) && at < s.expiresAt && this.predicate(s)(f),
    );
  }

  async add(input: NewSilence): Promise<Silence> {
    const s = newSilenceSchema.parse(input);
    const now = this.now();
    const expiresAt = s.expiresAt ?? now + (s.durationMs ?? 0);
    if (expiresAt <= now) throw new RangeError('a silence must expire in the future');
    const silence: Silence = {
      id: randomUUID(),
      source: 'runtime',
      matchers: s.matchers,
      createdAt: now,
      expiresAt,
      ...(s.comment ? { comment: s.comment } : {}),
      ...(s.createdBy ? { createdBy: s.createdBy } : {}),
    };
    await this.update((list) => [...list, silence]);
    return silence;
  }

  /** Ends a runtime silence now; false when there is no such active runtime silence. */
  async expire(id: string): Promise<boolean> {
    const now = this.now();
    const found = this.runtime.some((s) => s.id === id && s.expiresAt > now);
    if (!found) return false;
    await this.update((list) => list.map((s) => (s.id === id ? { ...s, expiresAt: now } : s)));
    return true;
  }

  private predicate(s: Silence): Predicate {
    let p = this.compiled.get(s.id);
    if (!p) this.compiled.set(s.id, (p = compileMatcher(s.matchers)));
    return p;
  }

  private update(change: (list: Silence[]) => Silence[]): Promise<void> {
    const run = this.writing.then(async () => {
      const cutoff = this.now() - KEEP_EXPIRED_MS;
      const next = change(this.runtime).filter((s) => s.expiresAt > cutoff);
      const items = next.map(({ source: _source, ...rest }) => ({ ...rest, createdAt: rest.createdAt ?? 0 }));
      await this.opts.meta.set(SILENCES_META_KEY, JSON.stringify({ version: 1, items }));
      this.runtime = next;
    });
    this.writing = run.catch(() => undefined);
    return run;
  }
}
