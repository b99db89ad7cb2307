import { CUSTOM_GROUP, EXTERNAL_GROUP, type CustomVersion } from './wire.ts';

/**
 * The URL space of the server, parsed once into a typed route. Custom-metrics paths follow
 * custom-metrics-apiserver's routes: namespaces/{ns}/{resource}/{name}/{metric} (name may be "*"),
 * {resource}/{name}/{metric} for root-scoped objects, and namespaces/{ns}/metrics/{metric} for a
 * metric describing the namespace itself (resource "namespaces", name = the namespace).
 */

export interface ObjectTarget {
  /** '' for root-scoped objects. */
  namespace: string;
  resource: string;
  /** '*' selects every object matching labelSelector. */
  name: string;
  metric: string;
}

export type Route =
  | { kind: 'health' }
  | { kind: 'apis' }
  | { kind: 'group'; group: string }
  | { kind: 'resources'; group: string; version: string }
  | { kind: 'custom'; version: CustomVersion; target: ObjectTarget }
  | { kind: 'external'; namespace: string; metric: string }
  | { kind: 'write-custom'; target: ObjectTarget }
  | { kind: 'write-external'; namespace: string; metric: string }
  | { kind: 'unknown' };

const HEALTH = new Set(['/healthz', '/livez', '/readyz']);

function segments(pathname: string): string[] | undefined {
  try {
    return pathname
      .split('/')
      .slice(1)
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

/** Object paths after the group/version (or /write-metrics) prefix. */
function objectTarget(s: string[]): ObjectTarget | undefined {
  if (s.some((x) => x === '')) return undefined;
  if (s.length === 5 && s[0] === 'namespaces')
    return { namespace: s[1] as string, resource: s[2] as string, name: s[3] as string, metric: s[4] as string };
  if (s.length === 4 && s[0] === 'namespaces' && s[2] === 'metrics')
    return { namespace: '', resource: 'namespaces', name: s[1] as string, metric: s[3] as string };
  if (s.length === 3) return { namespace: '', resource: s[0] as string, name: s[1] as string, metric: s[2] as string };
  return undefined;
}

export function parseRoute(pathname: string): Route {
  const trimmed = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (HEALTH.has(trimmed)) return { kind: 'health' };
  const s = segments(trimmed);
  if (!s) return { kind: 'unknown' };
  if (s[0] === 'apis') {
    if (s.length === 1) return { kind: 'apis' };
    const group = s[1] as string;
    if (group !== CUSTOM_GROUP && group !== EXTERNAL_GROUP) return { kind: 'unknown' };
    if (s.length === 2) return { kind: 'group', group };
    const version = s[2] as string;
    const customVersion =
      group === CUSTOM_GROUP && (version === 'v1beta1' || version === 'v1beta2') ? version : undefined;
    if (!customVersion && !(group === EXTERNAL_GROUP && version === 'v1beta1')) return { kind: 'unknown' };
    if (s.length === 3) return { kind: 'resources', group, version };
    const rest = s.slice(3);
    if (customVersion) {
      const target = objectTarget(rest);
      return target ? { kind: 'custom', version: customVersion, target } : { kind: 'unknown' };
    }
    if (rest.length === 3 && rest[0] === 'namespaces' && rest[1] && rest[2])
      return { kind: 'external', namespace: rest[1], metric: rest[2] };
    return { kind: 'unknown' };
  }
  if (s[0] === 'write-metrics') {
    const rest = s.slice(1);
    if (rest.length === 4 && rest[0] === 'external' && rest[1] === 'namespaces' && rest[2] && rest[3])
      return { kind: 'write-external', namespace: rest[2], metric: rest[3] };
    const target = objectTarget(rest);
    return target ? { kind: 'write-custom', target } : { kind: 'unknown' };
  }
  return { kind: 'unknown' };
}
