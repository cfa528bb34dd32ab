/**
 * The health side: `POST /v1/checks` and `GET /v1/checks/{checkId}`. The rules (which
 * plans show, who is told, the 24-hour collapse, the history) are `@cpis/domain`'s; this
 * reads what they need and writes a check's record, access entry and notifications in one
 * transaction. The answer is the stored snapshot itself, byte for byte what a replay and
 * `GET /v1/checks/{checkId}` return.
 */
import {
  ACCESS_HISTORY_LIMIT,
  IDEMPOTENCY_KEPT_MS,
  authorize,
  isValidNhsNumber,
  latestAccessHistory,
  londonDate,
  planAccessOutcome,
  planStatus,
  validateReason,
  visiblePlans,
  type components,
} from '@cpis/domain';
import { allow, auditEvent, json, principalOf, type OperationContext } from './context.js';
import { randomUuid } from './ids.js';
import { Refusal } from './problem.js';
import type {
  IdempotencyScope,
  NotificationRecord,
  PlanWithAuthority,
  StorageTransaction,
} from './storage.js';
import { bodyHash } from './text.js';
import type { Principal } from './tokens.js';

type CheckRequest = components['schemas']['CheckRequest'];
type CheckResult = components['schemas']['CheckResult'];
type Plan = components['schemas']['Plan'];

/**
 * What a check needs, from whichever surface asked: a `/v1` check's body, or a CP-IS FHIR
 * search (whose API takes no reason: `reason` is `null`, and never invented).
 */
export type CheckInput = Omit<CheckRequest, 'reason'> & {
  reason: components['schemas']['AccessReason'] | null;
};

/** A check made and stored: its id, its stored answer, and that answer as data. */
export interface MadeCheck {
  checkId: string;
  snapshot: string;
  result: CheckResult;
}

/** A claim older than this that never finished was abandoned (the process stopped). */
export const IDEMPOTENCY_STALE_MS = 60 * 1000;

export const INVALID_NHS_NUMBER = new Refusal(
  'invalid-nhs-number',
  'nhsNumber must be ten digits with a valid Modulus 11 check digit.',
  [{ field: '/nhsNumber', message: 'not a valid NHS number' }],
);

export async function createCheck(ctx: OperationContext): Promise<Response> {
  const key = ctx.headers['idempotency-key'];
  const result = await check(ctx, principalOf(ctx), ctx.body as CheckRequest, {
    ...(typeof key === 'string' && { idempotencyKey: key }),
  });
  return json(result.snapshot, 201, { location: `${ctx.basePath}/v1/checks/${result.checkId}` });
}

export interface CheckOptions {
  /** The caller's `Idempotency-Key`: a retry with the same body gets the first check again. */
  idempotencyKey?: string;
  /** Written in the check's own transaction, once the check is (another surface's record of it). */
  alsoWrite?: (tx: StorageTransaction, checkId: string) => Promise<void>;
}

/**
 * A check, under every rule of `POST /v1/checks` whatever surface asks for it: the NHS
 * number and the reason, what the principal may do (403), the idempotency key, and one
 * transaction writing the check, its access entry and the notifications (the 24-hour
 * collapse decides which). Answers the stored snapshot.
 */
