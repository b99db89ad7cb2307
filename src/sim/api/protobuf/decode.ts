import { badRequest } from '../../../kube/apimachinery/errors.ts';
import { MESSAGES, type FieldSpec } from './schema.generated.ts';

/**
 * Reads the protobuf bodies client-go's typed clients send (kubectl create deployment, ...):
 * the "k8s\0" envelope around runtime.Unknown, whose raw bytes are the object's message. The
 * result is the object's JSON form, so the rest of the sim stays JSON-only.
 */
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

/** apiVersion/kind -> the proto message with the same wire shape (1.20 names for newer versions). */
function messageFor(apiVersion: string, kind: string): string | undefined {
  const candidates: Record<string, string> = {
    v1: `k8s.io.api.core.v1.${kind}`,
    'apps/v1': `k8s.io.api.apps.v1.${kind}`,
    'batch/v1': kind === 'CronJob' ? 'k8s.io.api.batch.v1beta1.CronJob' : `k8s.io.api.batch.v1.${kind}`,
    'autoscaling/v2': `k8s.io.api.autoscaling.v2beta2.${kind}`,
    'autoscaling/v1': `k8s.io.api.autoscaling.v1.${kind}`,
    'policy/v1': `k8s.io.api.policy.v1beta1.${kind}`,
    'coordination.k8s.io/v1': `k8s.io.api.coordination.v1.${kind}`,
    'events.k8s.io/v1': `k8s.io.api.events.v1.${kind}`,
    'discovery.k8s.io/v1': `k8s.io.api.discovery.v1beta1.${kind}`,
    'meta.k8s.io/v1': `${META}.${kind}`,
    'authentication.k8s.io/v1': `k8s.io.api.authentication.v1.${kind}`,
    'authorization.k8s.io/v1': `k8s.io.api.authorization.v1.${kind}`,
  };
  const fq = kind === 'DeleteOptions' ? `${META}.DeleteOptions` : candidates[apiVersion];
  return fq && MESSAGES[fq] ? fq : undefined;
}

class Reader {
  pos = 0;
  constructor(
    readonly buf: Buffer,
    readonly end = buf.length,
  ) {}

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.end) throw badRequest('protobuf: unexpected end of message in a varint');
      const b = this.buf[this.pos++] as number;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 70n) throw badRequest('protobuf: varint too long');
    }
  }

  bytes(): Buffer {
    const len = Number(this.varint());
    if (this.pos + len > this.end) throw badRequest('protobuf: length-delimited field runs past the message');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.pos += 4;
    else throw badRequest(`protobuf: unsupported wire type ${wireType}`);
  }
}

function scalar(r: Reader, type: string, wireType: number): unknown {
  switch (type) {
    case 'string':
      return r.bytes().toString('utf8');
    case 'bytes':
      return r.bytes().toString('base64');
    case 'bool':
      return r.varint() !== 0n;
    case 'int32':
    case 'int64':
    case 'uint32':
    case 'uint64':
      return Number(BigInt.asIntN(64, r.varint()));
    case 'double': {
      const v = r.buf.readDoubleLE(r.pos);
      r.pos += 8;
      return v;
    }
    default:
      r.skip(wireType);
      return undefined;
  }
}

function special(type: string, buf: Buffer): unknown {
  const raw = decodeMessage(buf, type, true) as Record<string, unknown>;
  switch (type) {
    case `${META}.Time`:
    case `${META}.MicroTime`: {
      const seconds = Number(raw['seconds'] ?? 0);
      const nanos = Number(raw['nanos'] ?? 0);
      if (seconds === 0 && nanos === 0) return null;
      const iso = new Date(seconds * 1000 + Math.floor(nanos / 1e6)).toISOString();
      return type.endsWith('.Time')
        ? iso.replace(/\.\d{3}Z$/, 'Z')
        : iso.replace(/\.(\d{3})Z$/, `.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`);
    }
    case `${META}.Duration`:
      return `${Number(raw['duration'] ?? 0) / 1e9}s`;
    case 'k8s.io.apimachinery.pkg.api.resource.Quantity':
      return raw['string'];
    case 'k8s.io.apimachinery.pkg.util.intstr.IntOrString':
      return Number(raw['type'] ?? 0) === 1 ? (raw['strVal'] ?? '') : (raw['intVal'] ?? 0);
    case 'k8s.io.api.authentication.v1.ExtraValue':
    case 'k8s.io.api.authorization.v1.ExtraValue':
      return raw['items'] ?? [];
    case 'k8s.io.apimachinery.pkg.runtime.RawExtension': {
      const text = Buffer.from(String(raw['raw'] ?? ''), 'base64').toString('utf8');
      return text === '' ? null : (JSON.parse(text) as unknown);
    }
    default:
      return undefined;
  }
}

