import { assertCheckResult } from '../answer-guard.js';
import type { CallOptions } from '../client.js';
import { CpisValidationError } from '../errors.js';
import { validNhsNumber } from '../nhs-number-input.js';
import type { AccessContext, AccessReason, CheckRequest, CheckResult } from '../types.js';
import { withinDeadline } from './request.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a host's `onAccessReason` is given: NHS England's APIs take no reason. */
export interface AccessReasonRecord {
  /** The check's TraceID, also its `checkId`: the national service's audit knows it. */
  traceId: string;
  nhsNumber: string;
  accessContext: AccessContext;
  reason: AccessReason;
}

export interface CheckRunOptions {
  /**
   * NHS England's APIs take no access reason. The SDK hands it here before the check is
   * sent, for the host's own audit; if this throws or rejects, nothing is sent.
   */
  onAccessReason?: (record: AccessReasonRecord) => void | Promise<void>;
  deadlineMs?: number;
}

/** One check against an NHS England API, as the search functions see it. */
export interface CheckRun {
  request: CheckRequest;
  traceId: string;
  /** Aborts when the caller aborts or the check's deadline passes. */
  signal: AbortSignal;
}

/** What a source found; the rest of the result is the same for every NHS England source. */
export interface Findings {
  plans: CheckResult['plans'];
  accessHistory: CheckResult['accessHistory'];
  /** False when the service may have told an authority without saying whom. */
  notificationsKnown: boolean;
}

/**
 * A check through an NHS England API: the request checked before anything is sent (a
 * valid, PDS-verified NHS number, a known context), the reason handed to the host, one
 * TraceID and one deadline for all its requests, and the result through the answer guard.
 * No authority is ever named as told: these APIs do not say whom they told.
 */
export async function runCheck(
  options: CheckRunOptions,
  body: CheckRequest,
  { signal, idempotencyKey }: CallOptions & { idempotencyKey?: string },
  answeredBy: NonNullable<CheckResult['answeredBy']>,
  find: (run: CheckRun) => Promise<Findings>,
): Promise<CheckResult> {
  const request = checkedRequest(body);
  const { nhsNumber, accessContext, reason } = request;
  const traceId = traceIdFor(idempotencyKey);
  await options.onAccessReason?.({ traceId, nhsNumber, accessContext, reason });
  return withinDeadline(signal, options.deadlineMs ?? 8000, async (checkSignal) => {
    const { plans, accessHistory, notificationsKnown } = await find({
      request,
      traceId,
      signal: checkSignal,
    });
    const result: CheckResult = {
      checkId: traceId,
      nhsNumber,
      checkedAt: new Date().toISOString(),
      accessContext,
      outcome: plans.length === 0 ? 'no-record' : 'record-found',
      plans,
      accessHistory,
      notifiedAuthorities: [],
      notificationsKnown,
      answeredBy,
    };
    return assertCheckResult(result, request);
  });
}

function checkedRequest(body: CheckRequest): CheckRequest {
  const nhsNumber = validNhsNumber(body.nhsNumber);
  if (body.nhsNumberVerified !== true) {
    throw new CpisValidationError(
      'nhsNumberVerified',
      'NHS England accepts only an NHS number traced on PDS',
    );
  }
  if (body.accessContext !== 'unscheduled' && body.accessContext !== 'scheduled') {
    throw new CpisValidationError(
      'accessContext',
      'The access context must be unscheduled or scheduled',
    );
  }
  return { ...body, nhsNumber };
}

/**
 * The TraceID of a check: the caller's idempotency key when it is a UUID (the banner keeps
 * one per check and every "Try again" of it), otherwise a new one.
 */
function traceIdFor(idempotencyKey: string | undefined): string {
  return idempotencyKey !== undefined && UUID.test(idempotencyKey)
    ? idempotencyKey
    : crypto.randomUUID();
}
