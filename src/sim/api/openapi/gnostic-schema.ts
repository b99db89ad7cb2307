/**
 * The messages of gnostic's OpenAPI v2 protobuf (openapiv2/OpenAPIv2.proto, the encoding kube-apiserver
 * serves as application/com.github.proto-openapi.spec.v2@v1.0+protobuf), described by the JSON keys they
 * are compiled from. One table drives both the encoder (the sim's answer) and the decoder (the
 * differential suite's reading of both answers).
 *
 * Field kinds: scalars; `strings` (repeated string from an array); `msg`/`msgs` (a message from an object,
 * or from each element of an array); `any`/`anys` (gnostic's Any: the value re-serialized as YAML);
 * `named` (the message's own keys that match `self`, as repeated Named<T>{name = 1, value = 2}); `ext` (the `x-` keys as NamedAny).
 * Messages whose JSON form picks one of several messages (proto oneofs) are in ONEOFS.
 */
export type Scalar = 'string' | 'bool' | 'double' | 'int64';

export type FieldKind =
  | { t: Scalar }
  | { t: 'strings' }
  | { t: 'msg' | 'msgs'; m: string }
  | { t: 'any' | 'anys' }
  | { t: 'named'; m: string | 'string' | 'any'; self: RegExp }
  | { t: 'ext' };

export interface FieldDesc {
  no: number;
  /** The JSON key ('' for `self` named fields and `ext`). */
  key: string;
  kind: FieldKind;
}

const s = (no: number, key: string): FieldDesc => ({ no, key, kind: { t: 'string' } });
const b = (no: number, key: string): FieldDesc => ({ no, key, kind: { t: 'bool' } });
const d = (no: number, key: string): FieldDesc => ({ no, key, kind: { t: 'double' } });
const i = (no: number, key: string): FieldDesc => ({ no, key, kind: { t: 'int64' } });
const ss = (no: number, key: string): FieldDesc => ({ no, key, kind: { t: 'strings' } });
const m = (no: number, key: string, msg: string): FieldDesc => ({ no, key, kind: { t: 'msg', m: msg } });
const ms = (no: number, key: string, msg: string): FieldDesc => ({ no, key, kind: { t: 'msgs', m: msg } });
const a = (no: number, key: string): FieldDesc => ({ no, key, kind: { t: 'any' } });
const as = (no: number, key: string): FieldDesc => ({ no, key, kind: { t: 'anys' } });
const self = (no: number, msg: string, match: RegExp): FieldDesc => ({
  no,
  key: '',
  kind: { t: 'named', m: msg, self: match },
});
const x = (no: number): FieldDesc => ({ no, key: '', kind: { t: 'ext' } });

const ALL = /^(?!x-)/;

/** The validation keywords every non-body parameter, header and primitive item shares, from `first` on. */
function primitive(first: number): FieldDesc[] {
  const keys: [string, (no: number, key: string) => FieldDesc][] = [
    ['type', s],
    ['format', s],
    ['items', (no, key) => m(no, key, 'PrimitivesItems')],
    ['collectionFormat', s],
    ['default', a],
    ['maximum', d],
    ['exclusiveMaximum', b],
    ['minimum', d],
    ['exclusiveMinimum', b],
    ['maxLength', i],
    ['minLength', i],
    ['pattern', s],
    ['maxItems', i],
    ['minItems', i],
    ['uniqueItems', b],
    ['enum', as],
    ['multipleOf', d],
  ];
  return keys.map(([key, f], n) => f(first + n, key));
}

const PATH_LIKE = [b(1, 'required'), s(2, 'in'), s(3, 'description'), s(4, 'name'), ...primitive(5), x(22)];
const QUERY_LIKE = [
  b(1, 'required'),
  s(2, 'in'),
  s(3, 'description'),
  s(4, 'name'),
  b(5, 'allowEmptyValue'),
  ...primitive(6),
  x(23),
];

