/** What every operation of the core is handed, and the audit row they share. */
import { authorize, type AuthorizationTarget, type OperationId } from '@cpis/domain';
import type { CdsHooksRuntime } from './cds-hooks/hooks.js';
import type { Operation } from './contract.js';
import { Refusal } from './problem.js';
import type { AuditEvent, Storage } from './storage.js';
import type { DevTokenSigner, Principal } from './tokens.js';

export interface OperationContext {
  store: Storage;
  now: () => Date;
  /** The path the core answers under (`''` on the server, the mock's base path). */
  basePath: string;
  requestId: string;
  request: Request;
  operation: Operation;
  /** Set for every operation that needs a token. */
  principal: Principal | undefined;
  params: Record<string, string>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  /** The parsed body (JSON value, or CSV text) when the operation takes one. */
  body: unknown;
  /** The batch operation's row limit (`x-cpis-max-rows`). */
  maxBatchRows: number;
  devTokens: DevTokenSigner | undefined;
  /** The mock's simulated duration of a check (its `Idempotency-Key` held in progress). */
  checkDelay: (() => Promise<void>) | undefined;
  streams: StreamRegistry;
  /** The CDS Hooks services' configuration; unset, they do not exist (404). */
  cdsHooks?: CdsHooksRuntime;
}

/** Open notification streams, ended when the core closes. */
export interface StreamRegistry {
  heartbeatMs: number;
  open: Set<{ close(): void }>;
  /** Streams open (or opening) per user `sub`, at most `maxPerUser`. */
  perUser: Map<string, number>;
  maxPerUser: number;
}

export function principalOf(ctx: OperationContext): Principal {
  // The core refuses unauthenticated requests before any protected operation runs.
  if (ctx.principal === undefined)
    throw new Refusal('unauthenticated', 'A bearer token is required.');
  return ctx.principal;
}

/** Refuses with 403 unless the caller may do `op` on `target`. */
export function allow(
  ctx: OperationContext,
  op: OperationId,
  target: AuthorizationTarget = {},
): Principal {
  const principal = principalOf(ctx);
  const decision = authorize(op, principal, target);
  if (!decision.allowed) throw new Refusal('forbidden', decision.reason);
  return principal;
}

/** An audit row for an LA write or a check read, made by `principal`. */
export function auditEvent(
  ctx: OperationContext,
  principal: Principal,
  at: string,
  action: string,
  target: { authority?: string; id?: string },
  detail: unknown,
): AuditEvent {
  return {
    at,
    requestId: ctx.requestId,
    actorSub: principal.sub,
    actorName: principal.name,
    actorOrg: principal.odsCode,
    action,
    authority: target.authority ?? null,
    target: target.id ?? null,
    detail,
  };
}

export const JSON_TYPE = 'application/json; charset=utf-8';

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'content-type': JSON_TYPE, ...headers },
  });
}
