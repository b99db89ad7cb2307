/** Polls `fn` until it returns a value (not undefined), or fails naming what it waited for. */
export async function eventually<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  ms = 10_000,
  everyMs = 25,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
