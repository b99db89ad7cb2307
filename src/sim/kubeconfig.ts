import { stringify } from 'yaml';

export interface KubeconfigInput {
  server: string;
  token: string;
  caCert?: string;
  name?: string;
}

/** A kubeconfig that kubectl and @kubernetes/client-node read unchanged. */
export function renderKubeconfig(input: KubeconfigInput): string {
  const name = input.name ?? 'kubeloop-sim';
  const cluster: Record<string, string> = { server: input.server };
  if (input.caCert) cluster['certificate-authority-data'] = Buffer.from(input.caCert).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    users: [{ name: `${name}-admin`, user: { token: input.token } }],
    contexts: [{ name, context: { cluster: name, user: `${name}-admin` } }],
    'current-context': name,
    preferences: {},
  });
}
