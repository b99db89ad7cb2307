import { z } from 'zod';

/** A scenario file: nodes, then Kubernetes manifests applied in order (sim annotations set models). */
const nodeSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a node name is a DNS-1123 subdomain'),
    cpu: z.string().default('4'),
    memory: z.string().default('16Gi'),
    labels: z.record(z.string(), z.string()).default({}),
  })
  .strict();

const manifestSchema = z
  .object({
    apiVersion: z.string().min(1),
    kind: z.string().min(1),
    metadata: z
      .object({ name: z.string().optional(), generateName: z.string().optional(), namespace: z.string().optional() })
      .loose(),
  })
  .loose();

export const scenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().default(''),
    nodes: z.array(nodeSchema).default([]),
    objects: z.array(manifestSchema).default([]),
  })
  .strict();

export type ScenarioFile = z.infer<typeof scenarioSchema>;
