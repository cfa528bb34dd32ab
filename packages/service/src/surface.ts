/**
 * Surfaces: the families of operations the core answers, each with its own conventions.
 * `/v1` is this kit's own API (problem+json, `X-Request-ID`); `fhir` is NHS England's CP-IS
 * FHIR R4 and Patient Flags APIs as a local stand-in (OperationOutcome, `TraceID`). An
 * operation names its surface in the contract (`x-cpis-surface`; none is `v1`), and a path
 * no operation answers belongs to the surface of the operations beside it.
 *
 * A surface decides three things, and only these:
 * - how a refusal (and every fault) is rendered;
 * - which request header carries the request id, and which headers every answer carries;
 * - how an operation with `security` authenticates its caller (the `/v1` bearer token
 *   unless the surface says otherwise).
 * A new surface is one more entry in `SURFACES` with a renderer of its own.
 */
import { renderOperationOutcome, TRACE_ID_HEADER } from './fhir/operation-outcome.js';
import { problemResponse, type Refusal } from './problem.js';
import type { Principal } from './tokens.js';

export type SurfaceName = 'v1' | 'fhir' | 'cds-hooks';

export const DEFAULT_SURFACE: SurfaceName = 'v1';

export interface Surface {
  name: SurfaceName;
  /** The answer for a refusal on this surface: its error format, status and headers. */
  refuse(refusal: Refusal, requestId: string): Response;
  /**
   * Request headers (lower case) that may carry the client's request id, in order: the
   * first that holds a UUID is the request id; without one the core makes one.
   */
  requestIdHeaders: readonly string[];
  /** Headers every answer on this surface carries, besides `X-Request-ID`. */
  answerHeaders?(requestId: string): Record<string, string>;
  /**
   * How an operation with `security` finds its caller. Unset: the `/v1` bearer token
   * (`bearer`). A surface with its own credentials (an EHR-signed JWT…) uses the caller
   * check the service is configured with (`callers`) and throws a `Refusal` (401) when they
   * do not hold.
   */
  authenticate?(
    request: Request,
    bearer: (request: Request) => Promise<Principal>,
    callers: SurfaceCallers,
  ): Promise<Principal>;
}

/** The ways of authenticating a caller the service is configured with, besides `/v1`'s bearer. */
export interface SurfaceCallers {
  /** An EHR's signed CDS Hooks JWT (`cds-hooks/auth.ts`), as the EHR's principal. */
  cdsHooks(request: Request): Promise<Principal>;
}

/** A refusal as RFC 9457 problem+json: `/v1`'s format, and CDS Hooks'. */
const problemRefusal = (refusal: Refusal, requestId: string): Response =>
  problemResponse(refusal.kind, requestId, refusal.detail, refusal.errors, refusal.headers);

export const SURFACES: Readonly<Record<SurfaceName, Surface>> = {
  v1: {
    name: 'v1',
    refuse: problemRefusal,
    requestIdHeaders: ['x-request-id'],
  },
  fhir: {
    name: 'fhir',
    refuse: renderOperationOutcome,
    // NHS England's CP-IS API names the request by `TraceID`; the transport's own id after.
    requestIdHeaders: [TRACE_ID_HEADER.toLowerCase(), 'x-request-id'],
    answerHeaders: (requestId) => ({ [TRACE_ID_HEADER]: requestId }),
  },
  // HL7 CDS Hooks: the EHR signs its own JWT. The specification leaves the error body to
  // the service: problem+json, with the status codes it names (401 for a JWT refused).
  'cds-hooks': {
    name: 'cds-hooks',
    refuse: problemRefusal,
    requestIdHeaders: ['x-request-id'],
    authenticate: (request, _bearer, callers) => callers.cdsHooks(request),
  },
};

/** Sets the headers every answer on `surface` carries: `X-Request-ID` and its own. */
export function withSurfaceHeaders(
  response: Response,
  surface: Surface,
  requestId: string,
): Response {
  response.headers.set('x-request-id', requestId);
  for (const [name, value] of Object.entries(surface.answerHeaders?.(requestId) ?? {})) {
    response.headers.set(name, value);
  }
  return response;
}

/** A refusal as `surface` answers it, with the headers every answer there carries. */
export function refusalOn(surface: Surface, refusal: Refusal, requestId: string): Response {
  return withSurfaceHeaders(surface.refuse(refusal, requestId), surface, requestId);
}

/** The surface of that name; an unknown name in the contract is a fault of the contract. */
export function surfaceNamed(name: unknown): Surface {
  if (name === undefined) return SURFACES[DEFAULT_SURFACE];
  if (typeof name === 'string' && Object.hasOwn(SURFACES, name)) {
    return SURFACES[name as SurfaceName];
  }
  throw new Error(`The contract names an unknown surface: ${String(name)}`);
}
