/**
 * Request validation: Ajv for JSON Schema 2020-12 (the contract's dialect), with unknown
 * fields refused rather than stripped. Bodies are never coerced (`"true"` is not `true`);
 * path, query and header values arrive as text and are coerced to the declared type.
 */
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { FieldError } from './problem.js';

const addFormats = addFormatsModule as unknown as { default: (ajv: Ajv2020) => Ajv2020 };

export type HttpPart = 'body' | 'params' | 'querystring' | 'headers';

type Validator = (data: unknown) => boolean;

const common = { strict: false, removeAdditional: false, allErrors: true } as const;
let compilers: { bodies: Ajv2020; parameters: Ajv2020; cache: Map<string, Validator> } | undefined;

/**
 * Fastify's validator compiler. Compiled validators are pure, so they are kept per process
 * by schema: a second app in the same process (the tests start many) compiles nothing.
 */
export function createValidatorCompiler(): (route: {
  schema: object;
  httpPart?: string;
}) => Validator {
  if (compilers === undefined) {
    const bodies = new Ajv2020({ ...common, coerceTypes: false, useDefaults: false });
    const parameters = new Ajv2020({ ...common, coerceTypes: 'array', useDefaults: true });
    addFormats.default(bodies);
    addFormats.default(parameters);
    compilers = { bodies, parameters, cache: new Map() };
  }
  const { bodies, parameters, cache } = compilers;
  return ({ schema, httpPart }) => {
    const part = httpPart === 'body' ? 'body' : httpPart === 'headers' ? 'headers' : 'parameters';
    const key = `${part}:${JSON.stringify(schema)}`;
    let validate = cache.get(key);
    if (validate === undefined) {
      const ajv = part === 'body' ? bodies : parameters;
      validate = ajv.compile(
        part === 'headers' ? lowerCaseHeaderNames(schema) : schema,
      ) as Validator;
      cache.set(key, validate);
    }
    return validate;
  };
}

/**
 * Node lower-cases header names; Fastify lower-cases a header schema's names only for its
 * own compiler, so a custom one has to (`Idempotency-Key` → `idempotency-key`).
 */
function lowerCaseHeaderNames(schema: object): object {
  const { properties, required, ...rest } = schema as {
    properties?: Record<string, unknown>;
    required?: string[];
  };
  return {
    ...rest,
    ...(properties === undefined
      ? {}
      : {
          properties: Object.fromEntries(
            Object.entries(properties).map(([k, v]) => [k.toLowerCase(), v]),
          ),
        }),
    ...(required === undefined ? {} : { required: required.map((k) => k.toLowerCase()) }),
  };
}

/** Ajv errors as the contract's `errors[]`: a JSON Pointer for body fields, else the parameter's name. */
export function fieldErrors(
  errors: readonly ErrorObject[],
  part: HttpPart | string = 'body',
): FieldError[] {
  const seen = new Set<string>();
  const result: FieldError[] = [];
  for (const error of errors) {
    const pointer = errorPointer(error);
    const field = part === 'body' ? pointer : parameterName(pointer, part);
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

function parameterName(pointer: string, part: string): string {
  const name = pointer.split('/')[1];
  if (name === undefined || name === '') return part;
  return name.replace(/~1/g, '/').replace(/~0/g, '~');
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * A lone UTF-16 surrogate (`u` mode matches a surrogate only when it is not half of a pair),
 * or NUL, which PostgreSQL cannot store in text while SQLite can: refused on every engine,
 * so the answer never depends on the database behind the server.
 */
const LONE_SURROGATE = /[\uD800-\uDFFF\u0000]/u;

/**
 * The JSON Pointer of the first string (or key) in `value` that is not well-formed Unicode,
 * or `undefined`. JSON can spell a lone surrogate (`"\ud800"`), but no database stores it
 * as sent: SQLite and PostgreSQL both turn it into U+FFFD, so it is refused instead of being
 * silently changed. NUL is refused with it (PostgreSQL cannot hold it). Iterative, so a deeply nested body cannot exhaust the stack.
 */
export function illFormedText(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [current, pointer] = stack.pop() as [unknown, string];
    if (typeof current === 'string') {
      if (LONE_SURROGATE.test(current)) return pointer;
    } else if (Array.isArray(current)) {
      current.forEach((item, i) => stack.push([item, `${pointer}/${i}`]));
    } else if (current !== null && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        const at = `${pointer}/${escapePointer(key)}`;
        if (LONE_SURROGATE.test(key)) return at;
        stack.push([item, at]);
      }
    }
  }
  return undefined;
}
