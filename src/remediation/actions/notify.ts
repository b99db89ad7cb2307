import type { ActionEnv, ActionHandler } from './types.ts';

/** The default message: what triggered the playbook, in one line. */
function describeTrigger(env: ActionEnv): { title: string; text: string } {
  const t = env.trigger;
  const target = env.target ? `${env.target.kind} ${env.target.namespace}/${env.target.name}` : undefined;
  if (t.kind === 'alert')
    return {
      title: t.alert.title,
      text: [`${t.alert.source} alert ${t.alert.id} (${t.alert.status}, ${t.alert.severity})`, target]
        .filter(Boolean)
        .join(' on '),
    };
  if (t.kind === 'failure')
    return {
      title: `${t.failure.reason}: ${t.failure.namespace}/${t.failure.pod}`,
      text: `failure #${t.failure.id} of ${t.failure.workloadKind} ${t.failure.workloadName}`,
    };
  return { title: 'Scheduled playbook run', text: `scheduled at ${new Date(t.scheduledAt).toISOString()}` };
}

/** Sends a message through the notification channels (outbox first, like every notification). */
export const notify: ActionHandler<'notify'> = {
  action: 'notify',
  mutates: false,
  needs: 'nothing',
  async run(env, spec) {
    const d = describeTrigger(env);
    const title = spec.title ? env.render(spec.title) : d.title;
    const text = spec.message ? env.render(spec.message) : d.text;
    const where = spec.channels ? `channels ${spec.channels.join(', ')}` : 'the routed channels';
    if (env.dryRun) return { outcome: 'succeeded', summary: `dry run: would notify ${where}: ${title}` };
    await env.notify({
      title,
      text,
      severity: spec.severity,
      ...(spec.channels ? { channels: spec.channels } : {}),
      ...(env.target
        ? { namespace: env.target.namespace, workload: { kind: env.target.kind, name: env.target.name } }
        : {}),
    });
    return { outcome: 'succeeded', summary: `notified ${where}: ${title}`, detail: { title, text } };
  },
};
