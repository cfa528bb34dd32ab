/**
 * An LA's plans: create or replace one, delete one entered in error (kept, marked, never
 * returned), list them by plan id, and upload up to 10,000 at once. A plan is refused
 * until its authority has phone numbers (exists), and a deleted plan id is never reused.
 * Every write is audited.
 */
import {
  isValidNhsNumber,
  planStatus,
  planVisibleUntil,
  validatePlan,
  type FieldError,
  type components,
} from '@cpis/domain';
import { INVALID_NHS_NUMBER, londonToday } from './checks.js';
import { allow, auditEvent, json, type OperationContext } from './context.js';
import { compileContract, fieldErrors } from './contract.js';
import { readCsvRows } from './csv.js';
import { START_CURSOR, decodePlanCursor, planCursor } from './cursor.js';
import { Refusal, problemBody } from './problem.js';
import type { AuditEvent, PlanRecord, StorageTransaction } from './storage.js';
import type { Principal } from './tokens.js';

type PlanInput = components['schemas']['PlanInput'];
type StoredPlan = components['schemas']['StoredPlan'];
type BatchRowResult = components['schemas']['BatchRowResult'];

const NO_PHONES =
  'This authority has no phone numbers yet: PUT /v1/authorities/{odsCode} first, so no clinician sees a plan without a number to call.';
const DELETED =
  'This plan id was deleted (entered in error) and cannot be used again; use a new plan id.';

export async function putPlan(ctx: OperationContext): Promise<Response> {
  const { odsCode, planId } = ctx.params as { odsCode: string; planId: string };
  const input = ctx.body as PlanInput;
  const now = ctx.now();
  const refusal = planRefusal(input, londonToday(now));
  if (refusal !== undefined) throw refusal;
  const principal = allow(ctx, 'putPlan', { authorityOdsCode: odsCode });
  const at = now.toISOString();
  const { row, created } = await ctx.store.transaction(async (tx) => {
    await tx.lockPlanWrites(odsCode);
    await requireAuthority(tx, odsCode);
    const before = await tx.getPlan(odsCode, planId);
    if (before?.deletedAt != null) throw new Refusal('conflict', DELETED);
    const row = planRecord(odsCode, planId, input, at, before);
    await tx.upsertPlans([row]);
    await tx.insertAuditEvents([planAudit(ctx, principal, at, before, row, 'put')]);
    return { row, created: before === undefined };
  });
  return json(storedPlan(row, londonToday(now)), created ? 201 : 200);
}

export async function deletePlan(ctx: OperationContext): Promise<Response> {
  const { odsCode, planId } = ctx.params as { odsCode: string; planId: string };
  const principal = allow(ctx, 'deletePlan', { authorityOdsCode: odsCode });
  const at = ctx.now().toISOString();
  await ctx.store.transaction(async (tx) => {
    await tx.lockPlanWrites(odsCode);
    const before = await tx.getPlan(odsCode, planId);
    if (before === undefined || before.deletedAt !== null) {
      throw new Refusal('not-found', 'There is no such plan.');
    }
    await tx.markPlanDeleted(odsCode, planId, at);
    await tx.insertAuditEvents([
      auditEvent(
        ctx,
        principal,
        at,
        'plan.delete',
        { authority: odsCode, id: planId },
        {
          before: planJson(before),
        },
      ),
    ]);
  });
  return new Response(null, { status: 204 });
}

export async function listPlans(ctx: OperationContext): Promise<Response> {
  const odsCode = ctx.params['odsCode'] as string;
  const { after, limit } = ctx.query as { after?: string; limit: number };
  const afterPlanId = after === undefined ? null : decodePlanCursor(after);
  allow(ctx, 'listPlans', { authorityOdsCode: odsCode });
  const rows = await ctx.store.listPlans(odsCode, afterPlanId, limit);
  const today = londonToday(ctx.now());
  const last = rows.at(-1);
  return json({
    items: rows.map((r) => storedPlan(r, today)),
    nextCursor: last !== undefined ? planCursor(last.planId) : (after ?? START_CURSOR),
  });
}

