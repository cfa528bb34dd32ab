import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { describe, expect, it } from 'vitest';

const contract = new URL('../../../openapi/cpis.yaml', import.meta.url);
const generated = new URL('./generated/cpis.ts', import.meta.url);

describe('generated contract types', () => {
  it('are not stale: regenerating from openapi/cpis.yaml gives the committed file byte for byte', async () => {
    const fresh = astToString(await openapiTS(contract));
    const committed = await readFile(fileURLToPath(generated), 'utf8');
    // The CLI adds a banner; compare the generated body.
    expect(committed.endsWith(fresh), 'run `npm run generate` and commit the result').toBe(true);
  });
});

describe('the domain’s constant lists', () => {
  it('are the contract’s enums exactly, in its order (the types only check a subset)', async () => {
    const { parse } = await import('yaml');
    const { REASON_CODES } = await import('./reason.js');
    const { PLAN_TYPES } = await import('./plan.js');
    const { PROBLEM_KINDS, problemType } = await import('./problems.js');
    const schemas = (
      parse(await readFile(fileURLToPath(contract), 'utf8')) as {
        components: { schemas: Record<string, { enum: string[] }> };
      }
    ).components.schemas;
    expect(REASON_CODES).toEqual(schemas['ReasonCode']?.enum);
    expect(PLAN_TYPES).toEqual(schemas['PlanType']?.enum);
    expect(
      Object.keys(PROBLEM_KINDS).map((kind) => problemType(kind as keyof typeof PROBLEM_KINDS)),
    ).toEqual(schemas['ProblemType']?.enum);
  });
});
