import type { ResourceDef } from '../registry.ts';
import type { ManagedEntry } from '../fieldmanager/index.ts';

/** Who is calling: the sim's admin, its read-only viewer, or a configured static token user. */
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  readOnly: boolean;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface WriteOptions {
  dryRun?: boolean;
  /** The field manager of the write; the sim's own controllers default to kube-controller-manager. */
  fieldManager?: string;
  /** managedFields a server-side apply computed: stored as they are (null: none). */
  managedFields?: ManagedEntry[] | null;
}

/** Addresses one object (or, with name undefined, a collection) of one resource. */
export interface Target {
  def: ResourceDef;
  namespace: string | undefined;
  name: string;
}
