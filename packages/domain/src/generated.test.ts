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
