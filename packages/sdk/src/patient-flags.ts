// `@cpis/sdk/patient-flags`: NHS England's Patient Flags API (CP-IS flag, scheduled care)
// behind the SDK's check interface. Its own entry, so the core never ships it.
export { createPatientFlagsClient } from './fhir/patient-flags-client.js';
export type { PatientFlagsClient, PatientFlagsClientOptions } from './fhir/patient-flags-client.js';
export type { AccessReasonRecord, CheckRunOptions } from './fhir/check-request.js';
export { CpisFhirError, SPINE_CODE_SYSTEM, type SpineErrorCode } from './fhir/operation-outcome.js';
export { CPIS_FLAG_CODE, FLAG_CATEGORY_SYSTEM } from './fhir/patient-flag-search.js';
