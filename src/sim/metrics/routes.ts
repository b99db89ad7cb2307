import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KubeObject } from '../api/registry.ts';
import type { SimApiContext } from '../api/http/context.ts';
import { renderPodAppMetrics } from './app-metrics.ts';
import { renderCadvisor } from './cadvisor.ts';
import { CounterBook } from './counters.ts';
import { EXPOSITION_CONTENT_TYPE } from './exposition.ts';
import { podTargetGroups } from './http-sd.ts';
import { renderKubeState } from './kube-state.ts';

/**
 * The sim's scrape endpoints, served without authentication on the API port the way a kubelet's
 * /metrics/cadvisor, kube-state-metrics and pods' own /metrics are scraped in a cluster:
 *   GET /metrics/cadvisor              cAdvisor container metrics (and DCGM GPU utilization)
 *   GET /metrics/kube-state            kube-state-metrics v2 families
 *   GET /metrics/pods/<namespace>/<pod> a pod's app metrics (404 unknown pod, 503 app not running)
 *   GET /sd/pods                       Prometheus http_sd targets for those app metrics
 * Every other path is left to the API server (and its bearer-token authentication).
 */

/** Counters per server, so that separate sims (tests) do not share state. */
const books = new WeakMap<SimApiContext, CounterBook>();

function book(ctx: SimApiContext): CounterBook {
  let b = books.get(ctx);
  if (!b) {
    b = new CounterBook();
    books.set(ctx, b);
  }
  return b;
}

type Route =
  | { kind: 'cadvisor' }
  | { kind: 'kube-state' }
  | { kind: 'sd' }
  | { kind: 'pod'; namespace: string; name: string }
  | { kind: 'bad-pod-path' };

export function matchScrapePath(pathname: string): Route | undefined {
  if (pathname === '/metrics/cadvisor') return { kind: 'cadvisor' };
  if (pathname === '/metrics/kube-state') return { kind: 'kube-state' };
  if (pathname === '/sd/pods') return { kind: 'sd' };
  if (!pathname.startsWith('/metrics/pods/')) return undefined;
  const parts = pathname.slice('/metrics/pods/'.length).split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return { kind: 'bad-pod-path' };
  try {
    return { kind: 'pod', namespace: decodeURIComponent(parts[0]), name: decodeURIComponent(parts[1]) };
  } catch {
    return { kind: 'bad-pod-path' };
  }
}

function list(ctx: SimApiContext, group: string, version: string, resource: string): KubeObject[] {
  const def = ctx.registry.find(group, version, resource);
  return def ? ctx.store.listCurrent(def, undefined).map((so) => so.obj) : [];
}

function text(reply: FastifyReply, code: number, body: string, type = 'text/plain; charset=utf-8'): void {
  void reply.code(code).header('content-type', type).send(body);
}

/** Serves a scrape path and returns true, or returns false for any other path. */
export function serveScrapeEndpoint(
  ctx: SimApiContext,
  req: FastifyRequest,
  reply: FastifyReply,
  pathname: string,
): boolean {
  const route = matchScrapePath(pathname);
  if (!route) return false;
  if (req.method !== 'GET') {
    void reply.header('allow', 'GET');
    text(reply, 405, 'Method Not Allowed\n');
    return true;
  }
  const now = ctx.service.now();
  switch (route.kind) {
    case 'cadvisor': {
      const body = renderCadvisor({
        pods: list(ctx, '', 'v1', 'pods'),
        nodes: list(ctx, '', 'v1', 'nodes'),
        now,
        usage: ctx.usage,
        cumulative: book(ctx).at(now),
      });
      text(reply, 200, body, EXPOSITION_CONTENT_TYPE);
      return true;
    }
    case 'kube-state': {
      const body = renderKubeState({
        pods: list(ctx, '', 'v1', 'pods'),
        nodes: list(ctx, '', 'v1', 'nodes'),
        deployments: list(ctx, 'apps', 'v1', 'deployments'),
        jobs: list(ctx, 'batch', 'v1', 'jobs'),
        hpas: list(ctx, 'autoscaling', 'v2', 'horizontalpodautoscalers'),
      });
      text(reply, 200, body, EXPOSITION_CONTENT_TYPE);
      return true;
    }
    case 'sd': {
      // The address the scraper reached the sim at (the Host header), so the targets work from where it runs.
      const address = req.headers.host ?? `127.0.0.1:${req.socket.localPort ?? 0}`;
      const groups = podTargetGroups(list(ctx, '', 'v1', 'pods'), {
        address,
        scheme: req.protocol === 'https' ? 'https' : 'http',
      });
      text(reply, 200, JSON.stringify(groups), 'application/json');
      return true;
    }
    case 'pod': {
      const def = ctx.registry.find('', 'v1', 'pods');
      const pod = def ? ctx.store.get(def, route.namespace, route.name)?.obj : undefined;
      if (!pod) {
        text(reply, 404, `pod ${route.namespace}/${route.name} not found\n`);
        return true;
      }
      const body = renderPodAppMetrics(pod, book(ctx).at(now), ctx.requestRate(pod, now));
      if (body === undefined) text(reply, 503, `pod ${route.namespace}/${route.name}: app container is not running\n`);
      else text(reply, 200, body, EXPOSITION_CONTENT_TYPE);
      return true;
    }
    case 'bad-pod-path':
      text(reply, 404, '404 page not found\n');
      return true;
  }
}
