/** The REST API's shapes (the views in src/monitor/views.ts and src/remediation/views.ts) and a small typed client. Times are RFC 3339. */
export interface WorkloadRef {
  kind: string;
  name: string;
}

export interface OpenWorkload {
  namespace: string;
  workload: WorkloadRef;
  open: number;
  reasons: string[];
  lastDetectedAt: string | null;
}

export interface Overview {
  cluster: string;
  open: OpenWorkload[];
  timeline: Array<{ at: string; count: number }>;
}

export type FailureState = 'open' | 'resolved';

export interface FailureSummary {
  id: number;
  namespace: string;
  pod: string;
  container: string | null;
  node: string | null;
  workload: WorkloadRef;
  reason: string;
  exitCode: number | null;
  signal: number | null;
  message: string | null;
  restartCount: number;
  state: FailureState;
  preExisting: boolean;
  detectedAt: string;
  occurredAt: string;
  resolvedAt: string | null;
  durationSeconds: number | null;
}

export interface FailurePage {
  items: FailureSummary[];
  total: number;
  nextCursor: string | null;
}

export interface RecordedEvent {
  type: string;
  reason: string;
  message: string;
  count: number;
  lastSeen: string | null;
}

export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'dead';

export interface Delivery {
  id: number;
  channel: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  nextAttemptAt: string | null;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface FailureDetail extends FailureSummary {
  ownerChain: Array<WorkloadRef & { uid?: string }>;
  services: string[];
  events: RecordedEvent[];
  logs: string | null;
  logsTruncated: boolean;
  logsError: string | null;
  details: Record<string, JsonValue>;
  deliveries: Delivery[];
}

export interface Finding {
  id: number;
  kind: string;
  namespace: string | null;
  workload: WorkloadRef | null;
  reason: string;
  message: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
}

export interface RoutingRule {
  match: { namespaces?: string[]; workloads?: string[]; reasons?: string[]; severity?: string[] };
  channels: string[];
  continue: boolean;
}

export interface Routing {
  routes: RoutingRule[];
  groupingWindowSeconds: number;
  rateLimit: { messages: number; perSeconds: number };
}

export interface Channel {
  name: string;
  type: string;
}

/** A non-2xx answer: the status and the API's `{error}` text. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function fetchJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(path, { ...init, headers: { accept: 'application/json', ...init.headers } });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const message = isErrorBody(body) ? body.error : `${res.status} ${res.statusText}`;
    throw new ApiError(res.status, message);
  }
  return body as T;
}

function isErrorBody(v: unknown): v is { error: string } {
  return typeof v === 'object' && v !== null && typeof (v as { error?: unknown }).error === 'string';
}

export function sendTestMessage(channel: string): Promise<{ deliveryId: number }> {
  return fetchJson(`/api/v1/channels/${encodeURIComponent(channel)}/test`, { method: 'POST' });
}
