import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ListWatch } from '../kube/list-watch.ts';

const slimServiceSchema = z.object({
  metadata: z.object({
    name: z.string(),
    namespace: z.string(),
    uid: z.string(),
    resourceVersion: z.string().optional(),
  }),
  spec: z.object({ selector: z.record(z.string(), z.string()).nullish() }).default({}),
});

type SlimService = z.infer<typeof slimServiceSchema>;

function slimService(raw: unknown): SlimService | string {
  const r = slimServiceSchema.safeParse(raw);
  return r.success
    ? r.data
    : `service: ${r.error.issues[0]?.path.join('.') ?? ''}: ${r.error.issues[0]?.message ?? 'invalid'}`;
}

/** A cache of Services' selectors: which Services route to a pod (recorded with each failure). */
export class ServiceIndex {
  private readonly watches: ListWatch<SlimService>[];

  constructor(kc: KubeConfig, namespaces: string[], logger?: Logger) {
    const paths =
      namespaces.length > 0
        ? namespaces.map((ns) => `/api/v1/namespaces/${encodeURIComponent(ns)}/services`)
        : ['/api/v1/services'];
    this.watches = paths.map((path) => new ListWatch<SlimService>({ kc, path, slim: slimService, logger }));
  }

  async start(): Promise<void> {
    await Promise.all(this.watches.map((w) => w.start()));
  }

  stop(): void {
    for (const w of this.watches) w.stop();
  }

  selecting(namespace: string, labels: Record<string, string>): string[] {
    const out: string[] = [];
    for (const w of this.watches) {
      for (const s of w.values()) {
        const sel = s.spec.selector;
        if (s.metadata.namespace !== namespace || !sel || Object.keys(sel).length === 0) continue;
        if (Object.entries(sel).every(([k, v]) => labels[k] === v)) out.push(s.metadata.name);
      }
    }
    return out.sort();
  }
}
