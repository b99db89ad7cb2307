import {
  Watch,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type V1Deployment,
  type V1Pod,
  type V1Service,
} from '@kubernetes/client-node';

/** client-node 1.x sends JSON patches unless told otherwise. */
export const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface WatchHandle {
  stop(): void;
  /** Set when the server or the network ended the watch before stop(). */
  closedEarly(): Error | undefined;
}

/**
 * A watch through client-node's Watch (HTTPS, the sim's CA and token from the kubeconfig). Resolves
 * once the server has answered 200, so events after that are seen; `onEvent` gets each one with
 * the client's receive time (performance.now()).
 */
export async function startWatch<T>(
  kc: KubeConfig,
  path: string,
  query: Record<string, string>,
  onEvent: (type: string, obj: T, atMs: number) => void,
): Promise<WatchHandle> {
  let stopped = false;
  let early: Error | undefined;
  const callback = (type: string, obj: T): void => {
    if (!stopped) onEvent(type, obj, performance.now());
  };
  const done = (err: unknown): void => {
    if (!stopped) early = err instanceof Error ? err : new Error(`watch ${path} closed by the server`);
  };
  const controller = await new Watch(kc).watch(path, query, callback, done);
  if (early) throw new Error(`watch ${path} failed: ${early.message}`);
  return {
    stop() {
      stopped = true;
      controller.abort();
    },
    closedEarly: () => early,
  };
}

/** Polls `done` until true; throws with `progress()` in the message after `timeoutMs` or when a watch closed early. */
export async function waitUntil(
  what: string,
  timeoutMs: number,
  done: () => boolean,
  progress: () => string,
  watches: WatchHandle[] = [],
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    const closed = watches.map((w) => w.closedEarly()).find((e) => e !== undefined);
    if (closed) throw new Error(`${what}: a watch ended early (${closed.message}); ${progress()}`);
    if (performance.now() > deadline)
      throw new Error(`${what}: timed out after ${(timeoutMs / 1000).toFixed(0)} s; ${progress()}`);
    await sleep(50);
  }
}

export function isRunningReady(pod: V1Pod): boolean {
  if (pod.metadata?.deletionTimestamp || pod.status?.phase !== 'Running') return false;
  return (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** A Deployment of `replicas` pods labelled app=<name>, with the given pod-template annotations. */
export function deployment(name: string, replicas: number, annotations: Record<string, string> = {}): V1Deployment {
  return {
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'kubeloop/httpserver:1.0',
              ports: [{ name: 'http', containerPort: 8080 }],
              resources: { requests: { cpu: '10m', memory: '16Mi' } },
            },
          ],
        },
      },
    },
  };
}

export function service(name: string, annotations: Record<string, string> = {}): V1Service {
  return {
    metadata: { name, annotations },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  };
}
