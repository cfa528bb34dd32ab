#!/usr/bin/env node
// openapi/cpis.yaml as a JSON module, so the core validates from the contract in Node and
// in a browser alike, with no YAML parser and no file system at run time.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const source = new URL('../../../openapi/cpis.yaml', import.meta.url);
const target = new URL('../src/generated/contract.ts', import.meta.url);
const document = parse(readFileSync(source, 'utf8'));
writeFileSync(
  target,
  `// Generated from openapi/cpis.yaml by packages/service/scripts/generate-contract.mjs. Do not edit.\n` +
    `import type { OpenApiDocument } from '../contract-types.js';\n\n` +
    `export const contractDocument: OpenApiDocument = ${JSON.stringify(document, null, 2)};\n`,
);
