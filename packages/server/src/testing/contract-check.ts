/**
 * Test support: checks one HTTP response against the contract — the status is declared
 * for the operation, the media type is one it declares, the body validates against its
 * schema (Ajv 2020 over `cpis.yaml`), every header the response declares `required` is
 * there and matches its schema, and every response carries a UUID `X-Request-ID` that a
 * problem's `requestId` repeats.
 */
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { compileContract } from '@cpis/service';
import {
  createContractAjv,
  createPathMatcher,
  loadContract,
  type OpenApiDocument,
} from '../contract.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface CheckedResponse {
  method: string;
  url: string;
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

export type ResponseChecker = (response: CheckedResponse) => string[];

export function createResponseChecker(
  document: OpenApiDocument = loadContract().document,
): ResponseChecker {
  const ajv = createContractAjv(document);
  const match = createPathMatcher(document);
  const compiled = new Map<string, ValidateFunction>();
  const validator = (pointer: string): ValidateFunction => {
    let validate = compiled.get(pointer);
    if (validate === undefined) {
      const found = ajv.getSchema(`cpis.yaml#${pointer}`);
      if (found === undefined) throw new Error(`No schema at ${pointer}`);
      validate = found;
      compiled.set(pointer, validate);
    }
    return validate;
  };
  const problemPointer = '/components/schemas/Problem';

  return (response) => {
    const failures: string[] = [];
    const fail = (message: string): void => {
      failures.push(`${response.method} ${response.url} → ${response.status}: ${message}`);
    };
    const requestId = header(response.headers, 'x-request-id');
    if (requestId === undefined || !UUID.test(requestId))
      fail(`X-Request-ID is not a UUID: ${String(requestId)}`);
    const mediaType = (header(response.headers, 'content-type') ?? '').split(';')[0]?.trim() ?? '';
    const path = response.url.split('?')[0] ?? '/';
    const found = match(response.method, path);

    const checkBody = (pointer: string): void => {
      if (response.method === 'HEAD') return;
      let body: unknown;
      try {
        body = JSON.parse(response.body);
      } catch {
        fail(`the body is not JSON: ${response.body.slice(0, 80)}`);
        return;
      }
      const validate = validator(pointer);
      if (!validate(body)) fail(`the body breaks ${pointer}: ${ajv.errorsText(validate.errors)}`);
      if (mediaType === 'application/problem+json') {
        const id = (body as { requestId?: unknown }).requestId;
        if (id !== requestId)
          fail(`problem requestId ${String(id)} is not X-Request-ID ${String(requestId)}`);
      }
    };

    if (found?.operation === undefined) {
      // Not an operation of the contract (404, 405, docs, files): errors are still refusals,
      // each surface in its own format (problem+json; an OperationOutcome on the FHIR paths).
      if (response.status >= 400) {
        const fhir = compileContract(document).surfaceOf(path).name === 'fhir';
        const expected = fhir ? 'application/fhir+json' : 'application/problem+json';
        if (mediaType !== expected) fail(`an error answered as ${mediaType}, not ${expected}`);
        else checkBody(fhir ? '/components/schemas/OperationOutcome' : problemPointer);
      }
      return failures;
    }

    const { operation, path: contractPath } = found.operation;
    const method = found.operation.method;
    const responses = operation.responses ?? {};
    const declared = responses[String(response.status)] ?? responses['default'];
    if (declared === undefined) {
      fail(`status ${response.status} is not declared for ${operation.operationId}`);
      return failures;
    }
    let base = `/paths/${escape(contractPath)}/${method}/responses/${response.status}`;
    let definition = declared as {
      $ref?: string;
      content?: Record<string, unknown>;
      headers?: Record<string, unknown>;
    };
    if (definition.$ref !== undefined) {
      base = definition.$ref.slice(1);
      const name = definition.$ref.split('/').pop() as string;
      definition = (document.components['responses']?.[name] ?? {}) as typeof definition;
    }
    for (const [name, declaredHeader] of Object.entries(definition.headers ?? {})) {
      const ref = (declaredHeader as { $ref?: string }).$ref;
      const pointer = ref === undefined ? `${base}/headers/${escape(name)}` : ref.slice(1);
      const spec = (
        ref === undefined
          ? declaredHeader
          : document.components['headers']?.[ref.split('/').pop() as string]
      ) as { required?: boolean } | undefined;
      if (spec?.required !== true) continue;
      const value = header(response.headers, name.toLowerCase());
      if (value === undefined) fail(`the required header ${name} is missing`);
      else if (!validator(`${pointer}/schema`)(value))
        fail(`the header ${name}: ${value} breaks its schema`);
    }
    const content = definition.content;
    if (content === undefined) {
      if (response.body !== '') fail(`a body was sent where none is declared`);
      return failures;
    }
    if (!(mediaType in content)) {
      fail(`media type ${mediaType} is not one of ${Object.keys(content).join(', ')}`);
      return failures;
    }
    if (mediaType === 'text/event-stream') return failures;
    checkBody(`${base}/content/${escape(mediaType)}/schema`);
    return failures;
  };
}

function header(headers: CheckedResponse['headers'], name: string): string | undefined {
  const value = headers[name];
  if (Array.isArray(value)) return value[0];
  return value === undefined ? undefined : String(value);
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
