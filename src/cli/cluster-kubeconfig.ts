import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

/**
 * The kubeconfig of CLI commands that talk to a cluster: --kubeconfig, else the embedded sim's
 * (what `npm start` writes to data/sim-kubeconfig.yaml) when KUBECONFIG is unset, else kubectl's
 * default loading.
 */
export function cliKubeConfig(flags: { kubeconfig?: string; context?: string }): KubeConfig {
  const kc = new KubeConfig();
  const simDefault = resolve('data/sim-kubeconfig.yaml');
  if (flags.kubeconfig) kc.loadFromFile(flags.kubeconfig);
  else if (!process.env['KUBECONFIG'] && existsSync(simDefault)) kc.loadFromFile(simDefault);
  else kc.loadFromDefault();
  if (flags.context) kc.setCurrentContext(flags.context);
  return kc;
}
