// The population, re-exported directly: through ./fixtures.js, tsup's shared chunk dropped
// the re-export of the external package, and vendors lost `personas` and `principals`.
export * from '@cpis/population';
export { createMockFetch, UNHANDLED_REQUEST_TYPE, type MockFetchOptions } from './mock-fetch.js';
export { PROBLEM_KINDS, type ProblemKind } from '@cpis/domain';
export {
  scenarioHandlers,
  scenarioNames,
  type Malformation,
  type ScenarioName,
  type ScenarioOptions,
} from './scenarios.js';
export {
  createCpisMockService,
  type CpisMockService,
  type CpisMockServiceOptions,
} from './service.js';
export type {
  MemoryAccess as MockAccess,
  MemoryAuditEntry as MockAuditEntry,
  MemoryCheck as MockCheck,
  MemoryIdempotencyEntry as MockIdempotencyEntry,
  MemoryPlan as MockPlan,
  MemoryState as MockState,
} from '@cpis/service';
export {
  MOCK_TOKEN_AUDIENCE,
  MOCK_TOKEN_ISSUER,
  MOCK_TOKEN_SECRET,
  type TokenClaims,
  type TokenFlaw,
  type TokenOptions,
  type TokenPrincipal,
} from './tokens.js';