export const MESSAGES: Record<string, FieldDesc[]> = {
  Document: [
    s(1, 'swagger'),
    m(2, 'info', 'Info'),
    s(3, 'host'),
    s(4, 'basePath'),
    ss(5, 'schemes'),
    ss(6, 'consumes'),
    ss(7, 'produces'),
    m(8, 'paths', 'Paths'),
    m(9, 'definitions', 'Definitions'),
    m(10, 'parameters', 'ParameterDefinitions'),
    m(11, 'responses', 'ResponseDefinitions'),
    ms(12, 'security', 'SecurityRequirement'),
    m(13, 'securityDefinitions', 'SecurityDefinitions'),
    ms(14, 'tags', 'Tag'),
    m(15, 'externalDocs', 'ExternalDocs'),
    x(16),
  ],
  Info: [
    s(1, 'title'),
    s(2, 'version'),
    s(3, 'description'),
    s(4, 'termsOfService'),
    m(5, 'contact', 'Contact'),
    m(6, 'license', 'License'),
    x(7),
  ],
  Contact: [s(1, 'name'), s(2, 'url'), s(3, 'email'), x(4)],
  License: [s(1, 'name'), s(2, 'url'), x(3)],
  ExternalDocs: [s(1, 'description'), s(2, 'url'), x(3)],
  Tag: [s(1, 'name'), s(2, 'description'), m(3, 'externalDocs', 'ExternalDocs'), x(4)],
  Paths: [x(1), self(2, 'PathItem', /^\//)],
  PathItem: [
    s(1, '$ref'),
    m(2, 'get', 'Operation'),
    m(3, 'put', 'Operation'),
    m(4, 'post', 'Operation'),
    m(5, 'delete', 'Operation'),
    m(6, 'options', 'Operation'),
    m(7, 'head', 'Operation'),
    m(8, 'patch', 'Operation'),
    ms(9, 'parameters', 'ParametersItem'),
    x(10),
  ],
  Operation: [
    ss(1, 'tags'),
    s(2, 'summary'),
    s(3, 'description'),
    m(4, 'externalDocs', 'ExternalDocs'),
    s(5, 'operationId'),
    ss(6, 'produces'),
    ss(7, 'consumes'),
    ms(8, 'parameters', 'ParametersItem'),
    m(9, 'responses', 'Responses'),
    ss(10, 'schemes'),
    b(11, 'deprecated'),
    ms(12, 'security', 'SecurityRequirement'),
    x(13),
  ],
  BodyParameter: [s(1, 'description'), s(2, 'name'), s(3, 'in'), b(4, 'required'), m(5, 'schema', 'Schema'), x(6)],
  HeaderParameterSubSchema: PATH_LIKE,
  PathParameterSubSchema: PATH_LIKE,
  QueryParameterSubSchema: QUERY_LIKE,
  FormDataParameterSubSchema: QUERY_LIKE,
  PrimitivesItems: [...primitive(1), x(18)],
  Header: [...primitive(1), s(18, 'description'), x(19)],
  Headers: [self(1, 'Header', ALL)],
  JsonReference: [s(1, '$ref'), s(2, 'description')],
  Responses: [self(1, 'ResponseValue', /^([0-9]{3}|default)$/), x(2)],
  Response: [
    s(1, 'description'),
    m(2, 'schema', 'SchemaItem'),
    m(3, 'headers', 'Headers'),
    m(4, 'examples', 'Examples'),
    x(5),
  ],
  Examples: [self(1, 'any', ALL)],
  Schema: [
    s(1, '$ref'),
    s(2, 'format'),
    s(3, 'title'),
    s(4, 'description'),
    a(5, 'default'),
    d(6, 'multipleOf'),
    d(7, 'maximum'),
    b(8, 'exclusiveMaximum'),
    d(9, 'minimum'),
    b(10, 'exclusiveMinimum'),
    i(11, 'maxLength'),
    i(12, 'minLength'),
    s(13, 'pattern'),
    i(14, 'maxItems'),
    i(15, 'minItems'),
    b(16, 'uniqueItems'),
    i(17, 'maxProperties'),
    i(18, 'minProperties'),
    ss(19, 'required'),
    as(20, 'enum'),
    m(21, 'additionalProperties', 'AdditionalPropertiesItem'),
    m(22, 'type', 'TypeItem'),
    m(23, 'items', 'ItemsItem'),
    ms(24, 'allOf', 'Schema'),
    m(25, 'properties', 'Properties'),
    s(26, 'discriminator'),
    b(27, 'readOnly'),
    m(28, 'xml', 'Xml'),
    m(29, 'externalDocs', 'ExternalDocs'),
    a(30, 'example'),
    x(31),
  ],
  FileSchema: [
    s(1, 'format'),
    s(2, 'title'),
    s(3, 'description'),
    a(4, 'default'),
    ss(5, 'required'),
    s(6, 'type'),
    b(7, 'readOnly'),
    m(8, 'externalDocs', 'ExternalDocs'),
    a(9, 'example'),
    x(10),
  ],
  Xml: [s(1, 'name'), s(2, 'namespace'), s(3, 'prefix'), b(4, 'attribute'), b(5, 'wrapped'), x(6)],
  Properties: [self(1, 'Schema', /^/)],
  Definitions: [self(1, 'Schema', /^/)],
  ParameterDefinitions: [self(1, 'Parameter', /^/)],
  ResponseDefinitions: [self(1, 'Response', /^/)],
  SecurityDefinitions: [self(1, 'SecurityDefinitionsItem', /^/)],
  SecurityRequirement: [self(1, 'StringArray', /^/)],
  BasicAuthenticationSecurity: [s(1, 'type'), s(2, 'description'), x(3)],
  ApiKeySecurity: [s(1, 'type'), s(2, 'name'), s(3, 'in'), s(4, 'description'), x(5)],
  Oauth2Scopes: [self(1, 'string', /^/)],
  Oauth2ImplicitSecurity: [
    s(1, 'type'),
    s(2, 'flow'),
    m(3, 'scopes', 'Oauth2Scopes'),
    s(4, 'authorizationUrl'),
    s(5, 'description'),
    x(6),
  ],
  Oauth2PasswordSecurity: [
    s(1, 'type'),
    s(2, 'flow'),
    m(3, 'scopes', 'Oauth2Scopes'),
    s(4, 'tokenUrl'),
    s(5, 'description'),
    x(6),
  ],
  Oauth2ApplicationSecurity: [
    s(1, 'type'),
    s(2, 'flow'),
    m(3, 'scopes', 'Oauth2Scopes'),
    s(4, 'tokenUrl'),
    s(5, 'description'),
    x(6),
  ],
  Oauth2AccessCodeSecurity: [
    s(1, 'type'),
    s(2, 'flow'),
    m(3, 'scopes', 'Oauth2Scopes'),
    s(4, 'authorizationUrl'),
    s(5, 'tokenUrl'),
    s(6, 'description'),
    x(7),
  ],
};

/**
 * Messages that are a choice (proto oneof): which field number a JSON value goes to, and the message it
 * is encoded as there. `undefined` from `pick` means the value fits none (the encoder refuses it).
 */
export interface OneofDesc {
  options: Record<number, string>;
  pick(v: unknown): number | undefined;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

const OAUTH_FLOWS: Record<string, number> = { implicit: 3, password: 4, application: 5, accessCode: 6 };
const NON_BODY: Record<string, number> = { header: 1, formData: 2, query: 3, path: 4 };

export const ONEOFS: Record<string, OneofDesc> = {
  ParametersItem: {
    options: { 1: 'Parameter', 2: 'JsonReference' },
    pick: (v) => (obj(v)?.['$ref'] !== undefined ? 2 : 1),
  },
  Parameter: {
    options: { 1: 'BodyParameter', 2: 'NonBodyParameter' },
    pick: (v) => (obj(v)?.['in'] === 'body' ? 1 : 2),
  },
  NonBodyParameter: {
    options: {
      1: 'HeaderParameterSubSchema',
      2: 'FormDataParameterSubSchema',
      3: 'QueryParameterSubSchema',
      4: 'PathParameterSubSchema',
    },
    pick: (v) => NON_BODY[String(obj(v)?.['in'])],
  },
  ResponseValue: {
    options: { 1: 'Response', 2: 'JsonReference' },
    pick: (v) => (obj(v)?.['$ref'] !== undefined ? 2 : 1),
  },
  SchemaItem: { options: { 1: 'Schema', 2: 'FileSchema' }, pick: (v) => (obj(v)?.['type'] === 'file' ? 2 : 1) },
  SecurityDefinitionsItem: {
    options: {
      1: 'BasicAuthenticationSecurity',
      2: 'ApiKeySecurity',
      3: 'Oauth2ImplicitSecurity',
      4: 'Oauth2PasswordSecurity',
      5: 'Oauth2ApplicationSecurity',
      6: 'Oauth2AccessCodeSecurity',
    },
    pick: (v) => {
      const t = obj(v)?.['type'];
      if (t === 'basic') return 1;
      if (t === 'apiKey') return 2;
      return t === 'oauth2' ? OAUTH_FLOWS[String(obj(v)?.['flow'])] : undefined;
    },
  },
};

/**
 * Wrappers around a JSON value that is not an object: TypeItem ("type": a string or strings), ItemsItem
 * ("items": one schema or several), AdditionalPropertiesItem (a schema or a boolean), StringArray.
 */
export const WRAPPERS = new Set(['TypeItem', 'ItemsItem', 'AdditionalPropertiesItem', 'StringArray']);
