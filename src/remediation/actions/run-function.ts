import { resolve } from 'node:path';
import { runFunction } from '../functions/runner.ts';
import { describeTrigger } from '../functions/trigger.ts';
import type { ActionHandler } from './types.ts';

/**
 * run_function: a user module from the functions directory, in a worker thread with the action's
 * timeout and memory limit (see functions/runner.ts). Counted as a change (mutates): a function
 * may do anything Kubeloop's credentials allow, so it is under the cooldown and the budget, and
 * dry-run does not call it at all.
 */
export function runFunctionHandler(settings: {
  functionsDir: string;
  prometheusUrl?: string;
}): ActionHandler<'run_function'> {
  return {
    action: 'run_function',
    mutates: true,
    needs: 'nothing',
    async run(env, spec) {
      if (env.dryRun) return { outcome: 'succeeded', summary: `dry run: would run function ${spec.function}` };
      const run = await runFunction({
        functionsDir: resolve(settings.functionsDir),
        file: spec.function,
        kubeconfig: env.kc.exportConfig(),
        alert: env.trigger.kind === 'alert' ? env.trigger.alert : undefined,
        trigger: describeTrigger(env.trigger),
        params: spec.params,
        timeoutMs: spec.timeoutMs,
        memoryMb: spec.memoryMb,
        notify: env.notify,
        signal: env.signal,
        ...(settings.prometheusUrl ? { prometheusUrl: settings.prometheusUrl } : {}),
      });
      const detail = {
        value: run.value ?? null,
        logs: run.logs.map((l) => ({ ...l })),
        durationMs: run.durationMs,
        timedOut: run.timedOut,
        memoryExceeded: run.memoryExceeded,
      };
      if (run.ok)
        return { outcome: 'succeeded', summary: `function ${spec.function} returned in ${run.durationMs} ms`, detail };
      const why = run.timedOut
        ? `timed out after ${spec.timeoutMs} ms`
        : run.memoryExceeded
          ? `ran out of memory (limit ${spec.memoryMb} MB)`
          : (run.error ?? 'failed');
      return {
        outcome: 'failed',
        summary: `function ${spec.function}: ${why.split('\n')[0]}`,
        detail: { ...detail, error: run.error ?? null },
      };
    },
  };
}
