import type { HandlerRegistry } from '../engine.ts';
import { annotate } from './annotate.ts';
import { captureLogs } from './capture-logs.ts';
import { cordonNode } from './cordon-node.ts';
import { deletePod } from './delete-pod.ts';
import { httpRequest } from './http-request.ts';
import { notify } from './notify.ts';
import { rolloutRestart } from './rollout-restart.ts';
import { runFunctionHandler } from './run-function.ts';
import { scaleIn } from './scale-in.ts';
import { scaleOut } from './scale-out.ts';

/** The built-in playbook actions, keyed by the name playbooks use (`- action: scale_out`). */
export function builtInHandlers(settings: { functionsDir: string; prometheusUrl?: string }): HandlerRegistry {
  return {
    scale_out: scaleOut,
    scale_in: scaleIn,
    rollout_restart: rolloutRestart,
    delete_pod: deletePod,
    cordon_node: cordonNode,
    capture_logs: captureLogs,
    annotate,
    notify,
    http_request: httpRequest,
    run_function: runFunctionHandler(settings),
  };
}
