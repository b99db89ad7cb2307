/**
 * Picks from a kube-apiserver /openapi/v2 document the part a set of resources accounts for: their paths
 * (collections, objects, watch forms, served subresources), the discovery paths of their groups, and
 * every definition those paths reach through `$ref`. The sim serves the part for its own resources; the
 * differential suite applies the same selection to the real apiserver's live document to compare them.
 */
export interface SwaggerDoc {
  swagger: string;
  info: Record<string, unknown>;
  paths: Record<string, Record<string, unknown>>;
  definitions: Record<string, unknown>;
  [k: string]: unknown;
}

export interface SelectableResource {
  group: string;
  version: string;
  resource: string;
  subresources: readonly string[];
}

/** Paths outside any group that the sim answers as kube-apiserver does. */
const FIXED_PATHS = new Set(['/api/', '/apis/', '/version/']);

interface ParsedPath {
  group: string;
  version: string;
  /** '' for the group-version discovery path itself. */
  resource: string;
  subresource: string | undefined;
  /** More segments than resource/{name}/subresource (proxy/{path}): never selected. */
  deep: boolean;
}

export function parseSwaggerPath(p: string): ParsedPath | { group: string; groupOnly: true } | undefined {
  const segs = p.split('/').filter((s) => s !== '');
  let group: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 2) {
    group = '';
    rest = segs.slice(1);
  } else if (segs[0] === 'apis' && segs.length >= 2) {
    group = segs[1] as string;
    if (segs.length === 2) return { group, groupOnly: true };
    rest = segs.slice(2);
  } else {
    return undefined;
  }
  const version = rest[0] as string;
  let tail = rest.slice(1);
  if (tail[0] === 'watch') tail = tail.slice(1);
  if (tail.length === 0) return { group, version, resource: '', subresource: undefined, deep: false };
  if (tail[0] === 'namespaces' && tail[1] === '{namespace}' && tail.length >= 3) tail = tail.slice(2);
  const [resource, , subresource, ...more] = tail;
  return { group, version, resource: resource as string, subresource, deep: more.length > 0 };
}

function collectRefs(v: unknown, out: Set<string>): void {
  if (Array.isArray(v)) {
    for (const e of v) collectRefs(e, out);
    return;
  }
  if (v === null || typeof v !== 'object') return;
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (k === '$ref' && typeof val === 'string') out.add(val);
    else collectRefs(val, out);
  }
}

const DEF_PREFIX = '#/definitions/';

/** The selected document: every other key (swagger, info, security, ...) is kept as it is. */
export function selectForResources(doc: SwaggerDoc, resources: readonly SelectableResource[]): SwaggerDoc {
  const byGvr = new Map(resources.map((r) => [`${r.group}/${r.version}/${r.resource}`, r]));
  const gvs = new Set(resources.map((r) => `${r.group}/${r.version}`));
  const groups = new Set(resources.filter((r) => r.group !== '').map((r) => r.group));
  const paths: SwaggerDoc['paths'] = {};
  for (const [p, item] of Object.entries(doc.paths)) {
    const parsed = parseSwaggerPath(p);
    let keep = FIXED_PATHS.has(p);
    if (parsed && 'groupOnly' in parsed) keep = groups.has(parsed.group);
    else if (parsed && parsed.resource === '') keep = gvs.has(`${parsed.group}/${parsed.version}`);
    else if (parsed) {
      const r = byGvr.get(`${parsed.group}/${parsed.version}/${parsed.resource}`);
      keep =
        r !== undefined &&
        !parsed.deep &&
        (parsed.subresource === undefined || r.subresources.includes(parsed.subresource));
    }
    if (keep) paths[p] = item;
  }
  const wanted = new Set<string>();
  collectRefs(paths, wanted);
  const definitions: Record<string, unknown> = {};
  const queue = [...wanted];
  while (queue.length > 0) {
    const ref = queue.pop() as string;
    if (!ref.startsWith(DEF_PREFIX))
      throw new Error(`openapi selection: unsupported $ref "${ref}" (only ${DEF_PREFIX}… is used by kube-apiserver)`);
    const name = ref.slice(DEF_PREFIX.length);
    if (name in definitions) continue;
    const def = doc.definitions[name];
    if (def === undefined) throw new Error(`openapi selection: $ref "${ref}" names no definition`);
    definitions[name] = def;
    const more = new Set<string>();
    collectRefs(def, more);
    for (const r of more) if (!(r.slice(DEF_PREFIX.length) in definitions)) queue.push(r);
  }
  const sortedDefs: Record<string, unknown> = {};
  for (const k of Object.keys(definitions).sort()) sortedDefs[k] = definitions[k];
  const sortedPaths: SwaggerDoc['paths'] = {};
  for (const k of Object.keys(paths).sort()) sortedPaths[k] = paths[k] as Record<string, unknown>;
  return { ...doc, paths: sortedPaths, definitions: sortedDefs };
}
