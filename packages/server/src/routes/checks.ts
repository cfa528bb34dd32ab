/**
 * The health side: `POST /v1/checks` and `GET /v1/checks/{checkId}`. The rules (which
 * plans show, who is told, the 24-hour collapse, the history) come from `@cpis/domain`;
 * this file reads what they need, and writes the audit row, the access entry and the
 * notifications of one check in one transaction.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  ACCESS_HISTORY_LIMIT,
  isValidNhsNumber,
  latestAccessHistory,
  planAccessOutcome,
  planStatus,
  validateReason,
  visiblePlans,
  type components,
} from '@cpis/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedPrincipal } from '../auth.js';
import type { NotificationEvent } from '../notify-bus.js';
import { ProblemError } from '../problem.js';
import type { AccessEntriesTable, NotificationsTable } from '../store/schema.js';
import type { CheckResult, Notification, PlanWithAuthority, Tx } from '../store/store.js';
import { londonToday } from './today.js';
import { auditEvent, authorizeOrThrow, principalOf, type RouteContext } from './context.js';

type CheckRequest = components['schemas']['CheckRequest'];
type Plan = components['schemas']['Plan'];

/** How long an `Idempotency-Key` is remembered. */
export const IDEMPOTENCY_KEEP_MS = 24 * 60 * 60 * 1000;
/** A claim older than this that never finished was abandoned (the process stopped). */
export const IDEMPOTENCY_STALE_MS = 60 * 1000;

/**
 * Answers with the stored snapshot text itself: the body a client gets is byte for byte
 * what `GET /v1/checks/{checkId}` and an idempotent replay return.
 */
