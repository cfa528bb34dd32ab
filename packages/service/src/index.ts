export {
  createService,
  BATCH_BODY_LIMIT_BYTES,
  BODY_LIMIT_BYTES,
  CDS_HOOKS_CHECK_TIMEOUT_MS,
  type CdsHooksOptions,
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
  isTokenError,
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
  type SurfaceCallers,
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
export {
  CdsHooksTrustError,
  isLoopback,
  parseCdsHooksTrust,
  type CdsHooksSetting,
  type CdsHooksTrustedEhr,
} from './cds-hooks/trust.js';
export {
  CDS_HOOKS_ALGORITHMS,
  CDS_HOOKS_CLOCK_SKEW_SECONDS,
  cdsHooksAuthenticator,
  cdsServiceUrl,
  type CdsHooksAuthOptions,
  type CdsHooksCaller,
} from './cds-hooks/auth.js';
export {
  DEVELOPMENT_TOKEN_SECONDS,
  developmentEhrs,
  type DevelopmentEhr,
} from './cds-hooks/development.js';
export {
  CDS_PREFETCH,
  CDS_SERVICES,
  ENCOUNTER_START_SERVICE,
  PATIENT_VIEW_SERVICE,
} from './cds-hooks/hooks.js';
export {
  CARD_SOURCE_LABEL,
  CARD_TOPIC_SYSTEM,
  type CardKind,
  type CdsCard,
} from './cds-hooks/cards.js';
export {
  NHS_NUMBER_SYSTEM,
  NHS_NUMBER_VERIFICATION_EXTENSION,
  NHS_NUMBER_VERIFICATION_SYSTEM,
  nhsNumberIdentifier,
} from './cds-hooks/resources.js';
