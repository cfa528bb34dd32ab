// NHS England's published examples, as converted to JSON by scripts/convert-fhir-examples.mjs
// (test/fixtures/external/README.md), and the small helpers the FHIR tests share.
import { readFileSync } from 'node:fs';

const fixtures = new URL('../../../../test/fixtures/external/', import.meta.url);

export type Json = Record<string, unknown>;

function read(path: string): Json {
  return JSON.parse(readFileSync(new URL(path, fixtures), 'utf8')) as Json;
}

export const cpisExample = (name: string): Json => read(`nhs-cpis-fhir/json/${name}.json`);
export const flagsExample = (name: string): Json =>
  read(`nhs-patient-flags/examples/json/${name}.json`);

/** The examples' subject NHS number, which fails Modulus 11 (SOURCES.md). */
export const EXAMPLE_NHS_NUMBER = '9912003890';
/** The same number with the check digit it should have: what the tests ask about. */
export const ASKED = '9912003896';

/**
 * A deep copy with every occurrence of the examples' NHS number replaced by `nhsNumber`.
 * The published examples carry a number no client may ask about, so a golden test that
 * wants the example's mapping asks about `ASKED` and serves the example for it.
 */
export function forNhsNumber(example: Json, nhsNumber: string = ASKED): Json {
  return JSON.parse(JSON.stringify(example).replaceAll(EXAMPLE_NHS_NUMBER, nhsNumber)) as Json;
}

export function fhirJson(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/fhir+json', ...headers },
  });
}

export function operationOutcome(code: string, issueCode: string, diagnostics?: string): Json {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: issueCode,
        details: {
          coding: [
            { system: 'https://fhir.nhs.uk/CodeSystem/England-SpineErrorOrWarningCode', code },
          ],
        },
        ...(diagnostics === undefined ? {} : { diagnostics }),
      },
    ],
  };
}
