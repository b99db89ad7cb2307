import { randomBytes, randomUUID } from 'node:crypto';
import type { KubeObject } from '../registry.ts';

// The alphabet of apimachinery's rand.String: no vowels (no words) and no easily confused characters.
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Five random characters, as the apiserver's generateName appends. */
export function randomSuffix(length = 5): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += SUFFIX_ALPHABET[b % SUFFIX_ALPHABET.length];
  return out;
}

export function newUid(): string {
  return randomUUID();
}

/** RFC 3339 with second precision, like metav1.Time's JSON form. */
export function formatTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** RFC 3339 with microseconds, like metav1.MicroTime (events.k8s.io eventTime, lease times). */
export function formatMicroTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** System-managed metadata fields that a client may not change through an update. */
const SYSTEM_FIELDS = [
  'uid',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'generation',
  'selfLink',
] as const;

export function keepSystemMeta(next: KubeObject, old: KubeObject): void {
  for (const f of SYSTEM_FIELDS) {
    const v = old.metadata[f];
    const meta: Record<string, unknown> = next.metadata;
    if (v === undefined) delete meta[f];
    else meta[f] = v;
  }
}

/** Every top-level field except metadata and status: what "the spec" means for generation. */
export function specPart(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}