export async function check(
  ctx: OperationContext,
  principal: Principal,
  body: CheckRequest,
  options: CheckOptions = {},
): Promise<{ checkId: string; snapshot: string }> {
  if (!isValidNhsNumber(body.nhsNumber)) throw INVALID_NHS_NUMBER;
  const reasonErrors = validateReason(body.reason);
  if (reasonErrors.length > 0) {
    throw new Refusal('invalid-request', 'The reason is not acceptable.', reasonErrors);
  }
  const decision = authorize('createCheck', principal, { accessContext: body.accessContext });
  if (!decision.allowed) throw new Refusal('forbidden', decision.reason);

  const key = options.idempotencyKey;
  const now = ctx.now();
  if (key === undefined) return makeCheck(ctx, principal, body, now, undefined, options.alsoWrite);
  // Scoped to the user and the organisation: the same person signed in elsewhere is
  // another caller.
  const id: IdempotencyScope = {
    scope: { userSub: principal.sub, orgOds: principal.odsCode },
    key: key.toLowerCase(),
  };
  const claim = await ctx.store.claimIdempotencyKey({
    ...id,
    bodyHash: await bodyHash(body),
    now,
    keepMs: IDEMPOTENCY_KEPT_MS,
    staleMs: IDEMPOTENCY_STALE_MS,
  });
  switch (claim.state) {
    case 'mismatch':
      throw new Refusal(
        'idempotency-key-reused',
        'This Idempotency-Key was used with a different body; use a new key for a new check.',
      );
    case 'in-progress':
      throw new Refusal(
        'conflict',
        'A check with this Idempotency-Key is still in progress.',
        undefined,
        { 'retry-after': '1' },
      );
    case 'replay': {
      const earlier = await ctx.store.getCheck(claim.checkId);
      if (earlier === undefined)
        throw new Error('An idempotency key names a check that is not stored');
      return { checkId: earlier.checkId, snapshot: earlier.snapshot };
    }
    case 'claimed':
      try {
        return await makeCheck(ctx, principal, body, now, id, options.alsoWrite);
      } catch (error) {
        await ctx.store.releaseIdempotencyKey(id).catch(() => undefined);
        throw error;
      }
  }
}

/**
 * Makes one check in one transaction: the plans shown, the access entry and the
 * notifications of an unscheduled check (collapsed for 24 hours), the stored record.
 */
export async function makeCheck(
  ctx: OperationContext,
  principal: Principal,
  body: CheckInput,
  now: Date,
  idempotency?: IdempotencyScope,
  alsoWrite?: CheckOptions['alsoWrite'],
): Promise<MadeCheck> {
  if (ctx.checkDelay !== undefined) await ctx.checkDelay();
  return ctx.store.transaction(async (tx) => {
    const written = await writeCheck(ctx, tx, principal, body, now);
    if (idempotency !== undefined) await tx.completeIdempotencyKey(idempotency, written.checkId);
    await alsoWrite?.(tx, written.checkId);
    return written;
  });
}

