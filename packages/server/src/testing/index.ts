/**
 * The server's test support, for tests outside the package (`test/`): import it as
 * `@cpis/server/testing`, never by a relative path into `src/`. Not part of the build.
 */
export * from './harness.js';
export * from './engines.js';
export * from './audit-chain.js';
export { createResponseChecker, type CheckedResponse } from './contract-check.js';
export { contractSchema, createContractAjv, loadContract, operationIndex } from '../contract.js';
export type { TokenClaims } from '../auth.js';
export type { ServerConfig } from '../config.js';
export type { Store } from '../store/store.js';
export * from './cds-hooks.js';
