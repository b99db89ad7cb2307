import {
  ApiError,
  badRequest,
  formatFieldError,
  formatFieldErrorDetail,
  type FieldError,
} from '../../../kube/apimachinery/errors.ts';
import type { KubeObject } from '../registry.ts';
import { GO_NIL, GoValue, goQuote } from '../validation/go-format.ts';
import type { AccessAttributes, AccessSubject, Decision } from './authorizer.ts';

/**
 * TokenReview (authentication.k8s.io/v1), SubjectAccessReview and SelfSubjectAccessReview
 * (authorization.k8s.io/v1) as
 * kube-apiserver's REST storage answers them: create-only, never stored, the request echoed back
 * with `status` filled in (201 Created). Wire shapes were checked against kube-apiserver 1.20:
 * an unknown token gets `status: {user: {}, error: "invalid bearer token"}`, a SAR invalid spec a
 * 422 whose message starts `.authorization.k8s.io "" is invalid`. Unlike 1.20 the echo carries no
 * managedFields (the sim does not track field managers for objects it does not store).
 */

/** Who a token belongs to (the sim's tokens, plus configured static ones). */
export interface ReviewedUser {
  name: string;
  uid?: string;
  groups: string[];
}

/**
 * The sim's API audiences: kube-apiserver's default (--api-audiences defaults to the service
 * account issuer, https://kubernetes.default.svc.cluster.local on kubeadm clusters).
 */
export const SIM_API_AUDIENCES: readonly string[] = ['https://kubernetes.default.svc.cluster.local'];

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The ObjectMeta a create request's object round-trips to (creationTimestamp null: never stored). */
function echoMeta(meta: KubeObject['metadata']): Obj {
  const { managedFields: _managed, creationTimestamp: _created, ...rest } = meta;
  const out: Obj = {};
  for (const k of ['name', 'generateName', 'namespace', 'uid', 'resourceVersion', 'generation'])
    if (rest[k] !== undefined && rest[k] !== '') out[k] = rest[k];
  out['creationTimestamp'] = null;
  for (const k of ['labels', 'annotations', 'ownerReferences', 'finalizers'])
    if (rest[k] !== undefined) out[k] = rest[k];
  return out;
}

/** A string field of a decoded body; anything else is the decoder's 400 (Go's typed unmarshal). */
function str(o: Obj, key: string, kind: string, path: string): string {
  const v = o[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string')
    throw badRequest(
      `${kind} in version "v1" cannot be handled as a ${kind}: ${path}.${key}: expected a string, got ${JSON.stringify(v)}`,
    );
  return v;
}

function strList(o: Obj, key: string, kind: string, path: string): string[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw badRequest(
      `${kind} in version "v1" cannot be handled as a ${kind}: ${path}.${key}: expected a list of strings`,
    );
  return v as string[];
}

function objField(o: Obj, key: string, kind: string, path: string): Obj | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!isObj(v))
    throw badRequest(`${kind} in version "v1" cannot be handled as a ${kind}: ${path}.${key}: expected an object`);
  return v;
}

/** Drops the empty fields Go's omitempty would drop. */
function compact(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out;
}

/**
 * tokenreview.REST.Create: the token is authenticated as a request with only that bearer token;
 * audiences default to the API server's, and a token valid for none of the requested ones is
 * not authenticated (the audience-agnostic wrapper kube-apiserver puts around static tokens).
 */
export function tokenReview(obj: KubeObject, authenticate: (token: string) => ReviewedUser | undefined): Obj {
  const spec = objField(obj, 'spec', 'TokenReview', '') ?? {};
  const token = str(spec, 'token', 'TokenReview', 'spec');
  const audiences = strList(spec, 'audiences', 'TokenReview', 'spec');
  if (token === '') throw badRequest('token is required for TokenReview in authentication');
  const wanted = audiences && audiences.length > 0 ? audiences : SIM_API_AUDIENCES;
  const granted = SIM_API_AUDIENCES.filter((a) => wanted.includes(a));
  const user = granted.length > 0 ? authenticate(token) : undefined;
  const status: Obj = user
    ? {
        authenticated: true,
        user: compact({ username: user.name, uid: user.uid, groups: user.groups }),
        audiences: granted,
      }
    : { user: {}, error: 'invalid bearer token' };
  return {
    kind: 'TokenReview',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: echoMeta(obj.metadata),
    spec: compact({ token, audiences }),
    status,
  };
}

const RESOURCE_KEYS = ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'] as const;

/** The SubjectAccessReview spec, decoded and in Go's field order (what the echo shows). */
interface SarSpec {
  resourceAttributes?: Partial<Record<(typeof RESOURCE_KEYS)[number], string>>;
  nonResourceAttributes?: { path?: string; verb?: string };
  user: string;
  groups?: string[];
  extra?: Record<string, string[]>;
  uid: string;
}

type Attributes = Pick<SarSpec, 'resourceAttributes' | 'nonResourceAttributes'>;

/** The attributes both review kinds share; a SelfSubjectAccessReview spec has nothing else. */
function decodeAttributes(spec: Obj, kind: string): Attributes {
  const ra = objField(spec, 'resourceAttributes', kind, 'spec');
  const nra = objField(spec, 'nonResourceAttributes', kind, 'spec');
  return {
    resourceAttributes: ra
      ? Object.fromEntries(RESOURCE_KEYS.map((k) => [k, str(ra, k, kind, 'spec.resourceAttributes')]))
      : undefined,
    nonResourceAttributes: nra
      ? {
          path: str(nra, 'path', kind, 'spec.nonResourceAttributes'),
          verb: str(nra, 'verb', kind, 'spec.nonResourceAttributes'),
        }
      : undefined,
  };
}

