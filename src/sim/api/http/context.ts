import type { ResourceRegistry } from '../registry.ts';
import type { ObjectStore } from '../store/object-store.ts';
import type { ResourceService } from '../service/resource-service.ts';
import type { LogStore } from '../logs/log-store.ts';
import type { ContainerEnv } from '../../container/index.ts';
import type { KubeObject } from '../registry.ts';
import type { SimTokens } from './auth.ts';
import type { Aggregator } from '../aggregator/aggregator.ts';

/** Everything the HTTP layer needs, built once by the sim's composition root. */
export interface SimApiContext {
  registry: ResourceRegistry;
  store: ObjectStore;
  service: ResourceService;
  logs: LogStore;
  tokens: SimTokens;
  /** What a pod's running containers use now (metrics.k8s.io). */
  usage: (pod: KubeObject, now: Date) => { name: string; cpuMillis: number; memoryBytes: number }[];
  /** Requests/s a pod serves now (its share of its Services' load). */
  requestRate: (pod: KubeObject, now: Date) => number;
  /** The virtual environment a command runs in for `exec` into one container. */
  containerEnv: (pod: KubeObject, container: string) => ContainerEnv;
  /** Proxies APIService-registered group/versions (custom/external metrics) to their backends. */
  aggregator?: Aggregator;
  watch: {
    bookmarkIntervalMs: number;
    maxBufferedBytes: number;
  };
}
