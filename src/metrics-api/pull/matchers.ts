import type { LabelSelector } from '../../kube/apimachinery/labels.ts';
import { badRequest } from '../status.ts';

/**
 * Kubernetes label selectors as PromQL label matchers. A request's selector narrows the query
 * itself (the adapter's v1beta2 metricLabelSelector and external labelSelector), so only the
 * matching series come back. Object names are never enumerated into a matcher: the query asks for
 * every object of the namespace and the answer is filtered, so its size does not grow with the
 * number of pods (prometheus-adapter's pod=~"a|b|c|..." runs into URL and regex limits).
 */

const PROM_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A PromQL string literal. */
export function promString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function matcher(label: string, op: '=' | '!=' | '=~' | '!~', value: string): string {
  return `${label}${op}${promString(value)}`;
}

/** The selector's requirements as matchers; refuses what PromQL cannot say (400 naming the key). */
export function selectorMatchers(sel: LabelSelector, param: string): string[] {
  const out: string[] = [];
  for (const r of sel.requirements) {
    if (!PROM_LABEL.test(r.key))
      throw badRequest(
        `${param}: label ${JSON.stringify(r.key)} is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)`,
      );
    const alternatives = (): string => [...r.values].map(escapeRegex).join('|');
    switch (r.op) {
      case '=':
      case '==':
        out.push(matcher(r.key, '=', r.first));
        break;
      case '!=':
        out.push(matcher(r.key, '!=', r.first));
        break;
      case 'in':
        out.push(matcher(r.key, '=~', alternatives()));
        break;
      case 'notin':
        out.push(matcher(r.key, '!~', alternatives()));
        break;
      case 'exists':
        out.push(matcher(r.key, '!=', ''));
        break;
      case '!':
        out.push(matcher(r.key, '=', ''));
        break;
      case 'gt':
      case 'lt':
        throw badRequest(`${param}: the ${r.op} operator has no Prometheus matcher`);
    }
  }
  return out;
}
