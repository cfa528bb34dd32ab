/**
 * What every route handler needs, and the two checks every protected handler makes:
 * who is calling (verified in the `onRequest` hook) and whether they may (`authorize`).
 */
import { authorize, type AuthorizationTarget, type OperationId } from '@cpis/domain';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { FastifyRequest } from 'fastify';
import type { Auth, AuthenticatedPrincipal } from '../auth.js';
import type { ServerConfig } from '../config.js';
import { ProblemError } from '../problem.js';
import type { NewAuditEvent, Store } from '../store/store.js';

export interface RouteContext {
  config: ServerConfig;
  store: Store;
  auth: Auth;
  now: () => Date;
  /** The contract's `BatchPlanRow`, compiled (the batch operation's `x-cpis-row-schema`). */
  validateBatchRow: ValidateFunction;
  maxBatchRows: number;
  /** Open notification streams, closed when the server closes. */
  streams: Set<{ close(): void }>;
  /** Live streams open (or opening) per user `sub`, capped at `config.maxStreamsPerUser`. */
  streamsPerUser: Map<string, number>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook for operations that need a token. */
    principal?: AuthenticatedPrincipal;
    /** Why authentication failed; the request is refused with 401 once rate limiting has seen it. */
    authFailure?: string;
  }
}

export function principalOf(request: FastifyRequest): AuthenticatedPrincipal {
  const principal = request.principal;
  // The hook refuses unauthenticated requests before any protected handler runs.
  if (principal === undefined)
    throw new ProblemError('unauthenticated', 'A bearer token is required.');
  return principal;
}

/** Refuses with 403 unless `principal` may do `op` on `target`. */
export function authorizeOrThrow(
  op: OperationId,
  principal: AuthenticatedPrincipal,
  target: AuthorizationTarget = {},
): void {
  const decision = authorize(op, principal, target);
  if (!decision.allowed) throw new ProblemError('forbidden', decision.reason);
}

/** An audit row for an LA write or a check read, made by `principal`. */
export function auditEvent(
  principal: AuthenticatedPrincipal,
  requestId: string,
  at: string,
  action: string,
  target: { authority?: string; id?: string },
  detail: unknown,
): NewAuditEvent {
  return {
    at,
    request_id: requestId,
    actor_sub: principal.sub,
    actor_name: principal.name,
    actor_org: principal.odsCode,
    action,
    authority_ods: target.authority ?? null,
    target: target.id ?? null,
    detail: JSON.stringify(detail),
  };
}
