/**
 * The one-file build with NHS England's APIs, for a page without a bundler that may also
 * speak NHS England's CP-IS FHIR R4 API or its Patient Flags API (`<script type="module"
 * src="cpis-elements-fhir.js">`): everything `cpis-elements.js` gives, plus their clients.
 * One file, not a second one beside `cpis-elements.js`: the banner knows an SDK error by
 * its class (a 403 is `forbidden`), so the FHIR clients must throw the classes of the same
 * copy of the SDK. `cpis-elements.js` itself stays as it was, without them.
 */
export * from './bundle.js';
export { CpisFhirError, createCpisFhirClient } from '@cpis/sdk/fhir';
export { createPatientFlagsClient } from '@cpis/sdk/patient-flags';