async function writeCheck(
  ctx: OperationContext,
  tx: StorageTransaction,
  principal: Principal,
  body: CheckInput,
  now: Date,
): Promise<MadeCheck> {
  const at = now.toISOString();
  const today = londonToday(now);
  const checkId = randomUuid();
  const setting = { odsCode: principal.odsCode, name: principal.orgName };

  const held = await tx.plansForNhsNumber(body.nhsNumber);
  const shown = visiblePlans(held.map(planDates), today);
  const outcome = shown.length > 0 ? 'record-found' : 'no-record';

  const lastWritten =
    body.accessContext === 'unscheduled' && shown.length > 0
      ? await tx.lastWrittenByAuthority({
          nhsNumber: body.nhsNumber,
          userSub: principal.sub,
          settingOds: setting.odsCode,
        })
      : new Map<string, Date>();
  const decision = planAccessOutcome({
    accessContext: body.accessContext,
    plans: shown.map((p) => ({ planId: p.row.planId, responsibleAuthority: p.row.authority })),
    lastWrittenAt: (authority) => lastWritten.get(authority),
    now,
  });

  const thisAccess = { accessedAt: at, setting, userRole: principal.role };
  const accessHistory =
    outcome === 'no-record'
      ? []
      : latestAccessHistory(
          [
            ...(decision.writeAccessEntry ? [thisAccess] : []),
            ...(await tx.accessHistory(body.nhsNumber, ACCESS_HISTORY_LIMIT)),
          ],
          ACCESS_HISTORY_LIMIT,
        );

  const result: CheckResult = {
    checkId,
    nhsNumber: body.nhsNumber,
    checkedAt: at,
    accessContext: body.accessContext,
    outcome,
    plans: shown.map((p) => toPlan(p.row, today)),
    accessHistory,
    notifiedAuthorities: decision.notify.map((n) => n.authority),
  };
  const snapshot = JSON.stringify(result);
  await tx.insertCheck({
    checkId,
    requestId: ctx.requestId,
    checkedAt: at,
    userSub: principal.sub,
    userName: principal.name,
    userRole: principal.role,
    orgOds: principal.odsCode,
    orgName: principal.orgName,
    nhsNumber: body.nhsNumber,
    nhsNumberVerified: body.nhsNumberVerified,
    accessContext: body.accessContext,
    reasonCode: body.reason?.code ?? null,
    reasonComment: body.reason?.comment ?? null,
    outcome,
    notified: result.notifiedAuthorities,
    snapshot,
  });

  if (decision.writeAccessEntry) {
    await tx.insertAccessEntries([
      {
        entryId: randomUuid(),
        checkId,
        nhsNumber: body.nhsNumber,
        accessedAt: at,
        settingOds: setting.odsCode,
        settingName: setting.name,
        userRole: principal.role,
        userSub: principal.sub,
      },
    ]);
  }

  // Cursors are taken in one order, by authority, whatever the order of the plans: each
  // holds its authority's lock to commit on PostgreSQL, and two checks taking the same two
  // authorities in opposite orders would deadlock.
  const seqs = new Map<string, number>();
  for (const authority of decision.notify.map((n) => n.authority).sort()) {
    seqs.set(authority, await tx.reserveSeq(authority));
  }
  const notifications: NotificationRecord[] = decision.notify.map(({ authority, planIds }) => {
    const seq = seqs.get(authority) as number;
    return {
      authority,
      seq,
      checkId,
      userSub: principal.sub,
      notification: {
        notificationId: randomUuid(),
        cursor: String(seq),
        createdAt: at,
        nhsNumber: body.nhsNumber,
        planIds,
        accessedAt: at,
        setting,
        user: { name: principal.name, role: principal.role },
        reason: body.reason,
      },
    };
  });
  await tx.insertNotifications(notifications);
  return { checkId, snapshot, result };
}

export async function getCheck(ctx: OperationContext): Promise<Response> {
  const principal = allow(ctx, 'getCheck');
  const id = (ctx.params['checkId'] as string).toLowerCase();
  const record = await ctx.store.getCheck(id);
  // Another organisation's check is indistinguishable from none.
  const found = record !== undefined && record.orgOds === principal.odsCode;
  await ctx.store.transaction((tx) =>
    tx.insertAuditEvents([
      auditEvent(ctx, principal, ctx.now().toISOString(), 'check.read', { id }, { found }),
    ]),
  );
  if (!found) throw new Refusal('not-found', 'There is no such check for your organisation.');
  return json(record.snapshot);
}

function planDates(row: PlanWithAuthority) {
  return {
    type: row.type,
    startDate: row.startDate,
    endDate: row.endDate,
    expectedDeliveryDate: row.expectedDeliveryDate,
    row,
  };
}

function toPlan(row: PlanWithAuthority, today: string): Plan {
  const plan: Plan = {
    planId: row.planId,
    type: row.type,
    status: planStatus({ type: row.type, startDate: row.startDate, endDate: row.endDate }, today),
    startDate: row.startDate,
    responsibleAuthority: row.responsibleAuthority,
  };
  if (row.endDate !== null) plan.endDate = row.endDate;
  if (row.type === 'UCPP' && row.expectedDeliveryDate !== null) {
    plan.expectedDeliveryDate = row.expectedDeliveryDate;
  }
  return plan;
}

let cached: { minute: number; date: string } | undefined;

/**
 * `londonDate` goes through `Intl.DateTimeFormat`, which costs more than the rest of a
 * check's rules together. Europe/London changes day only on a whole minute of UTC, so the
 * answer is kept for the minute it was asked in.
 */
export function londonToday(now: Date): string {
  const minute = Math.floor(now.getTime() / 60_000);
  if (cached?.minute !== minute) cached = { minute, date: londonDate(now) };
  return cached.date;
}
