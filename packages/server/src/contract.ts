/**
 * The contract as a file: `openapi/cpis.yaml` read once, for the server to serve
 * (`/openapi.yaml`, `/openapi.json`, `/docs`) and for the tests to check answers against.
 * Routing and validation from it are the service core's (`compileContract`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  compileContract,
  contractSchema,
  createContractAjv,
  type HttpMethod,
  type OpenApiDocument,
  type OpenApiOperation,
  type Operation,
  type PathMatch,
} from '@cpis/service';
import { parse } from 'yaml';

export { contractSchema, createContractAjv };
export type { HttpMethod, OpenApiDocument, OpenApiOperation, PathMatch };
export type OperationInfo = Operation;

export interface Contract {
  path: string;
  text: string;
  document: OpenApiDocument;
}

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

/** Every operation of the contract, by operationId. */
export function operationIndex(document: OpenApiDocument): Map<string, Operation> {
  return compileContract(document).operations;
}

/** Matches a concrete URL path (`/v1/checks/6f1c…`) to a contract path and its operation. */
export function createPathMatcher(
  document: OpenApiDocument,
): (method: string, urlPath: string) => PathMatch | undefined {
  const contract = compileContract(document);
  return (method, urlPath) => contract.match(method, urlPath);
}
