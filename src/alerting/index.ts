/**
 * Notifications: the Notifier turns recorded failures into channel messages (severity, silences,
 * routes, grouping), stores them in the outbox and sends them with retries and storm control.
 */
export { Notifier, type NotifierOptions, type NotifierStats, type ResolvedWorkload } from './notifier.ts';
export {
  describeDelivery,
  readEnvelope,
  type DeliveryView,
  type Envelope,
  type AttemptError,
  type HeldItem,
} from './envelope.ts';
export { Silences, newSilenceSchema, type NewSilence, type Silence } from './silences.ts';
export { severityOf, DEFAULT_SEVERITY } from './severity.ts';
export { Router, compileMatcher, globToRegExp, type AlertFacts, type RouteDecision } from './router.ts';
export { OutboxWorker, backoffDelay, type OutboxWorkerOptions, type WorkerStats } from './outbox-worker.ts';
