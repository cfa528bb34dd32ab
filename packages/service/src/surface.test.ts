import { describe, expect, it } from 'vitest';
import { compileContract, type OpenApiDocument } from './contract.js';
import { operationOutcome, renderOperationOutcome } from './fhir/operation-outcome.js';
import { Refusal } from './problem.js';
import { SURFACES } from './surface.js';

/** A contract with one operation on `/v1` and one on the FHIR surface. */
const document: OpenApiDocument = {
  openapi: '3.1.0',
  components: {},
  paths: {
    '/v1/things': { get: { operationId: 'listThings', responses: {} } },
    '/base/FHIR/R4/Thing': {
      get: { operationId: 'searchThing', 'x-cpis-surface': 'fhir', responses: {} },
    },
  },
};

describe('surfaces', () => {
  it('an operation belongs to the surface its x-cpis-surface names, else to v1', () => {
    const contract = compileContract(document);
    expect(contract.operations.get('searchThing')?.surface.name).toBe('fhir');
    expect(contract.operations.get('listThings')?.surface.name).toBe('v1');
  });

  it('a path no operation answers belongs to the surface of the operations in its folder', () => {
    const contract = compileContract(document);
    expect(contract.surfaceOf('/base/FHIR/R4/Patient').name).toBe('fhir');
    expect(contract.surfaceOf('/base/FHIR/R4').name).toBe('fhir');
    expect(contract.surfaceOf('/v1/nothing').name).toBe('v1');
    expect(contract.surfaceOf('/elsewhere').name).toBe('v1');
  });

  it('a contract naming an unknown surface does not compile', () => {
    const bad: OpenApiDocument = {
      openapi: '3.1.0',
      components: {},
      paths: { '/x/y': { get: { operationId: 'x', 'x-cpis-surface': 'smoke-signals' } } },
    };
    expect(() => compileContract(bad)).toThrow(/unknown surface: smoke-signals/);
  });

  it('v1 refuses in problem+json; the FHIR surface in an OperationOutcome with a Spine code', async () => {
    const refusal = new Refusal('forbidden', 'Not for you.');
    const v1 = SURFACES.v1.refuse(refusal, 'r-1');
    expect(v1.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const fhir = renderOperationOutcome(refusal, 'r-1');
    expect(fhir.status).toBe(403);
    expect(fhir.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect(await fhir.json()).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'forbidden',
          details: {
            coding: [
              {
                system: 'https://fhir.nhs.uk/CodeSystem/England-SpineErrorOrWarningCode',
                code: 'ACCESS_DENIED',
                display: 'Access has been denied to process this request',
              },
            ],
          },
          diagnostics: 'Not for you.',
        },
      ],
    });
  });

  it('a header the contract refuses is PRECONDITION_FAILED, a search parameter INVALID_SEARCH_DATA', () => {
    const code = (refusal: Refusal) =>
      (operationOutcome(refusal)['issue'] as { details: { coding: { code: string }[] } }[])[0]
        ?.details.coding[0]?.code;
    const header = new Refusal('invalid-request', 'x', [], {}, { part: 'headers' });
    const query = new Refusal('invalid-request', 'x', [], {}, { part: 'query' });
    const nhs = new Refusal('invalid-nhs-number', 'x');
    const named = new Refusal('invalid-request', 'x', [], {}, { code: 'PRECONDITION_FAILED' });
    expect([code(header), code(query), code(nhs), code(named)]).toEqual([
      'PRECONDITION_FAILED',
      'INVALID_SEARCH_DATA',
      'INVALID_SEARCH_DATA',
      'PRECONDITION_FAILED',
    ]);
  });

  it('the FHIR surface takes TraceID as the request id and echoes it; v1 takes X-Request-ID', () => {
    expect(SURFACES.fhir.requestIdHeaders[0]).toBe('traceid');
    expect(SURFACES.fhir.answerHeaders?.('t-1')).toEqual({ TraceID: 't-1' });
    expect(SURFACES.v1.requestIdHeaders).toEqual(['x-request-id']);
  });
});
