import { join } from 'node:path';
import { projectRoot } from '../../util/project-root.ts';
import type { ResourceService } from '../api/service/resource-service.ts';
import { applyScenario, loadScenarioFile, ScenarioError } from './load.ts';

export { addNode } from './nodes.ts';
export { ScenarioError } from './load.ts';

export interface Scenario {
  name: string;
  description: string;
  apply(svc: ResourceService): void;
}

/** The cluster every sim starts with: the namespaces a fresh kube-apiserver creates. */
export function bootstrapCluster(svc: ResourceService): void {
  const ns = svc.registry.find('', 'v1', 'namespaces');
  if (!ns) throw new Error('scenario: namespaces are not served');
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    if (!svc.store.get(ns, undefined, name)) svc.create(ns, undefined, { metadata: { name } });
  }
}

const HERE = join(projectRoot(), 'src/sim/scenarios');

function fromFile(path: string): Scenario {
  const file = loadScenarioFile(path);
  return { name: file.name, description: file.description, apply: (svc) => applyScenario(svc, file, path) };
}

/** Built-in scenario names; anything ending in .yaml/.yml is read as a scenario file. */
export const BUILT_IN = ['demo', 'empty'] as const;

export function resolveScenario(nameOrFile: string): Scenario {
  if (/\.ya?ml$/.test(nameOrFile)) return fromFile(nameOrFile);
  if (nameOrFile === 'empty')
    return { name: 'empty', description: 'only the namespaces of a fresh cluster', apply() {} };
  if (nameOrFile === 'demo') return fromFile(join(HERE, 'demo.yaml'));
  throw new ScenarioError(
    `unknown scenario "${nameOrFile}" (available: ${BUILT_IN.join(', ')}, or a scenario .yaml file)`,
  );
}