export async function batchPlans(ctx: OperationContext): Promise<Response> {
  const odsCode = ctx.params['odsCode'] as string;
  const rows = typeof ctx.body === 'string' ? readCsvRows(ctx.body) : (ctx.body as unknown[]);
  if (rows.length > ctx.maxBatchRows) {
    throw new Refusal(
      'payload-too-large',
      `A batch holds at most ${ctx.maxBatchRows.toLocaleString('en-GB')} rows; this one has ${rows.length.toLocaleString('en-GB')}.`,
    );
  }
  const principal = allow(ctx, 'batchPlans', { authorityOdsCode: odsCode });
  const now = ctx.now();
  const at = now.toISOString();
  const today = londonToday(now);
  const validateRow = compileContract().schema(
    ctx.operation.operation['x-cpis-row-schema'] ?? 'BatchPlanRow',
  );
  const results: BatchRowResult[] = rows.map((row, index) => {
    const result: BatchRowResult = { row: index + 1, status: 'accepted' };
    const planId = (row as { planId?: unknown } | null)?.planId;
    if (typeof planId === 'string') result.planId = planId;
    const refusal = validateRow(row)
      ? planRefusal(row as PlanInput, today)
      : new Refusal(
          'invalid-request',
          'The row does not match BatchPlanRow.',
          fieldErrors(validateRow.errors ?? []),
        );
    if (refusal !== undefined) {
      result.status = 'rejected';
      result.problem = problemBody(refusal.kind, ctx.requestId, refusal.detail, refusal.errors);
    }
    return result;
  });

  await ctx.store.transaction(async (tx) => {
    await tx.lockPlanWrites(odsCode);
    await requireAuthority(tx, odsCode);
    const candidates = results.filter((r) => r.status === 'accepted');
    const existing = await tx.plansByIds(
      odsCode,
      candidates.map((r) => r.planId as string),
    );
    // Rows are applied in upload order: a later row for the same plan id replaces an earlier one.
    const writes = new Map<string, PlanRecord>();
    const audit: AuditEvent[] = [];
    for (const result of candidates) {
      const planId = result.planId as string;
      const before = writes.get(planId) ?? existing.get(planId);
      if (before?.deletedAt != null) {
        result.status = 'rejected';
        result.problem = problemBody('conflict', ctx.requestId, DELETED);
        continue;
      }
      const input = rows[result.row - 1] as PlanInput;
      const row = planRecord(odsCode, planId, input, at, before);
      writes.set(planId, row);
      audit.push(planAudit(ctx, principal, at, before, row, 'batch', result.row));
    }
    await tx.upsertPlans([...writes.values()]);
    await tx.insertAuditEvents(audit);
  });
  return json({ results });
}

/** Why an uploaded plan is refused (an invalid NHS number first), or `undefined`. */
function planRefusal(input: PlanInput, today: string): Refusal | undefined {
  if (typeof input.nhsNumber !== 'string' || !isValidNhsNumber(input.nhsNumber)) {
    return INVALID_NHS_NUMBER;
  }
  const { planId: _planId, ...plan } = input as PlanInput & { planId?: string };
  const errors = validatePlan(plan, today);
  if (errors.length > 0)
    return new Refusal('invalid-request', 'The plan is not acceptable.', errors);
  const beyond = windowBeyondCalendar(plan);
  if (beyond.length > 0) {
    return new Refusal(
      'invalid-request',
      'The plan would be shown past the last day of the calendar (9999-12-31).',
      beyond,
    );
  }
  return undefined;
}

/**
 * Dates so late that the plan's display window cannot be worked out (it would end after
 * 9999-12-31): refused at upload, or every later check of the child would fail.
 */
function windowBeyondCalendar(plan: PlanInput): FieldError[] {
  return (['endDate', 'expectedDeliveryDate'] as const).flatMap((field) => {
    const date = plan[field];
    if (date === undefined) return [];
    try {
      planVisibleUntil({ type: plan.type, startDate: plan.startDate, [field]: date });
      return [];
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      return [
        { field: `/${field}`, message: 'is too late: the plan would be shown past 9999-12-31' },
      ];
    }
  });
}

async function requireAuthority(tx: StorageTransaction, odsCode: string): Promise<void> {
  if ((await tx.getAuthority(odsCode)) === undefined) throw new Refusal('conflict', NO_PHONES);
}

function planRecord(
  authority: string,
  planId: string,
  input: PlanInput,
  at: string,
  before: PlanRecord | undefined,
): PlanRecord {
  return {
    authority,
    planId,
    nhsNumber: input.nhsNumber,
    type: input.type,
    startDate: input.startDate,
    endDate: input.endDate ?? null,
    expectedDeliveryDate: input.expectedDeliveryDate ?? null,
    createdAt: before?.createdAt ?? at,
    updatedAt: at,
    deletedAt: null,
  };
}

function planAudit(
  ctx: OperationContext,
  principal: Principal,
  at: string,
  before: PlanRecord | undefined,
  after: PlanRecord,
  via: 'put' | 'batch',
  row?: number,
): AuditEvent {
  // Ending a plan is setting its end date: audited as its own action.
  const action =
    before === undefined
      ? 'plan.create'
      : before.endDate === null && after.endDate !== null
        ? 'plan.end'
        : 'plan.update';
  return auditEvent(
    ctx,
    principal,
    at,
    action,
    { authority: after.authority, id: after.planId },
    {
      via,
      ...(row === undefined ? {} : { row }),
      before: before ? planJson(before) : null,
      after: planJson(after),
    },
  );
}

function planJson(row: PlanRecord): Record<string, string | null> {
  return {
    nhsNumber: row.nhsNumber,
    type: row.type,
    startDate: row.startDate,
    endDate: row.endDate,
    expectedDeliveryDate: row.expectedDeliveryDate,
  };
}

export function storedPlan(row: PlanRecord, today: string): StoredPlan {
  const plan: StoredPlan = {
    planId: row.planId,
    nhsNumber: row.nhsNumber,
    type: row.type,
    status: planStatus({ type: row.type, startDate: row.startDate, endDate: row.endDate }, today),
    startDate: row.startDate,
    updatedAt: row.updatedAt,
  };
  if (row.endDate !== null) plan.endDate = row.endDate;
  if (row.expectedDeliveryDate !== null) plan.expectedDeliveryDate = row.expectedDeliveryDate;
  return plan;
}
