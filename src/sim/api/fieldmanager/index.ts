import { isPlainObject } from '../../../util/deep-equal.ts';
import { decodeEntries, freezeEntries, isReset, sameAsLive, sortEntries, type ManagedEntry } from './entries.ts';
import { invalidOptions, type OptionsKind } from './errors.ts';
import { trackUpdate } from './update.ts';

export { trackApply, type ApplyInput, type ApplyResult } from './apply.ts';
export { trackUpdate, type UpdateInput } from './update.ts';
export { creatorView, snapshotForCreate, type CreateSnapshot } from './create-view.ts';
export { decodeEntries, isReset, type ManagedEntry } from './entries.ts';
export { invalidOptions, type OptionsKind } from './errors.ts';
export { zeroObject } from './schema.ts';

type Obj = Record<string, unknown>;

/** Writers inside the sim that have no request: the control plane's own components. */
export const CONTROLLER_MANAGER = 'kube-controller-manager';

/**
 * The manager of a write: the fieldManager parameter, else the program name of the User-Agent
 * ("kubectl/v1.32.4 (linux/amd64) ..." -> "kubectl"), else "unknown", as kube-apiserver does.
 */
export function managerName(
  fieldManager: string | null | undefined,
  userAgent: string | undefined,
  options: OptionsKind,
): string {
  if (fieldManager) {
    if (fieldManager.length > 128)
      throw invalidOptions(options, 'fieldManager', 'FieldValueTooLong', 'may not be longer than 128 characters');
    return fieldManager;
  }
  const program = (userAgent ?? '').split('/')[0]?.trim() ?? '';
  return program === '' ? 'unknown' : program;
}

/**
 * The entries an update starts from: the client's own when it sent usable ones (that is how a
 * client edits ownership), else the live object's; undefined when the client reset them.
 */
export function baseEntries(incoming: unknown, live: unknown): ManagedEntry[] | undefined {
  if (isReset(incoming)) return undefined;
  const liveEntries = decodeEntries(live);
  if (liveEntries && sameAsLive(incoming, liveEntries)) return liveEntries;
  return decodeEntries(incoming) ?? liveEntries ?? [];
}

/** Entries as stored in metadata.managedFields, in kube-apiserver's order; undefined when empty. */
export function encodeEntries(entries: ManagedEntry[]): ManagedEntry[] | undefined {
  if (entries.length === 0) return undefined;
  return Object.isFrozen(entries) ? entries : freezeEntries(sortEntries(entries));
}

export interface TrackWrite {
  kind: string;
  apiVersion: string;
  manager: string;
  /** The client-sent managedFields of the new object (before the write touched it). */
  incoming: unknown;
  live: Obj | undefined;
  /** The object as the field manager compares it (for a create, its creatorView). */
  next: Obj;
  time: string;
  /** The object in another API version (see UpdateInput.convert). */
  convert?: (apiVersion: string, obj: Obj) => Obj | undefined;
}

/** The managedFields a create or update stores: `undefined` means none. */
export function managedFieldsAfter(w: TrackWrite): ManagedEntry[] | undefined {
  const liveEntries = w.live && isPlainObject(w.live['metadata']) ? w.live['metadata']['managedFields'] : undefined;
  const base = baseEntries(w.incoming, liveEntries);
  if (!base) return undefined;
  return encodeEntries(
    trackUpdate({
      kind: w.kind,
      entries: base,
      manager: w.manager,
      apiVersion: w.apiVersion,
      live: w.live,
      next: w.next,
      time: w.time,
      convert: w.convert,
    }),
  );
}
