/**
 * The contract, compiled once per process: every operation of `openapi/cpis.yaml` (read
 * from the generated JSON module, so the same in Node and a browser), the path each one
 * answers, and Ajv (JSON Schema 2020-12) validators for its path, query, headers and body.
 * Bodies are never coerced (`"true"` is not `true`) and unknown fields are refused, never
 * stripped; path, query and header values arrive as text and are coerced to their type.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { FieldError } from '@cpis/domain';
import type {
  HttpMethod,
  OpenApiDocument,
  OpenApiOperation,
  OpenApiParameter,
} from './contract-types.js';
import { contractDocument } from './generated/contract.js';
import { SURFACES, DEFAULT_SURFACE, surfaceNamed, type Surface } from './surface.js';

export type { HttpMethod, OpenApiDocument, OpenApiOperation } from './contract-types.js';
export { contractDocument };

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

const HTTP_METHODS: readonly HttpMethod[] = [
  'get',
  'put',
  'post',
  'delete',
  'patch',
  'head',
  'options',
];

/** Where in a request a value was refused, as the problem's `detail` names it. */
export type RequestPart = 'path' | 'query' | 'headers' | 'body';

type Validator = ValidateFunction & ((data: unknown) => boolean);

export interface Operation {
  operationId: string;
  method: HttpMethod;
  /** The contract path, `/v1/checks/{checkId}`. */
  path: string;
  operation: OpenApiOperation;
  /** False for operations with `security: []`. */
  authenticated: boolean;
  /** The surface it belongs to (`x-cpis-surface`; `v1` when the contract names none). */
  surface: Surface;
  /** Media types the request body may have; empty when the operation takes no body. */
  bodyMediaTypes: string[];
  /** Header parameter names as the contract spells them, by lower-case name. */
  headerNames: Map<string, string>;
  validate: {
    path?: Validator;
    query?: Validator;
    headers?: Validator;
    body: Map<string, Validator>;
  };
}

export interface PathMatch {
  path: string;
  params: Record<string, string>;
  /** The operation for this method, when there is one. */
  operation?: Operation;
  /** Upper-case methods the path allows (HEAD wherever GET is). */
  allowed: string[];
}

export interface CompiledContract {
  document: OpenApiDocument;
  operations: Map<string, Operation>;
  /** The contract path a URL path names, or `undefined`. Segments are still percent-encoded. */
  match(method: string, urlPath: string): PathMatch | undefined;
  /**
   * The surface a URL path belongs to: its operations', or, for a path no operation
   * answers, that of the operations in the deepest folder that holds it (`/cpis/FHIR/R4/x`
   * is the FHIR surface's); `v1` for any other path.
   */
  surfaceOf(urlPath: string): Surface;
  /** The validator of `#/components/schemas/<name>` (or any `#/…` pointer). */
  schema(pointer: string): Validator;
}

const common = { strict: false, allErrors: true, removeAdditional: false } as const;

/** An Ajv holding the whole contract as `cpis.yaml`, so its `#/components/…` references resolve. */
export function createContractAjv(
  document: OpenApiDocument,
  options: { coerce?: boolean } = {},
): Ajv2020 {
  const ajv = new Ajv2020({
    ...common,
    coerceTypes: options.coerce === true ? 'array' : false,
    useDefaults: options.coerce === true,
  });
  addFormats(ajv);
  ajv.addSchema(
    { $id: 'cpis.yaml', paths: document.paths, components: document.components },
    undefined,
    undefined,
    false,
  );
  return ajv;
}

/** The compiled validator of `#/components/schemas/<name>` (or any `#/…` pointer). */
export function contractSchema(ajv: Ajv2020, pointer: string): ValidateFunction {
  const ref = pointer.startsWith('#')
    ? `cpis.yaml${pointer}`
    : `cpis.yaml#/components/schemas/${pointer}`;
  const validate = ajv.getSchema(ref);
  if (validate === undefined) throw new Error(`The contract has no schema at ${pointer}`);
  return validate;
}

const compiled = new Map<OpenApiDocument, CompiledContract>();

/** The contract compiled (once per document per process). */
export function compileContract(document: OpenApiDocument = contractDocument): CompiledContract {
  let contract = compiled.get(document);
  if (contract === undefined) {
    contract = compile(document);
    compiled.set(document, contract);
  }
  return contract;
}

/** The schema with its `#/…` references made absolute (`cpis.yaml#/…`), to compile on its own. */
function absolute(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(absolute);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#')
        ? `cpis.yaml${value}`
        : absolute(value),
    ]),
  );
}

