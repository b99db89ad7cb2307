import { z } from 'zod';
import { parse } from '../http/validate.ts';
import { errorResponse, pathParam, type ApiFeature } from '../http/feature.ts';

export interface ChannelInfo {
  name: string;
  type: string;
}

export interface RoutingInfo {
  routes: { match: Record<string, unknown>; channels: string[]; continue: boolean }[];
  groupingWindowSeconds: number;
  rateLimit: { messages: number; perSeconds: number };
}

export interface AlertingApiDeps {
  channels: () => ChannelInfo[];
  /** Routing as configured (routes, grouping window, rate limits), shown read-only in the UI. */
  routing: () => RoutingInfo;
  sendTest: (channel: string) => Promise<{ deliveryId: number }>;
}

const channelParam = z.object({ name: z.string().min(1).max(63) }).strict();

/** The notification channels (never their secrets), routing, and a test message per channel. */
export function alertingFeature(deps: AlertingApiDeps): ApiFeature {
  return {
    name: 'alerting',
    register(app) {
      app.get('/api/v1/channels', async () => ({ items: deps.channels(), routing: deps.routing() }));
      app.post('/api/v1/channels/:name/test', async (req, reply) => {
        const { name } = parse(channelParam, req.params, 'params');
        if (!deps.channels().some((c) => c.name === name))
          return reply.code(404).send({ error: `channel "${name}" is not configured` });
        return reply.code(202).send(await deps.sendTest(name));
      });
    },
    paths: {
      '/api/v1/channels': {
        get: {
          summary: 'Configured notification channels (no secrets) and the routing',
          responses: { 200: { description: '{items, routing}' } },
        },
      },
      '/api/v1/channels/{name}/test': {
        post: {
          summary: 'Queue a test message to a channel',
          parameters: [pathParam('name')],
          responses: { 202: { description: '{deliveryId}' }, 400: errorResponse, 404: errorResponse },
        },
      },
    },
  };
}
