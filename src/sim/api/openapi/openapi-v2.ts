import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { IncomingHttpHeaders } from 'node:http';
import { SWAGGER_GZIP_BASE64 } from './swagger.generated.ts';
import { encodeDocument } from './gnostic-encode.ts';
import type { SwaggerDoc } from './select.ts';

/** The media type kube-apiserver serves gnostic's protobuf under (kubectl up to 1.26 asks only for it). */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

interface Encoded {
  body: Buffer;
  gzipped: Buffer;
  etag: string;
  /** What Go's http.ServeContent sniffs from the first bytes, as kube-apiserver sends it. */
  contentType: string;
}

export interface OpenApiV2Reply {
  status: number;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

/** gziphandler's default minimum size: smaller answers go out uncompressed. */
const GZIP_MIN_BYTES = 1400;

function etagOf(data: Buffer): string {
  return `"${createHash('sha512').update(data).digest('hex').toUpperCase()}"`;
}

function encoded(body: Buffer, contentType: string): Encoded {
  return { body, gzipped: gzipSync(body), etag: etagOf(body), contentType };
}

/**
 * /openapi/v2 as kube-apiserver 1.20 serves it (k8s.io/kube-openapi/pkg/handler): Kubernetes' own document
 * for the resources the sim serves, as JSON or as gnostic protobuf by the Accept header (406 for neither),
 * with a SHA-512 ETag, If-None-Match / If-Modified-Since answered 304, and gzip when the client accepts it.
 * Both encodings are built on first use (the protobuf takes a few hundred ms) and kept.
 */
export class OpenApiV2 {
  private json: Encoded | undefined;
  private pb: Encoded | undefined;
  private readonly lastModified = new Date(Math.floor(Date.now() / 1000) * 1000);

  constructor(private readonly version: string) {}

  /** The served document (info.version is the sim's own version, as the real one reports its build). */
  document(): SwaggerDoc {
    const doc = JSON.parse(gunzipSync(Buffer.from(SWAGGER_GZIP_BASE64, 'base64')).toString('utf8')) as SwaggerDoc;
    return { ...doc, info: { ...doc.info, version: this.version } };
  }

  private encodings(): { json: Encoded; pb: Encoded } {
    if (!this.json || !this.pb) {
      const doc = this.document();
      this.json = encoded(Buffer.from(JSON.stringify(doc)), 'text/plain; charset=utf-8');
      this.pb = encoded(encodeDocument(doc), 'application/octet-stream');
    }
    return { json: this.json, pb: this.pb };
  }

  serve(headers: IncomingHttpHeaders): OpenApiV2Reply {
    const which = pickEncoding(headers.accept);
    // The gzip wrapper names Accept-Encoding first on every answer, then the handler adds Accept.
    const base = { vary: 'Accept-Encoding, Accept' };
    if (which === undefined) return { status: 406, headers: base, body: undefined };
    const enc = this.encodings()[which];
    // Go's ServeContent drops Last-Modified from a 304 when there is an ETag.
    if (notModified(headers, enc.etag, this.lastModified))
      return { status: 304, headers: { ...base, etag: enc.etag }, body: undefined };
    const gzip = /\bgzip\b/.test(String(headers['accept-encoding'] ?? '')) && enc.body.length >= GZIP_MIN_BYTES;
    const body = gzip ? enc.gzipped : enc.body;
    return {
      status: 200,
      headers: {
        ...base,
        etag: enc.etag,
        'last-modified': this.lastModified.toUTCString(),
        'content-type': enc.contentType,
        'accept-ranges': 'bytes',
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      },
      body,
    };
  }
}

/** goautoneg's order: clauses by q (then specificity), the first that names JSON or the protobuf wins. */
export function pickEncoding(accept: string | string[] | undefined): 'json' | 'pb' | undefined {
  const header = (Array.isArray(accept) ? accept.join(',') : (accept ?? '')).trim() || '*/*';
  const clauses = header.split(',').map((raw, index) => {
    const [type = '', ...params] = raw.split(';').map((p) => p.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    const [t = '', sub = ''] = type.split('/');
    return { t, sub, q: Number.isFinite(q) ? q : 0, index, wild: (t === '*' ? 2 : 0) + (sub === '*' ? 1 : 0) };
  });
  clauses.sort((a, b) => b.q - a.q || a.wild - b.wild || a.index - b.index);
  const offers: ['json' | 'pb', string][] = [
    ['json', 'json'],
    ['pb', OPENAPI_V2_PROTOBUF.slice('application/'.length)],
  ];
  for (const c of clauses) {
    if (c.q <= 0) continue;
    for (const [name, sub] of offers) {
      if ((c.t === 'application' || c.t === '*') && (c.sub === sub || c.sub === '*')) return name;
    }
  }
  return undefined;
}

function notModified(headers: IncomingHttpHeaders, etag: string, lastModified: Date): boolean {
  const inm = headers['if-none-match'];
  if (inm !== undefined) return inm.split(',').some((t) => t.trim() === '*' || t.trim().replace(/^W\//, '') === etag);
  const ims = headers['if-modified-since'];
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  return Number.isFinite(since) && lastModified.getTime() <= since;
}
