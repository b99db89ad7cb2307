import { z } from 'zod';

/**
 * The part of a Pod the monitor reads. Parsing with this schema validates the fields Kubeloop relies
 * on and drops everything else (managedFields, volumes, env...), which is what keeps a 15,000-pod
 * cache small.
 */
const stateSchema = z.object({
  waiting: z.object({ reason: z.string().optional(), message: z.string().optional() }).optional(),
  running: z.object({ startedAt: z.string().nullish() }).optional(),
  terminated: z
    .object({
      exitCode: z.number().int(),
      signal: z.number().int().optional(),
      reason: z.string().optional(),
      message: z.string().optional(),
      startedAt: z.string().nullish(),
      finishedAt: z.string().nullish(),
      containerID: z.string().optional(),
    })
    .optional(),
});

const containerStatusSchema = z.object({
  name: z.string(),
  restartCount: z.number().int().default(0),
  ready: z.boolean().default(false),
  image: z.string().optional(),
  containerID: z.string().optional(),
  state: stateSchema.optional(),
  lastState: stateSchema.optional(),
});

const ownerSchema = z.object({
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  uid: z.string(),
  controller: z.boolean().optional(),
});

export const slimPodSchema = z.object({
  metadata: z.object({
    name: z.string(),
    namespace: z.string(),
    uid: z.string(),
    resourceVersion: z.string().optional(),
    creationTimestamp: z.string().optional(),
    deletionTimestamp: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    ownerReferences: z.array(ownerSchema).optional(),
  }),
  spec: z
    .object({
      nodeName: z.string().optional(),
      restartPolicy: z.string().optional(),
      containers: z.array(z.object({ name: z.string(), image: z.string().optional() })).default([]),
    })
    .default({ containers: [] }),
  status: z
    .object({
      phase: z.string().optional(),
      reason: z.string().optional(),
      message: z.string().optional(),
      startTime: z.string().optional(),
      conditions: z
        .array(z.object({ type: z.string(), status: z.string(), lastTransitionTime: z.string().nullish() }))
        .optional(),
      containerStatuses: z.array(containerStatusSchema).optional(),
      initContainerStatuses: z.array(containerStatusSchema).optional(),
    })
    .default({}),
});

export type SlimPod = z.infer<typeof slimPodSchema>;
export type ContainerStatus = z.infer<typeof containerStatusSchema>;
export type ContainerStateView = z.infer<typeof stateSchema>;
export type OwnerReference = z.infer<typeof ownerSchema>;

/** A pod as the monitor keeps it, or why it was rejected (field path and reason). */
export function slimPod(raw: unknown): SlimPod | string {
  const r = slimPodSchema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const meta = (raw as { metadata?: { namespace?: string; name?: string } } | null)?.metadata;
  return `pod ${meta?.namespace ?? '?'}/${meta?.name ?? '?'}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`;
}

/** The controlling owner reference, if any. */
export function controllerOf(refs: OwnerReference[] | undefined): OwnerReference | undefined {
  return refs?.find((r) => r.controller) ?? undefined;
}
