/**
 * A set of field paths in the FieldsV1 form kube-apiserver stores in `metadata.managedFields`:
 * a tree whose keys are path elements ("f:name" for a field, "k:{...}" for a list item by its keys,
 * "v:..." for a set member, "i:N" for an index), where a node is itself a member of the set when
 * it has no children or has the "." child. Working on that form directly means stored entries
 * are never converted on reads, only on writes.
 */
export type FieldSet = { [element: string]: FieldSet };

export const SELF = '.';

export function isMember(node: FieldSet): boolean {
  if (SELF in node) return true;
  for (const _k in node) return false;
  return true;
}

function childKeys(node: FieldSet): string[] {
  return Object.keys(node).filter((k) => k !== SELF);
}

/** A node from a membership flag and its children, or undefined when it holds nothing. */
function makeNode(member: boolean, children: [string, FieldSet][]): FieldSet | undefined {
  if (children.length === 0) return member ? {} : undefined;
  const out: FieldSet = {};
  if (member) out[SELF] = {};
  for (const [k, v] of children) out[k] = v;
  return out;
}

export function union(a: FieldSet | undefined, b: FieldSet | undefined): FieldSet | undefined {
  if (!a) return b;
  if (!b) return a;
  const keys = new Set([...childKeys(a), ...childKeys(b)]);
  const children: [string, FieldSet][] = [];
  for (const k of keys) {
    const u = union(a[k], b[k]);
    if (u) children.push([k, u]);
  }
  return makeNode(isMember(a) || isMember(b), children);
}

export function difference(a: FieldSet | undefined, b: FieldSet | undefined): FieldSet | undefined {
  if (!a) return undefined;
  if (!b) return a;
  const children: [string, FieldSet][] = [];
  for (const k of childKeys(a)) {
    const d = b[k] === undefined ? a[k] : difference(a[k], b[k]);
    if (d) children.push([k, d]);
  }
  return makeNode(isMember(a) && !isMember(b), children);
}

export function intersection(a: FieldSet | undefined, b: FieldSet | undefined): FieldSet | undefined {
  if (!a || !b) return undefined;
  const children: [string, FieldSet][] = [];
  for (const k of childKeys(a)) {
    if (b[k] === undefined) continue;
    const i = intersection(a[k], b[k]);
    if (i) children.push([k, i]);
  }
  return makeNode(isMember(a) && isMember(b), children);
}

/** The root of a whole object is never a member itself: only the fields under it are. */
export function rootOf(children: [string, FieldSet][]): FieldSet | undefined {
  return makeNode(false, children);
}

/**
 * Path element order of structured-merge-diff: field names before keys before values before
 * indexes, each group sorted; "." first. FieldsV1 is always written in this order.
 */
function elementRank(k: string): number {
  if (k === SELF) return 0;
  switch (k[0]) {
    case 'f':
      return 1;
    case 'k':
      return 2;
    case 'v':
      return 3;
    default:
      return 4;
  }
}

function compareElements(a: string, b: string): number {
  const r = elementRank(a) - elementRank(b);
  if (r !== 0) return r;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A copy with every level's keys in structured-merge-diff's order. */
export function canonical(node: FieldSet): FieldSet {
  const out: FieldSet = {};
  for (const k of Object.keys(node).sort(compareElements)) out[k] = k === SELF ? {} : canonical(node[k] as FieldSet);
  return out;
}

/** Every member path of the set, each as its list of elements, in canonical order. */
export function memberPaths(node: FieldSet, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  if (prefix.length > 0 && isMember(node)) out.push(prefix);
  for (const k of Object.keys(node).sort(compareElements)) {
    if (k === SELF) continue;
    out.push(...memberPaths(node[k] as FieldSet, [...prefix, k]));
  }
  return out;
}

/** A path as kube-apiserver prints it in a conflict: `.spec.containers[name="c"].image`. */
export function formatPath(path: string[]): string {
  let out = '';
  for (const el of path) {
    const body = el.slice(2);
    if (el.startsWith('f:')) out += `.${body}`;
    else if (el.startsWith('k:')) out += `[${formatKey(body)}]`;
    else if (el.startsWith('v:')) out += `[=${body}]`;
    else if (el.startsWith('i:')) out += `[${body}]`;
  }
  return out;
}

function formatKey(json: string): string {
  let fields: Record<string, unknown>;
  try {
    fields = JSON.parse(json) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`managedFields: a list key is not JSON: ${json}`, { cause: err });
  }
  return Object.entries(fields)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
}

/** Builds the nested set holding exactly one path (a member). */
export function singlePath(path: string[]): FieldSet {
  let node: FieldSet = {};
  for (let i = path.length - 1; i >= 0; i--) node = { [path[i] as string]: node };
  return node;
}
