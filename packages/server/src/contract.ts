/**
 * The contract, read once: `openapi/cpis.yaml` is the only place a field is defined. The
 * server routes and validates from it, compiles the batch row and token-claims schemas
 * from it, and the tests check every response against it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch' | 'head' | 'options';

export interface OpenApiOperation {
  operationId: string;
  security?: unknown[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, unknown>;
  'x-cpis-access'?: { case: string; statuses: Record<string, number> }[];
  'x-cpis-row-schema'?: string;
  'x-cpis-max-rows'?: number;
  [key: string]: unknown;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export interface Contract {
  path: string;
  text: string;
  document: OpenApiDocument;
}

const HTTP_METHODS: readonly HttpMethod[] = [
  'get',
  'put',
  'post',
  'delete',
  'patch',
  'head',
  'options',
];

/** Where the contract is: beside the built server (`dist/cpis.yaml`), else in the repository. */
export function contractPath(): string {
  const candidates = [
    new URL('./cpis.yaml', import.meta.url),
    new URL('../../../openapi/cpis.yaml', import.meta.url),
  ].map((u) => fileURLToPath(u));
  const found = candidates.find((p) => existsSync(p));
  if (found === undefined) {
    throw new Error(`The contract cpis.yaml was not found (looked in ${candidates.join(', ')})`);
  }
  return found;
}

const loaded = new Map<string, Contract>();

/** The parsed contract; read once per process (callers clone before changing it). */
export function loadContract(path: string = contractPath()): Contract {
  let contract = loaded.get(path);
  if (contract === undefined) {
    const text = readFileSync(path, 'utf8');
    contract = { path, text, document: parse(text) as OpenApiDocument };
    loaded.set(path, contract);
  }
  return contract;
}

export interface OperationInfo {
  operationId: string;
  method: HttpMethod;
  /** The contract path, `/v1/checks/{checkId}`. */
  path: string;
  operation: OpenApiOperation;
  /** False for operations with `security: []`. */
  authenticated: boolean;
  /** Media types the request body may have; empty when the operation takes no body. */
  bodyMediaTypes: string[];
}

/** Every operation of the contract, by operationId. */
export function operationIndex(document: OpenApiDocument): Map<string, OperationInfo> {
  const index = new Map<string, OperationInfo>();
  const globalSecurity = Array.isArray(document['security']) ? document['security'] : [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method] as OpenApiOperation | undefined;
      if (operation === undefined) continue;
      const security = operation.security ?? globalSecurity;
      index.set(operation.operationId, {
        operationId: operation.operationId,
        method,
        path,
        operation,
        authenticated: security.length > 0,
        bodyMediaTypes: Object.keys(operation.requestBody?.content ?? {}),
      });
    }
  }
  return index;
}

export interface PathMatch {
  path: string;
  /** The operation for this method, when there is one. */
  operation?: OperationInfo;
  /** Upper-case methods the path allows. */
  allowed: string[];
}

/**
 * Matches a concrete URL path (`/v1/checks/6f1c…`) to a contract path. Used for 405 (the
 * path exists, the method does not) and by the tests to find each response's schema.
 */
export function createPathMatcher(
  document: OpenApiDocument,
): (method: string, urlPath: string) => PathMatch | undefined {
  const operations = [...operationIndex(document).values()];
  const entries = Object.keys(document.paths).map((path) => {
    const pattern = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}/]+\}/g, '[^/]+');
    const literalSegments = path.split('/').filter((s) => s !== '' && !s.startsWith('{')).length;
    return {
      path,
      regex: new RegExp(`^${pattern}$`),
      literalSegments,
      operations: operations.filter((o) => o.path === path),
    };
  });
  // Prefer literal segments (`/plans/batch` over `/plans/{planId}`), as the router does.
  entries.sort((a, b) => b.literalSegments - a.literalSegments);
  return (method, urlPath) => {
    const entry = entries.find((e) => e.regex.test(urlPath));
    if (entry === undefined) return undefined;
    const allowed = entry.operations.map((o) => o.method.toUpperCase());
    if (allowed.includes('GET')) allowed.push('HEAD');
    const lower = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
    return {
      path: entry.path,
      operation: entry.operations.find((o) => o.method === lower),
      allowed,
    };
  };
}

const addFormats = addFormatsModule as unknown as {
  default: (ajv: Ajv2020) => Ajv2020;
};

/**
 * An Ajv (JSON Schema 2020-12) holding the whole contract as `cpis.yaml`, so any schema
 * in it can be compiled by JSON Pointer and its `#/components/…` references resolve.
 */
export function createContractAjv(document: OpenApiDocument): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: false,
    removeAdditional: false,
    coerceTypes: false,
  });
  addFormats.default(ajv);
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
