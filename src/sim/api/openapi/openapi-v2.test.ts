import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { OpenApiV2, OPENAPI_V2_PROTOBUF, pickEncoding } from './openapi-v2.ts';
import { decodeDocument } from './gnostic-decode.ts';
import { encodeDocument } from './gnostic-encode.ts';
import { parseSwaggerPath, selectForResources, type SwaggerDoc } from './select.ts';
import { RESOURCES } from '../registry.ts';

const api = new OpenApiV2('v1.32.0+test');

describe('/openapi/v2', () => {
  it('serves the protobuf that decodes to exactly the JSON document', () => {
    const pb = api.serve({ accept: OPENAPI_V2_PROTOBUF });
    const json = api.serve({ accept: 'application/json' });
    expect(pb.status).toBe(200);
    expect(json.status).toBe(200);
    const doc = JSON.parse(String(json.body)) as SwaggerDoc;
    expect(decodeDocument(pb.body as Buffer)).toEqual(doc);
    expect(doc.info).toEqual({ title: 'Kubernetes', version: 'v1.32.0+test' });
  });

  it('holds the paths of served resources only, and every definition they reference', () => {
    const doc = api.document();
    expect(Object.keys(doc.paths)).toContain('/api/v1/namespaces/{namespace}/pods/{name}/exec');
    expect(Object.keys(doc.paths)).toContain('/apis/apps/v1/watch/namespaces/{namespace}/deployments/{name}');
    // Not served by the sim: pod proxy and attach, namespace finalize, storage.
    for (const p of [
      '/api/v1/namespaces/{namespace}/pods/{name}/attach',
      '/api/v1/namespaces/{name}/finalize',
      '/apis/storage.k8s.io/v1/storageclasses',
    ])
      expect(doc.paths[p]).toBeUndefined();
    expect(doc.definitions['io.k8s.api.core.v1.PodSpec']).toBeDefined();
    // Selecting again from the selection changes nothing: no dangling $ref, no path outside the served set.
    expect(selectForResources(doc, RESOURCES)).toEqual(doc);
  });

  it('negotiates like kube-openapi: JSON, protobuf, wildcards, q values, 406 otherwise', () => {
    expect(pickEncoding(undefined)).toBe('json');
    expect(pickEncoding('*/*')).toBe('json');
    expect(pickEncoding(`${OPENAPI_V2_PROTOBUF}, application/json;q=0.5`)).toBe('pb');
    expect(pickEncoding(`application/json;q=0.5, ${OPENAPI_V2_PROTOBUF}`)).toBe('pb');
    expect(pickEncoding('application/yaml')).toBeUndefined();
    expect(api.serve({ accept: 'application/yaml' }).status).toBe(406);
  });

  it('answers If-None-Match with 304 and compresses for gzip clients', () => {
    const first = api.serve({ accept: OPENAPI_V2_PROTOBUF });
    const etag = first.headers['etag'] as string;
    expect(etag).toMatch(/^"[0-9A-F]{128}"$/);
    expect(api.serve({ accept: OPENAPI_V2_PROTOBUF, 'if-none-match': etag }).status).toBe(304);
    expect(api.serve({ accept: 'application/json', 'if-none-match': etag }).status).toBe(200);
    const gz = api.serve({ accept: OPENAPI_V2_PROTOBUF, 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body as Buffer).equals(first.body as Buffer)).toBe(true);
  });

  it('refuses a document it cannot represent instead of dropping fields', () => {
    expect(() =>
      encodeDocument({
        swagger: '2.0',
        info: { title: 't', version: 'v' },
        paths: {},
        definitions: { A: { type: 'object', nullable: true } },
      }),
    ).toThrow(/definitions.A: Schema has no field for key "nullable"/);
  });

  it('parses kube-apiserver paths into group, version, resource and subresource', () => {
    expect(parseSwaggerPath('/api/v1/watch/namespaces/{namespace}/pods/{name}')).toEqual({
      group: '',
      version: 'v1',
      resource: 'pods',
      subresource: undefined,
      deep: false,
    });
    expect(parseSwaggerPath('/api/v1/namespaces/{name}/status')).toEqual({
      group: '',
      version: 'v1',
      resource: 'namespaces',
      subresource: 'status',
      deep: false,
    });
    expect(parseSwaggerPath('/api/v1/namespaces/{namespace}/pods/{name}/proxy/{path}')).toMatchObject({
      resource: 'pods',
      subresource: 'proxy',
      deep: true,
    });
    expect(parseSwaggerPath('/apis/apps/')).toEqual({ group: 'apps', groupOnly: true });
    expect(parseSwaggerPath('/version/')).toBeUndefined();
  });
});
