/**
 * Kubernetes `Status` errors (meta/v1), built the way kube-apiserver builds them
 * (k8s.io/apimachinery/pkg/api/errors), so clients see the same code, reason and message.
 */

export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'MethodNotAllowed'
  | 'Gone'
  | 'Expired'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'RequestEntityTooLarge'
  | 'Timeout'
  | 'TooManyRequests'
  | 'ServiceUnavailable'
  | 'InternalError';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** Identifies a resource in error messages: `pods`, `deployments.apps`. */
export interface QualifiedResource {
  group: string;
  resource: string;
}

export function qualified(gr: QualifiedResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

/** An error that the API answers with a Status object. */
export class ApiError extends Error {
  readonly status: Status;

  constructor(status: Omit<Status, 'kind' | 'apiVersion' | 'metadata' | 'status'>, options?: { cause?: unknown }) {
    super(status.message ?? status.reason ?? `HTTP ${status.code}`, options);
    this.name = 'ApiError';
    this.status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', ...status };
  }

  get code(): number {
    return this.status.code;
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

export function notFound(gr: QualifiedResource, name: string): ApiError {
  return new ApiError({
    message: `${qualified(gr)} "${name}" not found`,
    reason: 'NotFound',
    details: { name, ...groupDetails(gr) },
    code: 404,
  });
}

export function alreadyExists(gr: QualifiedResource, name: string): ApiError {
  return new ApiError({
    message: `${qualified(gr)} "${name}" already exists`,
    reason: 'AlreadyExists',
    details: { name, ...groupDetails(gr) },
    code: 409,
  });
}

export function conflict(gr: QualifiedResource, name: string, why: string): ApiError {
  return new ApiError({
    message: `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`,
    reason: 'Conflict',
    details: { name, ...groupDetails(gr) },
    code: 409,
  });
}

export const STALE_OBJECT_MESSAGE =
  'the object has been modified; please apply your changes to the latest version and try again';

/** 422 Invalid: `Kind.group "name" is invalid: field: reason, field2: reason2`. */
export function invalid(groupKind: { group: string; kind: string }, name: string, causes: FieldError[]): ApiError {
  const kindLabel = groupKind.group === '' ? groupKind.kind : `${groupKind.kind}.${groupKind.group}`;
  // The message lists each distinct error once (utilerrors' aggregate dedupes); causes keep all.
  const summary = [...new Set(causes.map(formatFieldError))];
  const joined = summary.length === 1 ? summary[0] : `[${summary.join(', ')}]`;
  return new ApiError({
    message: `${kindLabel} "${name}" is invalid: ${joined}`,
    reason: 'Invalid',
    details: {
      ...(name ? { name } : {}),
      group: groupKind.group || undefined,
      kind: groupKind.kind,
      causes: causes.map((c) => ({ reason: c.type, message: formatFieldErrorDetail(c), field: c.field })),
    },
    code: 422,
  });
}

/** A field error as apimachinery's field.Error: type decides the message prefix. */
export interface FieldError {
  type:
    | 'FieldValueRequired'
    | 'FieldValueInvalid'
    | 'FieldValueNotSupported'
    | 'FieldValueForbidden'
    | 'FieldValueDuplicate'
    | 'FieldValueTooLong';
  field: string;
  value?: unknown;
  detail?: string;
}

const FIELD_ERROR_TEXT: Record<FieldError['type'], string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueTooLong: 'Too long',
};

function showsValue(e: FieldError): boolean {
  return e.type === 'FieldValueInvalid' || e.type === 'FieldValueNotSupported' || e.type === 'FieldValueDuplicate';
}

function formatValue(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** `field: Invalid value: "x": detail` — the wording of field.Error.Error(). */
export function formatFieldError(e: FieldError): string {
  return `${e.field}: ${formatFieldErrorDetail(e)}`;
}

/** The cause message, `Invalid value: "x": detail` (field.Error.ErrorBody()). */
export function formatFieldErrorDetail(e: FieldError): string {
  let body = FIELD_ERROR_TEXT[e.type];
  if (showsValue(e)) body += `: ${formatValue(e.value)}`;
  if (e.detail) body += `: ${e.detail}`;
  return body;
}

export function badRequest(message: string): ApiError {
  return new ApiError({ message, reason: 'BadRequest', code: 400 });
}

export function unauthorized(): ApiError {
  return new ApiError({ message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
}

export function forbidden(
  user: string,
  verb: string,
  gr: QualifiedResource,
  namespace: string | undefined,
  name?: string,
): ApiError {
  const target = name ? ` "${name}"` : '';
  const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  return new ApiError({
    message: `${qualified(gr)}${target} is forbidden: User "${user}" cannot ${verb} resource "${gr.resource}" in API group "${gr.group}" ${scope}`,
    reason: 'Forbidden',
    details: { name, ...groupDetails(gr) },
    code: 403,
  });
}

export function methodNotAllowed(
  message = 'the server does not allow this method on the requested resource',
): ApiError {
  return new ApiError({ message, reason: 'MethodNotAllowed', details: {}, code: 405 });
}

/** The answer for a path the server does not serve at all (kube-apiserver: 404 with reason NotFound). */
export function unknownPath(): ApiError {
  return new ApiError({
    message: 'the server could not find the requested resource',
    reason: 'NotFound',
    details: {},
    code: 404,
  });
}

export function expired(message: string): ApiError {
  return new ApiError({ message, reason: 'Expired', code: 410 });
}

export function notAcceptable(message: string): ApiError {
  return new ApiError({ message, reason: 'NotAcceptable', code: 406 });
}

/** kube-apiserver's answer to a PATCH content type it does not know. */
export function unsupportedMediaType(): ApiError {
  return new ApiError({
    message: '415: Unsupported Media Type',
    reason: 'UnsupportedMediaType',
    details: {},
    code: 415,
  });
}

export function tooLarge(message = 'the request entity is too large'): ApiError {
  return new ApiError({ message, reason: 'RequestEntityTooLarge', code: 413 });
}

/** kube-aggregator's answer when an APIService's backend cannot be reached. */
export function serviceUnavailable(message = 'service unavailable'): ApiError {
  return new ApiError({ message, reason: 'ServiceUnavailable', code: 503 });
}

export function internalError(message: string, cause?: unknown): ApiError {
  return new ApiError(
    { message: `Internal error occurred: ${message}`, reason: 'InternalError', code: 500 },
    { cause },
  );
}

function groupDetails(gr: QualifiedResource): { group?: string; kind: string } {
  // kube-apiserver puts the resource (plural) in details.kind for NotFound/AlreadyExists.
  return gr.group === '' ? { kind: gr.resource } : { group: gr.group, kind: gr.resource };
}
