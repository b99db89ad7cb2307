import type { ApiFeature, OpenApiPaths } from '../http/feature.ts';

/** The REST API's OpenAPI 3.1 document: each feature describes its own paths, from the zod schemas that validate them. */
export function buildOpenApi(features: ApiFeature[]): {
  openapi: string;
  info: Record<string, unknown>;
  paths: OpenApiPaths;
} {
  const paths: OpenApiPaths = {};
  for (const f of features) {
    for (const [path, item] of Object.entries(f.paths)) {
      if (paths[path]) throw new Error(`openapi: ${path} is described by two features (${f.name} and another)`);
      paths[path] = item;
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Kubeloop API',
      version: 'v1',
      description: `Kubeloop's REST API: ${features.map((f) => f.name).join(', ')}.`,
    },
    paths,
  };
}
