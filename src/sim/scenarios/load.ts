import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { formatZodIssues } from '../../util/config-kit.ts';
import type { ResourceService } from '../api/service/resource-service.ts';
import { isApiError } from '../../kube/apimachinery/errors.ts';
import type { KubeObject } from '../api/registry.ts';
import { scenarioSchema, type ScenarioFile } from './schema.ts';
import { addNode } from './nodes.ts';

/** A scenario file that cannot be used: the message names the file, the field and the reason. */
export class ScenarioError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ScenarioError';
  }
}

export function parseScenario(text: string, source: string): ScenarioFile {
  const docs = parseAllDocuments(text);
  const errors = docs.flatMap((d) => d.errors);
  if (errors.length > 0) throw new ScenarioError(`${source}: not valid YAML: ${errors[0]?.message ?? ''}`);
  const raw = docs[0]?.toJS() as unknown;
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) throw new ScenarioError(`${source}: invalid scenario:\n${formatZodIssues(parsed.error, raw)}`);
  return parsed.data;
}

export function loadScenarioFile(path: string): ScenarioFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ScenarioError(`${path}: cannot read the scenario file: ${(err as Error).message}`, { cause: err });
  }
  return parseScenario(text, path);
}

/** Creates the scenario's nodes and objects; any object the API refuses names its index and why. */
export function applyScenario(svc: ResourceService, scenario: ScenarioFile, source: string): void {
  scenario.nodes.forEach((n, i) => addNode(svc, n.name, i, { cpu: n.cpu, memory: n.memory }, n.labels));
  scenario.objects.forEach((o, i) => {
    const def = svc.registry.findKind(o.apiVersion, o.kind);
    if (!def)
      throw new ScenarioError(
        `${source}: objects[${i}]: ${o.kind} in ${o.apiVersion} is not served by the simulated cluster`,
      );
    const namespace = def.namespaced ? (o.metadata.namespace ?? 'default') : undefined;
    try {
      svc.create(def, namespace, o as unknown as KubeObject);
    } catch (err) {
      const why = isApiError(err) ? err.status.message : (err as Error).message;
      throw new ScenarioError(
        `${source}: objects[${i}] (${o.kind} ${o.metadata.name ?? o.metadata.generateName ?? ''}): ${why}`,
        { cause: err },
      );
    }
  });
}
