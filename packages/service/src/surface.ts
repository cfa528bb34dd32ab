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
import type { ServiceOptions } from './service.js';
import type { Principal } from './tokens.js';

export type SurfaceName = 'v1' | 'fhir';

/** What a surface's own `authenticate` is handed by the core. */
export interface SurfaceAuthentication {
  /** The `/v1` bearer token check, as the service is configured. */
  bearer(request: Request): Promise<Principal>;
  /** The service's options (its verifiers, its clock…). */
  options: ServiceOptions;
}

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
   * How an operation with `security` finds its caller. Unset: the `/v1` bearer token.
   * A surface with its own credentials (an EHR-signed JWT…) reads what it needs from
   * `core.options` (add the option to `ServiceOptions`) and throws a `Refusal` (401) when
   * they do not hold.
   */
  authenticate?(request: Request, core: SurfaceAuthentication): Promise<Principal>;
}

export const SURFACES: Readonly<Record<SurfaceName, Surface>> = {
  v1: {
    name: 'v1',
    refuse: (refusal, requestId) =>
      problemResponse(refusal.kind, requestId, refusal.detail, refusal.errors, refusal.headers),
    requestIdHeaders: ['x-request-id'],
  },
  fhir: {
    name: 'fhir',
    refuse: renderOperationOutcome,
    // NHS England's CP-IS API names the request by `TraceID`; the transport's own id after.
    requestIdHeaders: [TRACE_ID_HEADER.toLowerCase(), 'x-request-id'],
    answerHeaders: (requestId) => ({ [TRACE_ID_HEADER]: requestId }),
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
