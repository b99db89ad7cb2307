import type { FastifyReply } from 'fastify';
import { ApiError, badRequest, notAcceptable } from '../../../kube/apimachinery/errors.ts';
import { goJsonError } from '../go-json.ts';
import { decodeProtobufBody } from '../protobuf/decode.ts';

/** Sends a JSON string as the body; the sim serializes itself to reuse cached object JSON. */
export function sendJson(reply: FastifyReply, code: number, json: string): void {
  void reply.code(code).header('content-type', 'application/json').send(json);
}

export function sendStatusError(reply: FastifyReply, err: ApiError): void {
  sendJson(reply, err.code, JSON.stringify(err.status));
}

export function successStatus(code: number | undefined, details?: Record<string, unknown>): string {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    ...(details ? { details } : {}),
    ...(code !== undefined ? { code } : {}),
  });
}

export interface Negotiated {
  table: boolean;
  includeObject: 'None' | 'Metadata' | 'Object';
}

/**
 * Content negotiation as kube-apiserver does it for JSON clients: a Table when asked for
 * (kubectl get), JSON otherwise; protobuf-only clients are told 406.
 */
export function negotiate(accept: string | undefined, query: URLSearchParams): Negotiated {
  const includeRaw = query.get('includeObject') ?? 'Metadata';
  const includeObject = includeRaw === 'None' || includeRaw === 'Object' ? includeRaw : 'Metadata';
  if (!accept || accept.trim() === '') return { table: false, includeObject };
  const clauses = accept.split(',').map((c) => c.trim().toLowerCase());
  for (const clause of clauses) {
    const [type = '', ...params] = clause.split(';').map((p) => p.trim());
    const p = new Map(params.map((kv) => kv.split('=') as [string, string]));
    if ((type === 'application/json' || type === '*/*') && p.get('as') === 'table' && p.get('g') === 'meta.k8s.io') {
      if (p.get('v') === 'v1' || p.get('v') === 'v1beta1') return { table: true, includeObject };
    }
    if ((type === 'application/json' || type === '*/*' || type === 'application/*') && !p.has('as'))
      return { table: false, includeObject };
    if (type === 'application/yaml') return { table: false, includeObject };
  }
  throw notAcceptable(
    'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
  );
}

/**
 * Parses a JSON request body, or a 400 that says where it broke (in Go's words; with the kind the
 * endpoint expects when it decodes an object, as kube-apiserver's decoder reports it).
 */
export function parseJsonBody(raw: Buffer | undefined, contentType: string | undefined, kind?: string): unknown {
  const type = (contentType ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/vnd.kubernetes.protobuf') return decodeProtobufBody(raw ?? Buffer.alloc(0));
  const text = raw ? raw.toString('utf8') : '';
  try {
    if (text.trim() === '') throw new SyntaxError('Unexpected end of JSON input');
    return JSON.parse(text) as unknown;
  } catch (err) {
    const detail = `couldn't get version/kind; json parse error: ${goJsonError(text, err as Error)}`;
    throw badRequest(
      kind
        ? `the object provided is unrecognized (must be of type ${kind}): ${detail} (${text.slice(0, 256)})`
        : detail,
    );
  }
}

export function intParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw)) throw badRequest(`${name}: Invalid value: ${JSON.stringify(raw)}: must be an integer`);
  return Number(raw);
}

export function boolParam(query: URLSearchParams, name: string): boolean {
  const raw = query.get(name);
  return raw === 'true' || raw === '1';
}
