import { z } from 'zod';
import type { Delivery, JsonValue } from '../store/index.ts';
import { notificationMessageSchema, severities, type NotificationMessage } from './channels/message.ts';

/**
 * What an outbox row's payload holds: the complete channel message (so the worker sends exactly
 * what was stored, even after a restart or a config change) plus the bookkeeping the UI and API
 * show: which failures it covers, the group being collected, what a summary stands for, and the
 * history of failed attempts (last_error alone would lose it when a retry succeeds).
 */
export const attemptErrorSchema = z.object({
  attempt: z.number().int(),
  at: z.number(),
  code: z.string(),
  message: z.string(),
  status: z.number().int().optional(),
  durationMs: z.number().optional(),
});

export const heldItemSchema = z.object({
  deliveryId: z.number().int(),
  title: z.string(),
  severity: z.enum(severities),
  count: z.number().int(),
  failureIds: z.array(z.number().int()),
});

export const envelopeSchema = z.object({
  v: z.literal(1),
  message: notificationMessageSchema,
  failureIds: z.array(z.number().int()).default([]),
  /** A failure group still open for more failures until windowEnd (epoch ms). */
  group: z
    .object({
      key: z.string(),
      windowEnd: z.number(),
      windowMs: z.number(),
      /** The first failure's own title and detail; grouped ones are derived from them. */
      title: z.string(),
      detail: z.string().optional(),
    })
    .optional(),
  /** A rate-limit summary: the deliveries it replaces. */
  heldBack: z.array(heldItemSchema).optional(),
  errors: z.array(attemptErrorSchema).default([]),
});

export type Envelope = z.infer<typeof envelopeSchema>;
export type AttemptError = z.infer<typeof attemptErrorSchema>;
export type HeldItem = z.infer<typeof heldItemSchema>;

/** At most this many failure ids per row: a storm group keeps its count exact but not every id. */
export const MAX_FAILURE_IDS = 1000;
/** Older attempt errors beyond this are dropped from the history (the count stays in `attempts`). */
const MAX_ERRORS = 50;

export function newEnvelope(message: NotificationMessage, failureIds: number[] = []): Envelope {
  return { v: 1, message, failureIds: failureIds.slice(0, MAX_FAILURE_IDS), errors: [] };
}

/**
 * The payload as the store takes it. The envelope is plain JSON data by construction (numbers,
 * strings, arrays, objects; optional fields are dropped by JSON.stringify when stored), which the
 * type system cannot see through zod's inferred type, hence the narrowing cast.
 */
export function toPayload(env: Envelope): JsonValue {
  return env as unknown as JsonValue;
}

/** The envelope of a stored payload, or undefined when it is not one (a foreign or corrupt row). */
export function readEnvelope(payload: JsonValue): Envelope | undefined {
  const r = envelopeSchema.safeParse(payload);
  return r.success ? r.data : undefined;
}

export function withError(env: Envelope, e: AttemptError): Envelope {
  return { ...env, errors: [...env.errors, e].slice(-MAX_ERRORS) };
}

/** A delivery as the API and UI show it: the stored row plus its decoded message and history. */
export interface DeliveryView extends Omit<Delivery, 'payload'> {
  message: NotificationMessage | null;
  failureIds: number[];
  errors: AttemptError[];
  heldBack: HeldItem[];
  /** When a collected group closes and is sent (pending groups only). */
  groupWindowEnd: number | null;
}

export function describeDelivery(d: Delivery): DeliveryView {
  const { payload, ...row } = d;
  const env = readEnvelope(payload);
  return {
    ...row,
    message: env?.message ?? null,
    failureIds: env?.failureIds ?? (d.failureId !== null ? [d.failureId] : []),
    errors: env?.errors ?? [],
    heldBack: env?.heldBack ?? [],
    groupWindowEnd: d.status === 'pending' && env?.group ? env.group.windowEnd : null,
  };
}
