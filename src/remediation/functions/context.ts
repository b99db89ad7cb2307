import type { MessagePort } from 'node:worker_threads';
import type { FunctionContext } from './api.ts';
import { captureConsole, functionLogger, type LogSink } from './console-capture.ts';
import { makeKubeClients } from './k8s.ts';
import { notifyChannel } from './notify-channel.ts';
import { promQuery } from './prometheus.ts';
import type { WorkerInput } from './protocol.ts';

/**
 * The `ctx` a function receives, built in the worker: logging (ctx.log and the console), the
 * Kubernetes clients, PromQL queries, and notices relayed to the main thread.
 */
export function createContext(input: WorkerInput, port: MessagePort, sink: LogSink): FunctionContext {
  captureConsole(sink);
  const notify = notifyChannel(port);
  return {
    params: input.params,
    alert: input.alert,
    trigger: input.trigger,
    log: functionLogger(sink),
    k8s: makeKubeClients(input.kubeconfig),
    query: (promql, time) => promQuery(input.prometheusUrl, promql, time),
    notify,
  };
}
