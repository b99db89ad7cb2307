import { createHash } from 'node:crypto';
import type { ResourceDef, ResourceRegistry } from '../registry.ts';

/**
 * A minimal OpenAPI v3 surface: per group-version documents whose operations carry the
 * x-kubernetes-group-version-kind extension and the fieldValidation parameter. kubectl reads
 * them to learn that the server validates fields itself (so `create -f`/`apply` work with the
 * default --validate=strict). Schemas are omitted on purpose: without them kubectl computes
 * apply patches from its compiled-in types, which carry the exact merge keys.
 */
const WRITE_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation'].map((name) => ({
  name,
  in: 'query',
  schema: { type: 'string', uniqueItems: true },
}));

function gvPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

function operations(def: ResourceDef): Record<string, unknown> {
  const gvk = { group: def.group, version: def.version, kind: def.kind };
  const base = `/${gvPath(def.group, def.version)}${def.namespaced ? '/namespaces/{namespace}' : ''}/${def.resource}`;
  const op = (action: string, params: unknown[]): Record<string, unknown> => ({
    operationId: `${action}${def.kind}`,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
    parameters: params,
    responses: { '200': { description: 'OK' } },
  });
  return {
    [base]: { get: op('list', []), post: op('post', WRITE_PARAMS) },
    [`${base}/{name}`]: {
      get: op('get', []),
      put: op('put', WRITE_PARAMS),
      patch: op('patch', [...WRITE_PARAMS, { name: 'force', in: 'query', schema: { type: 'boolean' } }]),
      delete: op('delete', []),
    },
  };
}

export class OpenApiV3 {
  private readonly docs = new Map<string, { json: string; hash: string }>();

  constructor(registry: ResourceRegistry) {
    for (const [group, versions] of registry.groups()) {
      for (const version of versions) {
        const paths: Record<string, unknown> = {};
        for (const def of registry.inGroupVersion(group, version)) Object.assign(paths, operations(def));
        const doc = {
          openapi: '3.0.0',
          info: { title: 'Kubernetes', version: 'v1.32.0' },
          paths,
          components: { schemas: {} },
        };
        const json = JSON.stringify(doc);
        this.docs.set(gvPath(group, version), {
          json,
          hash: createHash('sha512').update(json).digest('hex').slice(0, 128).toUpperCase(),
        });
      }
    }
  }

  root(): string {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const [p, d] of this.docs) paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${d.hash}` };
    return JSON.stringify({ paths });
  }

  /** The document for `api/v1` or `apis/<group>/<version>`, or undefined. */
  document(path: string): string | undefined {
    return this.docs.get(path)?.json;
  }
}
