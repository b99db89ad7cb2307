/** The HTTP exchange every channel shares: send one prepared request with a timeout, type the outcome. */

/** A fully prepared request: exactly what goes on the wire. */
export interface ChannelRequest {
  url: string;
  headers: Record<string, string>;
  /** The raw JSON body (signatures are computed over these exact bytes). */
  body: string;
}

export type SendResult = SendOk | SendError;

export interface SendOk {
  ok: true;
  /** HTTP status of the vendor's answer. */
  status: number;
  durationMs: number;
}

export interface SendError {
  ok: false;
  /** True when the same request may succeed later (timeout, 5xx, rate limit, vendor "busy"). */
  retryable: boolean;
  /**
   * The vendor's error code as a string (`"40058"`, `"310000"`, `"19021"`, `"invalid_payload"`),
   * or one of ours: `timeout`, `aborted`, `network` / a socket error code (`ECONNREFUSED`),
   * `http_<status>`, `bad_response`.
   */
  code: string;
  message: string;
  /** HTTP status when an answer arrived. */
  status?: number;
  /** From a Retry-After header, when the vendor sent one. */
  retryAfterMs?: number;
  durationMs: number;
}

export interface SendOptions {
  /** Cancels the request (shutdown); the result is a retryable `aborted` error. */
  signal?: AbortSignal;
  /** Clock for signatures and timestamps (ms since the epoch). */
  now?: () => number;
  /** Replaces the global fetch (tests, proxies). */
  fetch?: typeof fetch;
}

/** The answer as received, before the vendor's rules decide what it means. */
export interface RawAnswer {
  status: number;
  text: string;
  retryAfterMs?: number;
}

/** A send's outcome before it is timed. */
export type Outcome = Omit<SendOk, 'durationMs'> | Omit<SendError, 'durationMs'>;

/** Failure of the exchange itself (no answer): always retryable, nothing was delivered for sure. */
export type TransportFailure = Omit<SendError, 'durationMs'>;

/** Statuses that say "try again later" rather than "this request is wrong". */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function transportFailure(err: unknown, timeoutMs: number, external: AbortSignal | undefined): TransportFailure {
  const e = err instanceof Error ? err : new Error(String(err));
  if (e.name === 'TimeoutError') {
    return { ok: false, retryable: true, code: 'timeout', message: `no answer within ${timeoutMs} ms` };
  }
  if (e.name === 'AbortError' || external?.aborted) {
    return { ok: false, retryable: true, code: 'aborted', message: 'the request was cancelled' };
  }
  const cause = e.cause instanceof Error ? e.cause : undefined;
  const code = cause && 'code' in cause && typeof cause.code === 'string' ? cause.code : 'network';
  return { ok: false, retryable: true, code, message: cause?.message ?? e.message };
}

/**
 * POSTs the request and reads the whole answer within `timeoutMs` (connect, headers and body
 * together). Returns the raw answer, or a retryable transport failure.
 */
export async function exchange(
  req: ChannelRequest,
  timeoutMs: number,
  opts: SendOptions = {},
): Promise<RawAnswer | TransportFailure> {
  const doFetch = opts.fetch ?? fetch;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  try {
    // A webhook address that redirects is a configuration error to report, not to follow blindly.
    const res = await doFetch(req.url, {
      method: 'POST',
      headers: req.headers,
      body: req.body,
      signal,
      redirect: 'manual',
    });
    const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
    const text = location ? `redirected to ${location}` : await res.text();
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), (opts.now ?? Date.now)());
    return retryAfterMs === undefined ? { status: res.status, text } : { status: res.status, text, retryAfterMs };
  } catch (err) {
    // A timeout surfaces as the timeout signal's reason; tell it apart from an outside cancel.
    if (timeout.aborted && !opts.signal?.aborted) return transportFailure(timeout.reason, timeoutMs, undefined);
    return transportFailure(err, timeoutMs, opts.signal);
  }
}

export function isTransportFailure(a: RawAnswer | TransportFailure): a is TransportFailure {
  return 'ok' in a;
}

/** A short, single-line excerpt of an answer body for error messages. */
export function excerpt(text: string, max = 300): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

/** An HTTP-level error (non-2xx without a vendor code we understand). */
export function httpError(a: RawAnswer): Omit<SendError, 'durationMs'> {
  const base = {
    ok: false as const,
    retryable: isRetryableStatus(a.status),
    code: `http_${a.status}`,
    message: excerpt(a.text) || `HTTP ${a.status}`,
    status: a.status,
  };
  return a.retryAfterMs === undefined ? base : { ...base, retryAfterMs: a.retryAfterMs };
}

/**
 * Answers of WeCom, DingTalk and Feishu: a JSON object whose numeric code is 0 on success; they
 * answer HTTP 200 with a non-zero code on failure. `retryableCodes` are the vendor's "busy / too
 * fast" codes; any other non-zero code is the request's fault and retrying it cannot help.
 */
export function classifyCodedAnswer(
  a: RawAnswer,
  pick: (body: Record<string, unknown>) => { code: unknown; message: unknown },
  retryableCodes: ReadonlySet<number>,
): Outcome {
  let body: unknown;
  try {
    body = JSON.parse(a.text);
  } catch {
    body = undefined;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    if (a.status < 200 || a.status >= 300) return httpError(a);
    // 2xx with something else than the vendor's JSON (a proxy?): it may not have been delivered.
    return {
      ok: false,
      retryable: true,
      code: 'bad_response',
      message: excerpt(a.text) || '(empty answer)',
      status: a.status,
    };
  }
  const { code, message } = pick(body as Record<string, unknown>);
  if (typeof code !== 'number') {
    if (a.status < 200 || a.status >= 300) return httpError(a);
    return { ok: false, retryable: true, code: 'bad_response', message: excerpt(a.text), status: a.status };
  }
  if (code === 0 && a.status >= 200 && a.status < 300) return { ok: true, status: a.status };
  if (code === 0) return httpError(a);
  const retryable = retryableCodes.has(code) || isRetryableStatus(a.status);
  const err = {
    ok: false as const,
    retryable,
    code: String(code),
    message: typeof message === 'string' ? message : excerpt(a.text),
    status: a.status,
  };
  return a.retryAfterMs === undefined ? err : { ...err, retryAfterMs: a.retryAfterMs };
}

export const JSON_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json; charset=utf-8',
  'user-agent': 'Kubeloop',
};

/** Runs the exchange and the vendor's classification, timing the whole send. */
export async function sendPrepared(
  req: ChannelRequest,
  timeoutMs: number,
  classify: (a: RawAnswer) => Outcome,
  opts: SendOptions = {},
): Promise<SendResult> {
  const started = performance.now();
  const answer = await exchange(req, timeoutMs, opts);
  const outcome: Outcome = isTransportFailure(answer) ? answer : classify(answer);
  return { ...outcome, durationMs: Math.round(performance.now() - started) };
}