function decodeSarSpec(obj: KubeObject): SarSpec {
  const kind = 'SubjectAccessReview';
  const spec = objField(obj, 'spec', kind, '') ?? {};
  const extraRaw = objField(spec, 'extra', kind, 'spec');
  const extra: Record<string, string[]> = {};
  for (const k of Object.keys(extraRaw ?? {})) extra[k] = strList(extraRaw ?? {}, k, kind, 'spec.extra') ?? [];
  return {
    ...decodeAttributes(spec, kind),
    user: str(spec, 'user', kind, 'spec'),
    groups: strList(spec, 'groups', kind, 'spec'),
    extra: Object.keys(extra).length > 0 ? extra : undefined,
    uid: str(spec, 'uid', kind, 'spec'),
  };
}

/** ValidateSubjectAccessReviewSpec, with 1.20's wording (and its kind-less Invalid message). */
function validateSarSpec(s: SarSpec): void {
  const errs = attributeErrors(s);
  if (s.user === '' && (s.groups ?? []).length === 0) {
    errs.push({
      type: 'FieldValueInvalid',
      field: 'spec.user',
      value: s.user,
      detail: 'at least one of user or group must be specified',
    });
  }
  throwInvalid(errs);
}

/** Exactly one of resourceAttributes and nonResourceAttributes (both review kinds check this). */
function attributeErrors(s: Attributes): FieldError[] {
  const errs: FieldError[] = [];
  const nra = s.nonResourceAttributes;
  if (s.resourceAttributes && nra) {
    const shown = new GoValue(
      `authorization.NonResourceAttributes{Path:${goQuote(nra.path ?? '')}, Verb:${goQuote(nra.verb ?? '')}}`,
    );
    errs.push({
      type: 'FieldValueInvalid',
      field: 'spec.nonResourceAttributes',
      value: shown,
      detail: 'cannot be specified in combination with resourceAttributes',
    });
  }
  if (!s.resourceAttributes && !nra) {
    errs.push({
      type: 'FieldValueInvalid',
      field: 'spec.resourceAttributes',
      value: GO_NIL,
      detail: 'exactly one of nonResourceAttributes or resourceAttributes must be specified',
    });
  }
  return errs;
}

/** The review's 422: its internal object has no kind, hence the message's bare `.authorization.k8s.io`. */
function throwInvalid(errs: FieldError[]): void {
  if (errs.length === 0) return;
  const joined =
    errs.length === 1 ? formatFieldError(errs[0] as FieldError) : `[${errs.map(formatFieldError).join(', ')}]`;
  throw new ApiError({
    message: `.authorization.k8s.io "" is invalid: ${joined}`,
    reason: 'Invalid',
    details: {
      group: 'authorization.k8s.io',
      causes: errs.map((e) => ({ reason: e.type, message: formatFieldErrorDetail(e), field: e.field })),
    },
    code: 422,
  });
}

function accessAttributes(spec: Attributes): AccessAttributes {
  const ra = spec.resourceAttributes;
  return ra
    ? {
        kind: 'resource',
        verb: ra.verb ?? '',
        group: ra.group ?? '',
        version: ra.version,
        resource: ra.resource ?? '',
        subresource: ra.subresource,
        namespace: ra.namespace,
        name: ra.name,
      }
    : {
        kind: 'nonResource',
        verb: spec.nonResourceAttributes?.verb ?? '',
        path: spec.nonResourceAttributes?.path ?? '',
      };
}

/** subjectaccessreview.REST.Create: the spec's attributes through the sim's authorizer. */
export function subjectAccessReview(
  obj: KubeObject,
  decide: (who: AccessSubject, a: AccessAttributes) => Decision,
): Obj {
  const spec = decodeSarSpec(obj);
  validateSarSpec(spec);
  const ra = spec.resourceAttributes;
  const decision = decide({ user: spec.user, groups: spec.groups ?? [] }, accessAttributes(spec));
  const echo = compact({
    resourceAttributes: ra ? compact(ra) : undefined,
    nonResourceAttributes: spec.nonResourceAttributes ? compact(spec.nonResourceAttributes) : undefined,
    user: spec.user,
    groups: spec.groups,
    extra: spec.extra,
    uid: spec.uid,
  });
  // Status fields are omitempty except allowed; RBAC never denies, so `denied` never shows here.
  const status = compact({ allowed: decision.allowed, reason: decision.reason });
  return {
    kind: 'SubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: echoMeta(obj.metadata),
    spec: echo,
    status,
  };
}

/**
 * selfsubjectaccessreview.REST.Create (what `kubectl auth can-i` sends): the same question asked
 * for the caller's own identity; the spec holds only the attributes, and the echo only those.
 */
export function selfSubjectAccessReview(
  obj: KubeObject,
  caller: AccessSubject,
  decide: (who: AccessSubject, a: AccessAttributes) => Decision,
): Obj {
  const kind = 'SelfSubjectAccessReview';
  const spec = decodeAttributes(objField(obj, 'spec', kind, '') ?? {}, kind);
  throwInvalid(attributeErrors(spec));
  const decision = decide(caller, accessAttributes(spec));
  const echo = compact({
    resourceAttributes: spec.resourceAttributes ? compact(spec.resourceAttributes) : undefined,
    nonResourceAttributes: spec.nonResourceAttributes ? compact(spec.nonResourceAttributes) : undefined,
  });
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: echoMeta(obj.metadata),
    spec: echo,
    status: compact({ allowed: decision.allowed, reason: decision.reason }),
  };
}