const SPECIAL_SCHEMAS: Record<string, Record<number, FieldSpec>> = {
  [`${META}.Time`]: { 1: ['seconds', 'int64', 0, 0], 2: ['nanos', 'int32', 0, 0] },
  [`${META}.MicroTime`]: { 1: ['seconds', 'int64', 0, 0], 2: ['nanos', 'int32', 0, 0] },
  [`${META}.Duration`]: { 1: ['duration', 'int64', 0, 0] },
  'k8s.io.apimachinery.pkg.api.resource.Quantity': { 1: ['string', 'string', 0, 0] },
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': {
    1: ['type', 'int64', 0, 0],
    2: ['intVal', 'int32', 0, 0],
    3: ['strVal', 'string', 0, 0],
  },
  'k8s.io.apimachinery.pkg.runtime.RawExtension': { 1: ['raw', 'bytes', 0, 0] },
  [`${META}.FieldsV1`]: { 1: ['Raw', 'bytes', 0, 0] },
  'k8s.io.api.authentication.v1.ExtraValue': { 1: ['items', 'string', 1, 0] },
  'k8s.io.api.authorization.v1.ExtraValue': { 1: ['items', 'string', 1, 0] },
};

function value(type: string, r: Reader, wireType: number): unknown {
  if (MESSAGES[type]) return decodeMessage(r.bytes(), type, false);
  if (SPECIAL_SCHEMAS[type]) return special(type, r.bytes());
  return scalar(r, type, wireType);
}

/**
 * One message to its JSON object. gogo-protobuf writes every non-pointer field, so a zero value
 * ("", 0, false) is dropped unless the Go field is a pointer or not omitempty (replicas: 0 and
 * automountServiceAccountToken: false mean something), as Go's JSON encoding would.
 */
function decodeMessage(buf: Buffer, type: string, raw: boolean): Record<string, unknown> {
  const schema = MESSAGES[type] ?? SPECIAL_SCHEMAS[type];
  if (!schema) throw badRequest(`protobuf: no schema for ${type}`);
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  while (r.pos < r.end) {
    const tag = Number(r.varint());
    const num = tag >>> 3;
    const wireType = tag & 7;
    const spec = schema[num];
    if (!spec) {
      r.skip(wireType);
      continue;
    }
    const name = spec[0];
    if (spec[1] === 'map') {
      const [, , keyType, valueType] = spec as [string, 'map', string, string];
      const entry = new Reader(r.bytes());
      let k: unknown;
      let v: unknown;
      while (entry.pos < entry.end) {
        const etag = Number(entry.varint());
        if (etag >>> 3 === 1) k = value(keyType, entry, etag & 7);
        else if (etag >>> 3 === 2) v = value(valueType, entry, etag & 7);
        else entry.skip(etag & 7);
      }
      const map = (out[name] as Record<string, unknown> | undefined) ?? {};
      map[String(k ?? '')] = v ?? (valueType === 'string' ? '' : null);
      out[name] = map;
      continue;
    }
    const [, fieldType, repeated, keepZero] = spec;
    if (repeated && wireType === 2 && ['int32', 'int64', 'bool'].includes(fieldType)) {
      const packed = new Reader(r.bytes());
      const list = (out[name] as unknown[] | undefined) ?? [];
      while (packed.pos < packed.end) list.push(scalar(packed, fieldType, 0));
      out[name] = list;
      continue;
    }
    const v = value(fieldType, r, wireType);
    if (repeated) {
      const list = (out[name] as unknown[] | undefined) ?? [];
      list.push(v);
      out[name] = list;
    } else if (v !== undefined && (raw || keepZero === 1 || (v !== '' && v !== 0 && v !== false && v !== null)))
      out[name] = v;
  }
  return out;
}

/** Decodes a protobuf request body into the JSON object it stands for. */
export function decodeProtobufBody(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) {
    throw badRequest('the body of the request was in an unknown format: missing the protobuf "k8s\\x00" envelope');
  }
  const unknown = decodeMessage(body.subarray(4), 'k8s.io.apimachinery.pkg.runtime.Unknown', true);
  const typeMeta = (unknown['typeMeta'] ?? {}) as { apiVersion?: string; kind?: string };
  const apiVersion = typeMeta.apiVersion ?? '';
  const kind = typeMeta.kind ?? '';
  const fq = messageFor(apiVersion, kind);
  if (!fq) throw badRequest(`protobuf: the sim cannot decode ${kind} in version "${apiVersion}"; send JSON instead`);
  const raw = Buffer.from(String(unknown['raw'] ?? ''), 'base64');
  return { apiVersion, kind, ...decodeMessage(raw, fq, false) };
}
