import { parse } from 'yaml';
import { MESSAGES, ONEOFS, type FieldDesc } from './gnostic-schema.ts';

/**
 * Reads gnostic's OpenAPI v2 protobuf back into the JSON document it was compiled from (extension and
 * example values parsed from their YAML). Entry order follows the bytes; compare results as sets of keys.
 * Used to compare the sim's and a real apiserver's protobuf answers by content.
 */
export function decodeDocument(bytes: Uint8Array): Record<string, unknown> {
  return decodeMessage('Document', Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), '$root') as Record<
    string,
    unknown
  >;
}

interface RawField {
  no: number;
  wire: number;
  /** varint value, or the fixed64 bytes, or the length-delimited payload. */
  num?: number;
  bytes?: Buffer;
}

function fail(path: string, why: string): never {
  throw new Error(`openapi v2 protobuf decode: ${path}: ${why}`);
}

function readFields(buf: Buffer, path: string): RawField[] {
  const out: RawField[] = [];
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (;;) {
      if (pos >= buf.length) fail(path, 'truncated varint');
      const byte = buf[pos++] as number;
      result += (byte & 0x7f) * mul;
      if (byte < 0x80) return result;
      mul *= 0x80;
    }
  };
  while (pos < buf.length) {
    const key = varint();
    const no = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) out.push({ no, wire, num: varint() });
    else if (wire === 1) {
      out.push({ no, wire, bytes: buf.subarray(pos, pos + 8) });
      pos += 8;
    } else if (wire === 2) {
      const len = varint();
      if (pos + len > buf.length) fail(path, `field ${no} runs past the end`);
      out.push({ no, wire, bytes: buf.subarray(pos, pos + len) });
      pos += len;
    } else fail(path, `unsupported wire type ${wire} for field ${no}`);
  }
  return out;
}

function text(f: RawField): string {
  return (f.bytes ?? Buffer.alloc(0)).toString('utf8');
}

function decodeAny(buf: Buffer, path: string): unknown {
  const yamlField = readFields(buf, path).find((f) => f.no === 2);
  return yamlField ? parse(text(yamlField)) : undefined;
}

function decodeValue(msg: string, buf: Buffer, path: string): unknown {
  if (msg === 'any') return decodeAny(buf, path);
  return decodeMessage(msg, buf, path);
}

function decodeWrapper(msg: string, raw: RawField[], path: string): unknown {
  switch (msg) {
    case 'TypeItem': {
      const values = raw.map(text);
      return values.length === 1 ? values[0] : values;
    }
    case 'StringArray':
      return raw.map(text);
    case 'ItemsItem': {
      const schemas = raw.map((f, n) => decodeMessage('Schema', f.bytes as Buffer, `${path}[${n}]`));
      return schemas.length === 1 ? schemas[0] : schemas;
    }
    case 'AdditionalPropertiesItem': {
      const f = raw[0];
      if (!f) return false;
      return f.no === 2 ? f.num === 1 : decodeMessage('Schema', f.bytes as Buffer, path);
    }
    default:
      return undefined;
  }
}

export function decodeMessage(msg: string, buf: Buffer, path: string): unknown {
  const raw = readFields(buf, path);
  const wrapped = decodeWrapper(msg, raw, path);
  if (wrapped !== undefined) return wrapped;
  const oneof = ONEOFS[msg];
  if (oneof) {
    const f = raw[0] ?? fail(path, `empty ${msg}`);
    const target = oneof.options[f.no] ?? fail(path, `${msg} has no option ${f.no}`);
    return decodeMessage(target, f.bytes as Buffer, path);
  }
  const fields = MESSAGES[msg] ?? fail(path, `unknown message ${msg}`);
  const byNo = new Map(fields.map((f) => [f.no, f]));
  const out: Record<string, unknown> = {};
  for (const f of raw) {
    const desc = byNo.get(f.no) ?? fail(path, `${msg} has no field ${f.no}`);
    decodeField(desc, f, out, path);
  }
  return out;
}

function push(out: Record<string, unknown>, key: string, v: unknown): void {
  const list = (out[key] as unknown[] | undefined) ?? [];
  list.push(v);
  out[key] = list;
}

function decodeField(desc: FieldDesc, f: RawField, out: Record<string, unknown>, path: string): void {
  const k = desc.kind;
  const at = `${path}.${desc.key}`;
  switch (k.t) {
    case 'string':
      out[desc.key] = text(f);
      return;
    case 'bool':
      out[desc.key] = f.num === 1;
      return;
    case 'int64':
      out[desc.key] = f.num;
      return;
    case 'double':
      out[desc.key] = (f.bytes as Buffer).readDoubleLE(0);
      return;
    case 'strings':
      push(out, desc.key, text(f));
      return;
    case 'msg':
      out[desc.key] = decodeMessage(k.m, f.bytes as Buffer, at);
      return;
    case 'msgs':
      push(out, desc.key, decodeMessage(k.m, f.bytes as Buffer, at));
      return;
    case 'any':
      out[desc.key] = decodeAny(f.bytes as Buffer, at);
      return;
    case 'anys':
      push(out, desc.key, decodeAny(f.bytes as Buffer, at));
      return;
    case 'ext':
    case 'named': {
      const pair = readFields(f.bytes as Buffer, path);
      const name = text(pair.find((p) => p.no === 1) ?? fail(path, 'a named entry without a name'));
      const value = pair.find((p) => p.no === 2);
      const m = k.t === 'ext' ? 'any' : k.m;
      out[name] =
        m === 'string'
          ? value
            ? text(value)
            : ''
          : decodeValue(m, value?.bytes ?? Buffer.alloc(0), `${path}.${name}`);
    }
  }
}
