import type { KubeObject } from '../../src/sim/api/registry.ts';

/**
 * A stand-in of kube-apiserver's selector matching for pods, written from its documented behaviour
 * (not the real k8s.io/apimachinery, which cannot be built here): per object, GetAttrs builds the
 * labels set and the pod's selectable fields set (metadata.name, metadata.namespace, spec.nodeName,
 * spec.restartPolicy, spec.schedulerName, spec.serviceAccountName, status.phase, status.podIP,
 * status.nominatedNodeName), then parsed label requirements and field terms are checked by lookup.
 * It supports only the selector forms the bench uses (=, in, !key; field =).
 */
type Requirement = { key: string; op: 'in' | 'notin' | 'exists' | '!exists'; values: Set<string> };

function parseLabels(raw: string): Requirement[] {
  const out: Requirement[] = [];
  for (const term of raw.match(/[^,(]+(\([^)]*\))?/g) ?? []) {
    const t = term.trim();
    const inSet = /^(\S+)\s+in\s+\(([^)]*)\)$/.exec(t);
    if (inSet)
      out.push({ key: inSet[1] ?? '', op: 'in', values: new Set((inSet[2] ?? '').split(',').map((v) => v.trim())) });
    else if (t.startsWith('!')) out.push({ key: t.slice(1), op: '!exists', values: new Set() });
    else if (t.includes('=')) {
      const [k, v] = t.split('=');
      out.push({ key: k ?? '', op: 'in', values: new Set([v ?? '']) });
    } else out.push({ key: t, op: 'exists', values: new Set() });
  }
  // apimachinery keeps requirements sorted by key.
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function parseFields(raw: string): [string, string][] {
  return raw.split(',').map((t) => {
    const [k, v] = t.split('=');
    return [k ?? '', v ?? ''];
  });
}

function podFieldsSet(o: KubeObject): Map<string, string> {
  const spec = (o['spec'] ?? {}) as Record<string, string | undefined>;
  const status = (o['status'] ?? {}) as Record<string, string | undefined>;
  return new Map([
    ['metadata.name', o.metadata.name ?? ''],
    ['metadata.namespace', o.metadata.namespace ?? ''],
    ['spec.nodeName', spec['nodeName'] ?? ''],
    ['spec.restartPolicy', spec['restartPolicy'] ?? ''],
    ['spec.schedulerName', spec['schedulerName'] ?? ''],
    ['spec.serviceAccountName', spec['serviceAccountName'] ?? ''],
    ['status.phase', status['phase'] ?? ''],
    ['status.podIP', status['podIP'] ?? ''],
    ['status.nominatedNodeName', status['nominatedNodeName'] ?? ''],
  ]);
}

/** A reader of one selectable field straight from the object, split once (variant without the set). */
function fieldReader(field: string): (o: KubeObject) => string {
  const [top, key] = field.split('.') as [string, string];
  if (top === 'metadata') return (o) => String((o.metadata as Record<string, unknown>)[key] ?? '');
  return (o) => String(((o[top] ?? {}) as Record<string, unknown>)[key] ?? '');
}

/**
 * `fieldsSet`: true builds GetAttrs' set per object as kube-apiserver does; false reads the
 * selected fields directly, as the sim does, so the two rows show what that set costs.
 */
export function standInMatcher(
  labels: string,
  fields: string,
  opts: { fieldsSet: boolean },
): (o: KubeObject) => boolean {
  const reqs = parseLabels(labels);
  const terms = parseFields(fields);
  const direct = terms.map(([k, v]) => [fieldReader(k), v] as const);
  return (o) => {
    const set = o.metadata.labels ?? {};
    for (const r of reqs) {
      const has = Object.prototype.hasOwnProperty.call(set, r.key);
      if (r.op === 'exists' && !has) return false;
      if (r.op === '!exists' && has) return false;
      if (r.op === 'in' && (!has || !r.values.has(set[r.key] ?? ''))) return false;
      if (r.op === 'notin' && has && r.values.has(set[r.key] ?? '')) return false;
    }
    if (!opts.fieldsSet) {
      for (const [read, v] of direct) if (read(o) !== v) return false;
      return true;
    }
    const f = podFieldsSet(o);
    for (const [k, v] of terms) if (f.get(k) !== v) return false;
    return true;
  };
}
