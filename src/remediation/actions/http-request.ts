import type { ActionHandler } from './types.ts';

/** How much of the answer the audit record keeps. */
export const RESPONSE_KEPT_BYTES = 4096;

/** The URL as summaries show it: no user:password and no query string, where webhook tokens often sit. */
function shown(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

/** The first `max` bytes of a body, then the rest is cancelled rather than downloaded. */
async function head(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < max) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  if (size >= max) await reader.cancel().catch(() => undefined);
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, max));
}

/** "fetch failed: connect ECONNREFUSED 127.0.0.1:9" rather than undici's bare "fetch failed". */
function networkReason(err: Error): string {
  const cause = err.cause instanceof Error ? err.cause.message : undefined;
  return cause && cause !== err.message ? `${err.message}: ${cause}` : err.message;
}

/**
 * http_request: calls an outside system (a ticketing API, a runbook automation, a pager). It does
 * not change the cluster itself, but it is declared mutating anyway: what the receiver does with
 * the call is not Kubeloop's to judge (it may restart things), so the call counts against the
 * cooldown and the change budget, and dry run does not make it. The body is the rendered `body`
 * template or, by default, the trigger as JSON; 2xx succeeds, any other status or a network
 * error or timeout fails with the reason.
 */
export const httpRequest: ActionHandler<'http_request'> = {
  action: 'http_request',
  mutates: true,
  needs: 'nothing',
  async run(env, spec) {
    const where = `${spec.method} ${shown(spec.url)}`;
    // fetch refuses a body on GET; every other method carries one.
    const body =
      spec.method === 'GET' ? undefined : spec.body !== undefined ? env.render(spec.body) : JSON.stringify(env.trigger);
    let headers: Headers;
    try {
      headers = new Headers(spec.headers);
    } catch (err) {
      // A header name or value HTTP does not allow (a space, a newline): the playbook's mistake, reported as such.
      return { outcome: 'failed', summary: `${where}: invalid header: ${(err as Error).message}` };
    }
    if (body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
    const bytes = body === undefined ? 0 : Buffer.byteLength(body);
    if (env.dryRun) return { outcome: 'succeeded', summary: `dry run: would ${where} (${bytes} bytes)` };
    const timeout = AbortSignal.timeout(spec.timeoutMs);
    const started = Date.now();
    try {
      const res = await fetch(spec.url, {
        method: spec.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: AbortSignal.any([env.signal, timeout]),
      });
      const detail = {
        status: res.status,
        body: await head(res, RESPONSE_KEPT_BYTES),
        durationMs: Date.now() - started,
      };
      if (res.ok) return { outcome: 'succeeded', summary: `${where}: ${res.status}`, detail };
      return {
        outcome: 'failed',
        summary: `${where}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`,
        detail,
      };
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      const why = env.signal.aborted
        ? `aborted: ${String(env.signal.reason)}`
        : timeout.aborted
          ? `no answer within ${spec.timeoutMs} ms`
          : networkReason(err);
      return { outcome: 'failed', summary: `${where}: ${why}`, detail: { durationMs: Date.now() - started } };
    }
  },
};
