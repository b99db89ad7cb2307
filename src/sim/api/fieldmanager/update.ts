import { difference, intersection, union, type FieldSet } from './fieldset.ts';
import { intern, type ManagedEntry } from './entries.ts';
import { compareValues, rootPlace, trackedView, withoutIgnored } from './sets.ts';
import { zeroObject } from './schema.ts';
import { reconcileEntries } from './reconcile.ts';

type Obj = Record<string, unknown>;

export interface UpdateInput {
  kind: string;
  /** The entries before this write (the live object's, or the ones the client sent). */
  entries: ManagedEntry[];
  manager: string;
  apiVersion: string;
  /** The object before the write; undefined for a create (compared with the kind's zero value). */
  live: Obj | undefined;
  next: Obj;
  time: string;
  /**
   * The object as another API version presents it (sets are in the version of their entry), or
   * undefined when that version is not served; without it every version reads the same.
   */
  convert?: (apiVersion: string, obj: Obj) => Obj | undefined;
}

interface VersionedComparison {
  changed: FieldSet | undefined;
  removed: FieldSet | undefined;
}

/**
 * An Update operation (PUT, PATCH other than apply, create): the manager takes every field the
 * write added or changed from whoever owned it, fields the write removed leave every owner, and
 * its Update entry for this apiVersion grows by what it changed, with a new time. A write that
 * changed nothing changes no entry.
 */
export function trackUpdate(input: UpdateInput): ManagedEntry[] {
  const byVersion = new Map<string, VersionedComparison | undefined>();
  const compareIn = (apiVersion: string): VersionedComparison | undefined => {
    if (byVersion.has(apiVersion)) return byVersion.get(apiVersion);
    const view = (o: Obj): Obj | undefined => (input.convert ? input.convert(apiVersion, o) : o);
    // A create compares with the zero object as this version presents it (autoscaling/v1 shows
    // a zero status that the creator does not own).
    const live = view(input.live ?? zeroObject(input.kind));
    const next = view(input.next);
    let cmp: VersionedComparison | undefined;
    if (live && next) {
      const c = compareValues(trackedView(live), trackedView(next), rootPlace(input.kind));
      cmp = { changed: withoutIgnored(c.changed), removed: withoutIgnored(c.removed) };
    }
    byVersion.set(apiVersion, cmp);
    return cmp;
  };
  const { changed, removed } = compareIn(input.apiVersion) ?? { changed: undefined, removed: undefined };
  const liveView = input.live && input.convert ? input.convert(input.apiVersion, input.live) : input.live;
  const entries = reconcileEntries(input.kind, sameGroupEntries(input.entries, input.apiVersion), liveView);
  if (!changed && !removed) return entries;
  const out: ManagedEntry[] = [];
  let own: FieldSet | undefined = changed;
  for (const e of entries) {
    const mine = e.manager === input.manager && e.operation === 'Update' && e.apiVersion === input.apiVersion;
    // Another version's set loses what the write changed as that version sees it.
    const theirs = e.apiVersion === input.apiVersion ? { changed, removed } : compareIn(e.apiVersion);
    const taken = theirs ? union(theirs.changed, theirs.removed) : undefined;
    const kept = intersection(e.fieldsV1, taken) ? difference(e.fieldsV1, taken) : e.fieldsV1;
    if (mine) {
      own = changed ? union(kept, changed) : kept;
      if (!changed && own) out.push({ ...e, fieldsV1: intern(own) });
      continue;
    }
    if (kept) out.push(kept === e.fieldsV1 ? e : { ...e, fieldsV1: intern(kept) });
  }
  if (changed && own) {
    out.push({
      manager: input.manager,
      operation: 'Update',
      apiVersion: input.apiVersion,
      time: input.time,
      fieldsType: 'FieldsV1',
      fieldsV1: intern(own),
    });
  }
  return out;
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * kube-apiserver converts objects only between versions of the request's group: an entry of
 * another group (core/v1 Events written through events.k8s.io) cannot be compared and is dropped
 * on every write, as structured-merge-diff drops managers of a missing version.
 */
export function sameGroupEntries(entries: ManagedEntry[], apiVersion: string): ManagedEntry[] {
  const group = groupOf(apiVersion);
  return entries.every((e) => groupOf(e.apiVersion) === group)
    ? entries
    : entries.filter((e) => groupOf(e.apiVersion) === group);
}
