import { CpisApiError } from '../errors.js';
import { isFields } from './resource.js';

export const SPINE_CODE_SYSTEM = 'https://fhir.nhs.uk/CodeSystem/England-SpineErrorOrWarningCode';

/**
 * The error codes NHS England's CP-IS FHIR API documents (Build/Errorhandling):
 * 400 `INVALID_SEARCH_DATA` (invalid NHS number), 400 `PRECONDITION_FAILED` (a missing or
 * invalid header), 403 `ACCESS_DENIED`. Other codes of the code system may come too.
 */
export type SpineErrorCode = 'INVALID_SEARCH_DATA' | 'PRECONDITION_FAILED' | 'ACCESS_DENIED';

/**
 * An NHS England FHIR API answered with an error status. A `CpisApiError`, so a banner
 * treats it as any other: 401 is signed out, 403 forbidden, anything else `failed`.
 */
export class CpisFhirError extends CpisApiError {
  override name = 'CpisFhirError';
  /** The England-SpineErrorOrWarningCode of the OperationOutcome, when it has one. */
  readonly spineCode: SpineErrorCode | (string & {}) | undefined;
  /** The OperationOutcome's `issue.code` (e.g. `forbidden`, `invalid`). */
  readonly issueCode: string | undefined;
  /** The body, when it was an OperationOutcome. It may carry free text: never log it whole. */
  readonly operationOutcome: Record<string, unknown> | undefined;

  constructor(status: number, traceId: string, outcome?: Record<string, unknown>) {
    super(status, undefined, traceId);
    // Read leniently: a malformed OperationOutcome is still an error with this status.
    const issues: unknown[] = Array.isArray(outcome?.issue) ? outcome.issue : [];
    const issue = issues.find(isFields);
    const details = issue && isFields(issue.details) ? issue.details : undefined;
    const code = (Array.isArray(details?.coding) ? details.coding : [])
      .filter(isFields)
      .find((coding) => coding.system === SPINE_CODE_SYSTEM)?.code;
    // Only a code-shaped value goes into the message: never free text from the server.
    this.spineCode = typeof code === 'string' && /^[A-Z_]{1,64}$/.test(code) ? code : undefined;
    this.issueCode = typeof issue?.code === 'string' ? issue.code : undefined;
    this.operationOutcome = outcome;
    if (this.spineCode) this.message = `CP-IS answered ${status} (${this.spineCode})`;
  }
}

/** The error for an error status; `body` is the parsed JSON, if the body was JSON. */
export function toFhirError(status: number, body: unknown, traceId: string): CpisFhirError {
  const outcome = isFields(body) && body.resourceType === 'OperationOutcome' ? body : undefined;
  return new CpisFhirError(status, traceId, outcome);
}
