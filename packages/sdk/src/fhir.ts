// `@cpis/sdk/fhir`: NHS England's CP-IS FHIR R4 API behind the SDK's check interface. Its
// own entry, so a page that uses only this kit's `/v1` never ships it (packages/sdk/FHIR.md).
export { createCpisFhirClient, AUDIT_EVENT_INCLUDE } from './fhir/client.js';
export type { CpisFhirClient, CpisFhirClientOptions } from './fhir/client.js';
export type { AccessReasonRecord, CheckRunOptions } from './fhir/check-request.js';
export type { FhirClientOptions } from './fhir/request.js';
export { CpisFhirError, SPINE_CODE_SYSTEM, type SpineErrorCode } from './fhir/operation-outcome.js';
export { PLAN_TYPE_BY_SNOMED } from './fhir/plan-mapping.js';
