import type { JsonValue } from '../store/index.ts';
import { AlertParseError, type Alert } from './alert.ts';

// A lone surrogate has no UTF-8 form, and PostgreSQL text cannot hold NUL: either would make the
// stored alert differ from the one acted on (SQLite reads a lone surrogate back as three U+FFFD;
// PostgreSQL refuses NUL outright). Both become U+FFFD before anything is stored or matched.
// Built from a string: a NUL written inside a regex literal trips the no-control-regex lint rule.
const UNSTORABLE = new RegExp(
  `[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]|${String.fromCharCode(0)}`,
  'g',
);

export function storableText(s: string): string {
  return s.replace(UNSTORABLE, '\ufffd');
}

const storableMap = (m: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [storableText(k), storableText(v)]));

function storableJson(v: JsonValue): JsonValue {
  if (typeof v === 'string') return storableText(v);
  if (Array.isArray(v)) return v.map(storableJson);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [storableText(k), storableJson(x)]));
  return v;
}

/**
 * The alert with every text storable as it is (id, title, labels, annotations, and raw, which
 * PostgreSQL keeps as jsonb, where a \u0000 or lone-surrogate escape is refused too), so its id, its
 * stored row and what playbooks see are one and the same. The inbox keeps the body exactly as sent.
 */
export function storableAlert(a: Alert): Alert {
  let raw: JsonValue;
  try {
    raw = storableJson(a.raw);
  } catch (err) {
    // Nesting deeper than the stack (JSON.parse took it; a walk cannot): refused, not a 500.
    if (err instanceof RangeError) throw new AlertParseError('', `nested too deeply to store: ${err.message}`);
    throw err;
  }
  return {
    ...a,
    id: storableText(a.id),
    title: storableText(a.title),
    labels: storableMap(a.labels),
    annotations: storableMap(a.annotations),
    raw,
  };
}