export async function createCheck(
  ctx: RouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<string> {
  const principal = principalOf(request);
  const body = request.body as CheckRequest;
  if (!isValidNhsNumber(body.nhsNumber)) {
    throw new ProblemError(
      'invalid-nhs-number',
      'nhsNumber must be ten digits with a valid Modulus 11 check digit.',
      [{ field: '/nhsNumber', message: 'not a valid NHS number' }],
    );
  }
  const reasonErrors = validateReason(body.reason);
  if (reasonErrors.length > 0) {
    throw new ProblemError('invalid-request', 'The reason is not acceptable.', reasonErrors);
  }
  authorizeOrThrow('createCheck', principal, { accessContext: body.accessContext });

  const key = request.headers['idempotency-key'];
  const idempotencyKey = typeof key === 'string' ? key.toLowerCase() : undefined;
  const now = ctx.now();

  let result: { checkId: string; snapshot: string };
  if (idempotencyKey === undefined) {
    result = await makeCheck(ctx, principal, body, request.id, now);
  } else {
    // Scoped to the user at this organisation: a key reused under another role profile
    // (another odsCode) is a new check, never another setting's result.
    const scope = { userSub: principal.sub, orgOds: principal.odsCode };
    const claim = await ctx.store.claimIdempotencyKey({
      scope,
      key: idempotencyKey,
      bodyHash: bodyHash(body),
      now,
      keepMs: IDEMPOTENCY_KEEP_MS,
      staleMs: IDEMPOTENCY_STALE_MS,
    });
    switch (claim.state) {
      case 'mismatch':
        throw new ProblemError(
          'idempotency-key-reused',
          'This Idempotency-Key was used with a different body; use a new key for a new check.',
        );
      case 'in-progress':
        throw new ProblemError(
          'conflict',
          'A check with this Idempotency-Key is still in progress.',
          undefined,
          {
            'retry-after': '1',
          },
        );
      case 'replay': {
        const earlier = await ctx.store.getCheck(ctx.store.db, claim.checkId);
        if (earlier === undefined)
          throw new Error('An idempotency key names a check that is not stored');
        result = { checkId: earlier.check_id, snapshot: earlier.snapshot };
        break;
      }
      case 'claimed':
        try {
          result = await makeCheck(ctx, principal, body, request.id, now, idempotencyKey);
        } catch (error) {
          await ctx.store.releaseIdempotencyKey(scope, idempotencyKey).catch(() => undefined);
          throw error;
        }
        break;
    }
  }
  void reply.code(201).header('location', `/v1/checks/${result.checkId}`).type(JSON_TYPE);
  return result.snapshot;
}

const JSON_TYPE = 'application/json; charset=utf-8';

async function makeCheck(
  ctx: RouteContext,
  principal: AuthenticatedPrincipal,
  body: CheckRequest,
  requestId: string,
  now: Date,
  idempotencyKey?: string,
): Promise<{ checkId: string; snapshot: string }> {
  const { store } = ctx;
  const { checkId, snapshot, events } = await store.transaction(async (trx) => {
    const written = await writeCheck(ctx, trx, principal, body, requestId, now);
    if (idempotencyKey !== undefined) {
      await store.completeIdempotencyKey(
        trx,
        { userSub: principal.sub, orgOds: principal.odsCode },
        idempotencyKey,
        written.checkId,
      );
    }
    await store.engine.announce(trx, written.events);
    return written;
  });
  store.engine.committed(events);
  return { checkId, snapshot };
}

async function writeCheck(
  ctx: RouteContext,
  trx: Tx,
  principal: AuthenticatedPrincipal,
  body: CheckRequest,
  requestId: string,
  now: Date,
): Promise<{ checkId: string; snapshot: string; events: NotificationEvent[] }> {
  const { store } = ctx;
  const at = now.toISOString();
  const today = londonToday(now);
  const checkId = randomUUID();
  const setting = { odsCode: principal.odsCode, name: principal.orgName };

  const held = await store.plansForNhsNumber(trx, body.nhsNumber);
  const shown = visiblePlans(held.map(planDates), today);
  const outcome = shown.length > 0 ? 'record-found' : 'no-record';

  const lastWritten =
    body.accessContext === 'unscheduled' && shown.length > 0
      ? await store.lastWrittenByAuthority(trx, {
          nhsNumber: body.nhsNumber,
          userSub: principal.sub,
          settingOds: setting.odsCode,
        })
      : new Map<string, Date>();
  const decision = planAccessOutcome({
    accessContext: body.accessContext,
    plans: shown.map((p) => ({ planId: p.row.plan_id, responsibleAuthority: p.row.authority_ods })),
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
            ...(await store.accessHistory(trx, body.nhsNumber, ACCESS_HISTORY_LIMIT)),
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
  await store.insertCheck(trx, {
    check_id: checkId,
    request_id: requestId,
    checked_at: at,
    user_sub: principal.sub,
    user_name: principal.name,
    user_role: principal.role,
    org_ods: principal.odsCode,
    org_name: principal.orgName,
    nhs_number: body.nhsNumber,
    nhs_number_verified: body.nhsNumberVerified ? 1 : 0,
    access_context: body.accessContext,
    reason_code: body.reason.code,
    reason_comment: body.reason.comment ?? null,
    outcome,
    notified: JSON.stringify(result.notifiedAuthorities),
    snapshot,
  });

  if (decision.writeAccessEntry) {
    const entry: AccessEntriesTable = {
      entry_id: randomUUID(),
      check_id: checkId,
      nhs_number: body.nhsNumber,
      accessed_at: at,
      setting_ods: setting.odsCode,
      setting_name: setting.name,
      user_role: principal.role,
      user_sub: principal.sub,
    };
    await store.insertAccessEntry(trx, entry);
  }

  const rows: NotificationsTable[] = [];
  const events: NotificationEvent[] = [];
  // Cursors are taken in one order, by authority, whatever the order of the plans: each
  // holds its authority's row lock to commit on PostgreSQL, and two checks taking the same
  // two authorities in opposite orders would deadlock.
  const seqs = new Map<string, number>();
  for (const authority of decision.notify.map((n) => n.authority).sort()) {
    seqs.set(authority, await store.engine.reserveSeq(trx, authority));
  }
  for (const { authority, planIds } of decision.notify) {
    const seq = seqs.get(authority) as number;
    const notification: Notification = {
      notificationId: randomUUID(),
      cursor: String(seq),
      createdAt: at,
      nhsNumber: body.nhsNumber,
      planIds,
      accessedAt: at,
      setting,
      user: { name: principal.name, role: principal.role },
      reason: body.reason,
    };
    rows.push({
      notification_id: notification.notificationId,
      authority_ods: authority,
      seq,
      check_id: checkId,
      nhs_number: body.nhsNumber,
      plan_ids: JSON.stringify(planIds),
      accessed_at: at,
      setting_ods: setting.odsCode,
      setting_name: setting.name,
      user_sub: principal.sub,
      user_name: principal.name,
      user_role: principal.role,
      reason_code: body.reason.code,
      reason_comment: body.reason.comment ?? null,
      created_at: at,
    });
    events.push({ authority, seq, notification });
  }
  await store.insertNotifications(trx, rows);
  return { checkId, snapshot, events };
}

export async function getCheck(
  ctx: RouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<string> {
  const principal = principalOf(request);
  authorizeOrThrow('getCheck', principal);
  const { checkId } = request.params as { checkId: string };
  const id = checkId.toLowerCase();
  const { store } = ctx;
  const row = await store.getCheck(store.db, id);
  // Another organisation's check is indistinguishable from none.
  const found = row !== undefined && row.org_ods === principal.odsCode;
  await store.insertAuditEvents(store.db, [
    auditEvent(principal, request.id, ctx.now().toISOString(), 'check.read', { id }, { found }),
  ]);
  if (!found) throw new ProblemError('not-found', 'There is no such check for your organisation.');
  void reply.type(JSON_TYPE);
  return row.snapshot;
}

function planDates(row: PlanWithAuthority) {
  return {
    type: row.type,
    startDate: row.start_date,
    endDate: row.end_date,
    expectedDeliveryDate: row.expected_delivery_date,
    row,
  };
}

function toPlan(row: PlanWithAuthority, today: string): Plan {
  const plan: Plan = {
    planId: row.plan_id,
    type: row.type,
    status: planStatus({ type: row.type, startDate: row.start_date, endDate: row.end_date }, today),
    startDate: row.start_date,
    responsibleAuthority: row.authority,
  };
  if (row.end_date !== null) plan.endDate = row.end_date;
  if (row.type === 'UCPP' && row.expected_delivery_date !== null) {
    plan.expectedDeliveryDate = row.expected_delivery_date;
  }
  return plan;
}

/** A digest of the body that does not depend on key order or whitespace. */
export function bodyHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