function compile(document: OpenApiDocument): CompiledContract {
  const bodies = createContractAjv(document);
  const parameters = createContractAjv(document, { coerce: true });
  const globalSecurity = Array.isArray(document['security']) ? document['security'] : [];
  const operations = new Map<string, Operation>();
  const resolve = (p: OpenApiParameter): OpenApiParameter =>
    p.$ref === undefined
      ? p
      : (document.components['parameters']?.[p.$ref.split('/').pop() ?? ''] as OpenApiParameter);

  for (const [path, item] of Object.entries(document.paths)) {
    const shared = ((item['parameters'] as OpenApiParameter[] | undefined) ?? []).map(resolve);
    for (const method of HTTP_METHODS) {
      const operation = item[method] as OpenApiOperation | undefined;
      if (operation === undefined) continue;
      const all = [...shared, ...(operation.parameters ?? []).map(resolve)];
      const group = (where: OpenApiParameter['in'], lowerCase = false) => {
        const list = all.filter((p) => p.in === where);
        if (list.length === 0) return undefined;
        const name = (p: OpenApiParameter) => (lowerCase ? p.name.toLowerCase() : p.name);
        const required = list.filter((p) => p.required === true).map(name);
        return parameters.compile({
          type: 'object',
          properties: Object.fromEntries(list.map((p) => [name(p), absolute(p.schema ?? {})])),
          ...(required.length > 0 && { required }),
        }) as Validator;
      };
      const content = operation.requestBody?.content ?? {};
      const security = operation.security ?? globalSecurity;
      operations.set(operation.operationId, {
        operationId: operation.operationId,
        method,
        path,
        operation,
        authenticated: security.length > 0,
        surface: surfaceNamed(operation['x-cpis-surface']),
        bodyMediaTypes: Object.keys(content),
        headerNames: new Map(
          all.filter((p) => p.in === 'header').map((p) => [p.name.toLowerCase(), p.name]),
        ),
        validate: {
          path: group('path'),
          query: group('query'),
          headers: group('header', true),
          body: new Map(
            Object.entries(content).map(([type, media]) => [
              type,
              bodies.compile(absolute(media.schema ?? {}) as object) as Validator,
            ]),
          ),
        },
      });
    }
  }

  const entries = Object.keys(document.paths).map((path) => {
    const names = [...path.matchAll(/\{([^}/]+)\}/g)].map((m) => m[1] as string);
    const pattern = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}/]+\}/g, '([^/]*)');
    return {
      path,
      names,
      regex: new RegExp(`^${pattern}$`),
      literalSegments: path.split('/').filter((s) => s !== '' && !s.startsWith('{')).length,
      operations: [...operations.values()].filter((o) => o.path === path),
    };
  });
  // Literal segments first (`/plans/batch` over `/plans/{planId}`), as a router does.
  entries.sort((a, b) => b.literalSegments - a.literalSegments);

  // Each operation's folder (`/cpis/FHIR/R4` of `/cpis/FHIR/R4/CareTeam`), deepest first.
  const folders = [...operations.values()]
    .map((o) => ({ folder: o.path.slice(0, o.path.lastIndexOf('/')), surface: o.surface }))
    .filter((f) => f.folder !== '' && !f.folder.includes('{'))
    .sort((a, b) => b.folder.length - a.folder.length);

  const compiledContract: CompiledContract = {
    document,
    operations,
    surfaceOf(urlPath) {
      const found = compiledContract.match('GET', urlPath);
      const operation = [...operations.values()].find((o) => o.path === found?.path);
      if (operation !== undefined) return operation.surface;
      const holder = folders.find(
        (f) => urlPath === f.folder || urlPath.startsWith(`${f.folder}/`),
      );
      return holder?.surface ?? SURFACES[DEFAULT_SURFACE];
    },
    match(method, urlPath) {
      for (const entry of entries) {
        const found = entry.regex.exec(urlPath);
        if (found === null) continue;
        const allowed = entry.operations.map((o) => o.method.toUpperCase());
        // HEAD wherever GET is, except where a GET may tell a local authority: a notifying
        // access happens only by a deliberate act, never by a HEAD a proxy or a tool sends.
        const get = entry.operations.find((o) => o.method === 'get');
        const head = get !== undefined && get.operation['x-cpis-notifies'] !== true;
        if (head) allowed.push('HEAD');
        const lower =
          method.toLowerCase() === 'head' ? (head ? 'get' : 'head') : method.toLowerCase();
        return {
          path: entry.path,
          params: Object.fromEntries(entry.names.map((n, i) => [n, found[i + 1] ?? ''])),
          operation: entry.operations.find((o) => o.method === lower),
          allowed,
        };
      }
      return undefined;
    },
    schema: (pointer) => contractSchema(bodies, pointer) as Validator,
  };
  return compiledContract;
}

/** Ajv errors as the contract's `errors[]`: a JSON Pointer for body fields, else the parameter's name. */
export function fieldErrors(
  errors: readonly ErrorObject[],
  part: RequestPart = 'body',
  names: ReadonlyMap<string, string> = new Map(),
): FieldError[] {
  const seen = new Set<string>();
  const result: FieldError[] = [];
  for (const error of errors) {
    const pointer = errorPointer(error);
    const field = part === 'body' ? pointer : parameterName(pointer, part, names);
    const message = errorMessage(error);
    const key = `${field}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push({ field, message });
  }
  return result;
}

function errorPointer(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required' && typeof params['missingProperty'] === 'string') {
    return `${error.instancePath}/${escapePointer(params['missingProperty'])}`;
  }
  if (
    error.keyword === 'additionalProperties' &&
    typeof params['additionalProperty'] === 'string'
  ) {
    return `${error.instancePath}/${escapePointer(params['additionalProperty'])}`;
  }
  return error.instancePath;
}

function errorMessage(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') return 'is not a field of this request';
  if (error.keyword === 'required') return 'is required';
  return error.message ?? 'is not valid';
}

function parameterName(
  pointer: string,
  part: RequestPart,
  names: ReadonlyMap<string, string>,
): string {
  const name = pointer.split('/')[1];
  if (name === undefined || name === '')
    return part === 'query' ? 'querystring' : part === 'path' ? 'params' : part;
  const unescaped = name.replace(/~1/g, '/').replace(/~0/g, '~');
  return names.get(unescaped) ?? unescaped;
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
