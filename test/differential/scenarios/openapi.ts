import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { isDeepStrictEqual } from 'node:util';
import { getRaw, type RawReply } from '../target.ts';
import type { Scenario } from '../scenario.ts';
import { RESOURCES } from '../../../src/sim/api/registry.ts';
import { selectForResources, type SwaggerDoc } from '../../../src/sim/api/openapi/select.ts';
import { decodeDocument } from '../../../src/sim/api/openapi/gnostic-decode.ts';
import { encodeDocument } from '../../../src/sim/api/openapi/gnostic-encode.ts';
import { OPENAPI_V2_PROTOBUF } from '../../../src/sim/api/openapi/openapi-v2.ts';

/** JSON with sorted keys, so that a hash names content, not key order (the protobuf's order is random). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

const hash = (v: unknown): string => createHash('sha256').update(canonical(v)).digest('hex').slice(0, 16);

/**
 * The document for the resources the sim serves, one hash per path and per definition: a difference names
 * the path or definition whose content differs, without counting a megabyte of leaves as assertions.
 */
function view(doc: SwaggerDoc): Record<string, unknown> {
  const selected = selectForResources(doc, RESOURCES);
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(selected)) if (k !== 'paths' && k !== 'definitions') rest[k] = v;
  return {
    ...rest,
    paths: Object.fromEntries(Object.entries(selected.paths).map(([p, item]) => [p, hash(item)])),
    definitions: Object.fromEntries(Object.entries(selected.definitions).map(([n, d]) => [n, hash(d)])),
  };
}

function headersOf(r: RawReply): Record<string, unknown> {
  const etag = r.headers['etag'];
  return {
    status: r.status,
    contentType: r.headers['content-type'],
    contentEncoding: r.headers['content-encoding'],
    vary: r.headers['vary'],
    etag: typeof etag === 'string' ? etag.replace(/^"[0-9A-F]{128}"$/, '"<sha512>"') : etag,
    lastModified: r.headers['last-modified'] === undefined ? undefined : '<date>',
  };
}

/** /openapi/v2: JSON and gnostic protobuf, negotiation, ETag and gzip, and the content for the sim's resources. */
export const openapi: Scenario = {
  name: 'openapi',
  async run(t, rec) {
    const json = await getRaw(t, '/openapi/v2', { accept: 'application/json' });
    rec.record('json headers', headersOf(json));
    const doc = JSON.parse(json.body.toString('utf8')) as SwaggerDoc;
    rec.record('json document', view(doc));
    const pb = await getRaw(t, '/openapi/v2', { accept: `${OPENAPI_V2_PROTOBUF}, application/json` });
    rec.record('protobuf headers', headersOf(pb));
    const decoded = decodeDocument(pb.body) as SwaggerDoc;
    rec.record('protobuf document', view(decoded));
    // Proto3 drops empty values: the JSON document is compared as it reads back after the same encoding. On the
    // real side this holds Go's encoder against ours, so it must hold on each side, not merely on both alike.
    const holds = isDeepStrictEqual(decoded, decodeDocument(encodeDocument(doc)));
    if (!holds)
      throw new Error(
        `${t.name}: /openapi/v2's protobuf does not decode to its JSON document (gnostic encoding or decoding differs from Go's)`,
      );
    rec.record('protobuf holds the JSON document', holds);
    const etag = String(pb.headers['etag']);
    rec.record(
      'If-None-Match',
      headersOf(await getRaw(t, '/openapi/v2', { accept: OPENAPI_V2_PROTOBUF, 'if-none-match': etag })),
    );
    rec.record(
      'If-None-Match of the other encoding',
      (await getRaw(t, '/openapi/v2', { accept: 'application/json', 'if-none-match': etag })).status,
    );
    const gz = await getRaw(t, '/openapi/v2', { accept: OPENAPI_V2_PROTOBUF, 'accept-encoding': 'gzip' });
    rec.record('gzip', {
      ...headersOf(gz),
      sameBytes: gz.headers['content-encoding'] === 'gzip' && gunzipSync(gz.body).equals(pb.body),
    });
    const yaml = await getRaw(t, '/openapi/v2', { accept: 'application/yaml' });
    rec.record('not acceptable', { ...headersOf(yaml), body: yaml.body.toString('utf8') });
    rec.record('no token', (await getRaw(t, '/openapi/v2', { authorization: '' })).status);
  },
};
