import { stringify } from 'yaml';
import { MESSAGES, ONEOFS, WRAPPERS, type FieldDesc, type Scalar } from './gnostic-schema.ts';

/**
 * Compiles an OpenAPI v2 JSON document into gnostic's protobuf encoding, as kube-apiserver does with
 * gnostic's compiler and proto.Marshal: fields in field-number order, proto3 defaults omitted, objects'
 * entries as Named<T> lists in the document's order, extension and example values as YAML text. A key
 * the message does not define is refused (gnostic refuses it too), so a document this encoder cannot
 * represent fails loudly instead of losing fields.
 */
export function encodeDocument(doc: unknown): Buffer {
  return Buffer.concat(encodeMessage('Document', doc, '$root'));
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Buffer.from(out);
}

function tag(no: number, wire: number): Buffer {
  return varint(no * 8 + wire);
}

/** One buffer per field, so that a message's parts stay a short list whatever its depth. */
function lengthDelimited(no: number, parts: Buffer[]): Buffer[] {
  const len = parts.reduce((n, p) => n + p.length, 0);
  return [Buffer.concat([tag(no, 2), varint(len), ...parts])];
}

function str(no: number, v: string): Buffer[] {
  return lengthDelimited(no, [Buffer.from(v, 'utf8')]);
}

function fail(path: string, why: string): never {
  throw new Error(`openapi v2 protobuf: ${path}: ${why}`);
}

function asObject(v: unknown, path: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    fail(path, `expected an object, got ${JSON.stringify(v)?.slice(0, 80)}`);
  return v as Record<string, unknown>;
}

/** gnostic's Any: the value as YAML in field 2 (the google.protobuf.Any of field 1 stays empty). */
function encodeAny(v: unknown): Buffer[] {
  return str(2, stringify(v));
}

function encodeValue(msg: string, v: unknown, path: string): Buffer[] {
  if (msg === 'string') {
    if (typeof v !== 'string') fail(path, 'expected a string');
    return [Buffer.from(v, 'utf8')];
  }
  if (msg === 'any') return encodeAny(v);
  return encodeMessage(msg, v, path);
}

function encodeWrapper(msg: string, v: unknown, path: string): Buffer[] {
  switch (msg) {
    case 'TypeItem':
    case 'StringArray': {
      const values = Array.isArray(v) ? v : msg === 'TypeItem' ? [v] : fail(path, 'expected an array of strings');
      return values.flatMap((e, n) => (typeof e === 'string' ? str(1, e) : fail(`${path}[${n}]`, 'expected a string')));
    }
    case 'ItemsItem':
      return (Array.isArray(v) ? v : [v]).flatMap((e, n) =>
        lengthDelimited(1, encodeMessage('Schema', e, `${path}[${n}]`)),
      );
    case 'AdditionalPropertiesItem':
      // A oneof member is written even when it holds its type's default (proto3 oneofs have presence).
      return typeof v === 'boolean'
        ? [tag(2, 0), varint(v ? 1 : 0)]
        : lengthDelimited(1, encodeMessage('Schema', v, path));
    default:
      return fail(path, `no wrapper ${msg}`);
  }
}

export function encodeMessage(msg: string, v: unknown, path: string): Buffer[] {
  if (WRAPPERS.has(msg)) return encodeWrapper(msg, v, path);
  const oneof = ONEOFS[msg];
  if (oneof) {
    const no = oneof.pick(v);
    const target = no === undefined ? undefined : oneof.options[no];
    if (no === undefined || target === undefined) fail(path, `fits none of ${Object.values(oneof.options).join(', ')}`);
    return lengthDelimited(no, encodeMessage(target, v, path));
  }
  const fields = MESSAGES[msg] ?? fail(path, `unknown message ${msg}`);
  const o = asObject(v, path);
  checkKeys(msg, fields, o, path);
  return fields.flatMap((f) => encodeField(f, o, path));
}

function checkKeys(msg: string, fields: FieldDesc[], o: Record<string, unknown>, path: string): void {
  for (const k of Object.keys(o)) {
    const covered = fields.some((f) =>
      f.kind.t === 'ext' ? k.startsWith('x-') : f.kind.t === 'named' ? f.kind.self.test(k) : f.key === k,
    );
    if (!covered) fail(path, `${msg} has no field for key "${k}"`);
  }
}

function encodeField(f: FieldDesc, o: Record<string, unknown>, path: string): Buffer[] {
  const k = f.kind;
  if (k.t === 'ext')
    return Object.entries(o)
      .filter(([key]) => key.startsWith('x-'))
      .flatMap(([key, val]) => lengthDelimited(f.no, [...str(1, key), ...lengthDelimited(2, encodeAny(val))]));
  if (k.t === 'named') {
    const re = k.self;
    return Object.entries(o)
      .filter(([key]) => re.test(key))
      .flatMap(([key, val]) => lengthDelimited(f.no, [...str(1, key), ...namedValue(k.m, val, `${path}.${key}`)]));
  }
  const v = o[f.key];
  if (v === undefined || v === null) return [];
  const at = `${path}.${f.key}`;
  switch (k.t) {
    case 'string':
    case 'bool':
    case 'int64':
    case 'double':
      return encodeScalar(f.no, k.t, v, at);
    case 'strings':
      if (!Array.isArray(v)) fail(at, 'expected an array');
      return v.flatMap((e, n) => (typeof e === 'string' ? str(f.no, e) : fail(`${at}[${n}]`, 'expected a string')));
    case 'msg':
      return lengthDelimited(f.no, encodeMessage(k.m, v, at));
    case 'msgs':
      if (!Array.isArray(v)) fail(at, 'expected an array');
      return v.flatMap((e, n) => lengthDelimited(f.no, encodeMessage(k.m, e, `${at}[${n}]`)));
    case 'any':
      return lengthDelimited(f.no, encodeAny(v));
    case 'anys':
      if (!Array.isArray(v)) fail(at, 'expected an array');
      return v.flatMap((e) => lengthDelimited(f.no, encodeAny(e)));
  }
}

/** A proto3 scalar: its default value (empty, false, 0) is not written. */
function encodeScalar(no: number, t: Scalar, v: unknown, at: string): Buffer[] {
  switch (t) {
    case 'string':
      if (typeof v !== 'string') fail(at, 'expected a string');
      return v === '' ? [] : str(no, v);
    case 'bool':
      if (typeof v !== 'boolean') fail(at, 'expected a boolean');
      return v ? [tag(no, 0), varint(1)] : [];
    case 'int64':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(at, 'expected a non-negative integer');
      return v === 0 ? [] : [tag(no, 0), varint(v)];
    case 'double': {
      if (typeof v !== 'number') fail(at, 'expected a number');
      if (v === 0) return [];
      const buf = Buffer.alloc(8);
      buf.writeDoubleLE(v);
      return [tag(no, 1), buf];
    }
  }
}

/** Field 2 of a Named<T>: a string is a plain string field, anything else a nested message. */
function namedValue(msg: string, v: unknown, path: string): Buffer[] {
  return msg === 'string'
    ? typeof v === 'string'
      ? v === ''
        ? []
        : str(2, v)
      : fail(path, 'expected a string')
    : lengthDelimited(2, encodeValue(msg, v, path));
}
