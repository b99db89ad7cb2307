import { hostname } from 'node:os';
import type { Store } from '../store/index.ts';

/**
 * The address a running `kubeloop up` listens on, kept in the store so that `kubeloop links create`
 * (a separate process with the same --config/--data) prints a URL that reaches it, even when `up
 * --port` or port 0 chose a port the configuration does not name.
 */
const LISTEN_URL_KEY = 'server.listenUrl';

/** A wildcard bind address is no address to post to; the machine's name is the best guess. */
export function reachableUrl(host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '::' || host === '[::]' ? hostname() : host;
  return `http://${h.includes(':') && !h.startsWith('[') ? `[${h}]` : h}:${port}`;
}

export async function recordListenUrl(store: Store, url: string): Promise<void> {
  await store.meta.set(LISTEN_URL_KEY, url);
}

/**
 * Where monitoring systems should post: server.publicUrl when set (behind a proxy or an Ingress it is
 * the only right answer), else the address `up` last recorded; undefined when neither is known.
 */
export async function platformBaseUrl(store: Store, publicUrl: string | undefined): Promise<string | undefined> {
  const base = publicUrl ?? (await store.meta.get(LISTEN_URL_KEY));
  return base?.replace(/\/+$/, '');
}
