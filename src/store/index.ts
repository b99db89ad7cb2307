/** The database layer: every module reaches the database through these repositories. */
export { openStore, StoreOpenError, redact, type Store, type StoreConfig } from './open.ts';
export { StoreMigrationError } from './migrate.ts';
export { failureKey } from './failures.ts';
export type {
  Failure,
  FailureCapture,
  FailureFilter,
  FailurePage,
  FailureRepo,
  FailureSummary,
  NewFailure,
  OwnerRef,
  RecordedEvent,
} from './failures.ts';
export type { Finding, FindingFilter, FindingInput, FindingRepo } from './findings.ts';
export type { Delivery, NewDelivery, OutboxRepo } from './outbox.ts';
export type { MetaRepo } from './meta.ts';
export type { DeliveryStatus, DialectName, FailureState } from './schema.ts';
export type { JsonValue } from './codec.ts';
export type { FailureStats, OpenByWorkload, TimelineBucket } from './failure-stats.ts';
export { hashToken, LinkNameTakenError, type AlertLink, type AlertLinkRepo } from './alert-links.ts';
export type { AlertRepo, AlertRow, InboxItem, NewAlertRow } from './alerts.ts';
export type { ActionCompletion, ActionFilter, ActionRecord, ActionRepo, NewAction } from './actions.ts';
export type { ScheduleRun, ScheduleRunRepo } from './schedule-runs.ts';
export type { ActionState } from './schema.ts';
