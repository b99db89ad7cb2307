import { z } from 'zod';
import { playbookSchema } from './playbooks/schema.ts';
import { durationMs } from '../util/config-kit.ts';

/**
 * `remediation:` in kubeloop.yaml: the safety rules every playbook runs under, and the playbooks.
 *
 *   remediation:
 *     dryRun: false                 # true: every playbook only records what it would do
 *     cooldown: 5m                  # per target workload, between two changes
 *     budget: { actions: 30, per: 1h }
 *     namespaces: { allow: [], deny: [kube-system] }
 *     functionsDir: functions       # run_function modules (relative to the config file)
 *     playbooksDir: playbooks       # optional: *.yaml files, each a playbook or a list of them
 *     prometheusUrl: http://127.0.0.1:9090   # ctx.query in functions
 *     playbooks: [...]
 */
export const remediationConfigSchema = z
  .object({
    dryRun: z.boolean().default(false),
    cooldown: durationMs.default(300_000),
    budget: z
      .object({
        actions: z.number().int().min(1).default(30),
        per: durationMs.refine((ms) => ms >= 60_000, 'must be at least 1m').default(3_600_000),
      })
      .strict()
      .default({ actions: 30, per: 3_600_000 }),
    namespaces: z
      .object({
        allow: z.array(z.string().min(1)).default([]),
        deny: z.array(z.string().min(1)).default(['kube-system']),
      })
      .strict()
      .default({ allow: [], deny: ['kube-system'] }),
    functionsDir: z.string().min(1).default('functions'),
    playbooksDir: z.string().min(1).optional(),
    prometheusUrl: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
    playbooks: z.array(playbookSchema).default([]),
  })
  .strict();

export type RemediationConfig = z.infer<typeof remediationConfigSchema>;
