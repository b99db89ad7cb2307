import type { KubeConfig } from '@kubernetes/client-node';
import { kubeGetText, KubeApiError } from './http.ts';

export interface LogCapture {
  text: string;
  truncated: boolean;
  /** Why no logs were captured (container gone, 404, timeout), when `text` is empty for that reason. */
  error?: string;
}

export interface LogRequest {
  namespace: string;
  pod: string;
  container: string;
  previous: boolean;
  tailLines: number;
  limitBytes: number;
  /** Prefix each line with its RFC 3339 time (the kubelet's `timestamps=true`). */
  timestamps?: boolean;
}

/**
 * A container's last lines as the kubelet keeps them: `previous` for an instance that was already
 * replaced. Limits apply server-side (tailLines, limitBytes); reaching either marks the capture
 * truncated. Failures are returned as a reason, never thrown: a failure record is kept without logs.
 */
export async function fetchContainerLogs(kc: KubeConfig, req: LogRequest): Promise<LogCapture> {
  const path = `/api/v1/namespaces/${encodeURIComponent(req.namespace)}/pods/${encodeURIComponent(req.pod)}/log`;
  try {
    const text = await kubeGetText(
      kc,
      path,
      {
        container: req.container,
        previous: req.previous || undefined,
        tailLines: req.tailLines,
        limitBytes: req.limitBytes,
        timestamps: req.timestamps || undefined,
      },
      15_000,
    );
    const lines = text.length === 0 ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    return { text, truncated: lines >= req.tailLines || Buffer.byteLength(text) >= req.limitBytes };
  } catch (err) {
    if (err instanceof KubeApiError)
      return { text: '', truncated: false, error: `${err.code} ${err.reason}: ${err.detail}` };
    return { text: '', truncated: false, error: (err as Error).message };
  }
}
