export {
  createService,
  BATCH_BODY_LIMIT_BYTES,
  BODY_LIMIT_BYTES,
  type CpisService,
  type HandleOptions,
  type ServiceLogger,
  type ServiceOptions,
} from './service.js';
export {
  compileContract,
  contractDocument,
  contractSchema,
  createContractAjv,
  fieldErrors,
  type CompiledContract,
  type HttpMethod,
  type OpenApiDocument,
  type OpenApiOperation,
  type Operation,
  type PathMatch,
} from './contract.js';
export {
  PROBLEM_CONTENT_TYPE,
  Refusal,
  problemBody,
  type RefusalAbout,
  problemResponse,
  type Problem,
} from './problem.js';
export {
  AuthenticationError,
  AuthUnavailableError,
  DEV_TOKEN_TTL_SECONDS,
  bearerToken,
  defaultSubject,
  describeJoseError,
  devTokenClaims,
  hs256Tokens,
  principalOf,
  type DevTokenRequest,
  type DevTokenResponse,
  type Hs256Options,
  type DevTokenSigner,
  type Principal,
  type TokenClaims,
  type TokenVerifier,
} from './tokens.js';
export {
  DEFAULT_SURFACE,
  SURFACES,
  refusalOn,
  surfaceNamed,
  withSurfaceHeaders,
  type Surface,
  type SurfaceAuthentication,
  type SurfaceName,
} from './surface.js';
export {
  FHIR_CONTENT_TYPE,
  SPINE_CODES,
  SPINE_CODE_SYSTEM,
  TRACE_ID_HEADER,
  fhirJson,
  operationOutcome,
  renderOperationOutcome,
  spineIssue,
  type SpineCode,
  type SpineIssue,
} from './fhir/operation-outcome.js';
export { bodyHash, canonicalJson, illFormedText } from './text.js';
export { isUuid, randomUuid, requestIdOf } from './ids.js';
export { seedIfEmpty, seedRecords, type SeedRecords } from './seed.js';
export {
  MemoryStore,
  emptyMemoryState,
  type MemoryAccess,
  type MemoryAuditEntry,
  type MemoryCheck,
  type MemoryIdempotencyEntry,
  type MemoryPlan,
  type MemoryState,
} from './memory-store.js';
export type * from './storage.js';
