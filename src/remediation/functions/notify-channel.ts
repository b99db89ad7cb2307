import type { MessagePort } from 'node:worker_threads';
import type { ActionNotice } from '../actions/types.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

/**
 * `ctx.notify` on the worker side: each notice goes to the main thread (which owns the outbox)
 * with an id, and the call settles when the acknowledgement with that id comes back.
 */
export function notifyChannel(port: MessagePort): (notice: ActionNotice) => Promise<void> {
  const pending = new Map<number, { resolve(): void; reject(err: Error): void }>();
  let next = 1;
  port.on('message', (msg: ToWorker) => {
    if (msg.type !== 'notify-ack') return;
    const waiter = pending.get(msg.id);
    if (!waiter) return;
    pending.delete(msg.id);
    if (msg.error === undefined) waiter.resolve();
    else waiter.reject(new Error(`ctx.notify: ${msg.error}`));
  });
  // The listener keeps the worker alive while a function awaits an acknowledgement and nothing
  // else; the runner terminates the worker once the function has settled.
  return (notice) =>
    new Promise<void>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      const message: FromWorker = { type: 'notify', id, notice };
      try {
        port.postMessage(message);
      } catch (err) {
        // A notice that cannot be cloned (a function in it...) fails here, in the function's own call.
        pending.delete(id);
        reject(new Error(`ctx.notify: the notice cannot be sent: ${(err as Error).message}`));
      }
    });
}
