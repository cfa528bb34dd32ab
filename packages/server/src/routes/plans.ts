/**
 * An LA's plans: create or replace one, delete one entered in error (kept, marked, never
 * returned), list them by plan id, and upload up to 10,000 at once. A plan is refused
 * until its authority has phone numbers (exists), and a deleted plan id is never reused.
 * Every write is audited.
 */
import {
  BATCH_CSV_RECORD_DELIMITERS,
  csvRecordsToBatchRows,
  isValidNhsNumber,
  planStatus,
  planVisibleUntil,
  validatePlan,
  type components,
} from '@cpis/domain';
import { CsvError, parse as parseCsv } from 'csv-parse/sync';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedPrincipal } from '../auth.js';
import { ProblemError, problemBody, type FieldError } from '../problem.js';
import type { PlanRow, NewAuditEvent, Tx } from '../store/store.js';
import { fieldErrors } from '../validation.js';
import { londonToday } from './today.js';
import { auditEvent, authorizeOrThrow, principalOf, type RouteContext } from './context.js';

type PlanInput = components['schemas']['PlanInput'];
type StoredPlan = components['schemas']['StoredPlan'];
type StoredPlanPage = components['schemas']['StoredPlanPage'];
type BatchResult = components['schemas']['BatchResult'];
type BatchRowResult = components['schemas']['BatchRowResult'];

const NO_PHONES =
  'This authority has no phone numbers yet: PUT /v1/authorities/{odsCode} first, so no clinician sees a plan without a number to call.';
const DELETED =
  'This plan id was deleted (entered in error) and cannot be used again; use a new plan id.';

export async function putPlan(
  ctx: RouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<StoredPlan> {
  const principal = principalOf(request);
  const { odsCode, planId } = request.params as { odsCode: string; planId: string };
  const input = request.body as PlanInput;
  const now = ctx.now();
  const refusal = planProblem(input, londonToday(now));
  if (refusal !== undefined) throw new ProblemError(refusal.kind, refusal.detail, refusal.errors);
  authorizeOrThrow('putPlan', principal, { authorityOdsCode: odsCode });

  const at = now.toISOString();
  const { store } = ctx;
  const { row, created } = await store.transaction(async (trx) => {
    await store.lockPlanWrites(trx, odsCode);
    await requireAuthority(ctx, trx, odsCode);
    const before = await store.getPlan(trx, odsCode, planId);
    if (before?.deleted_at != null) throw new ProblemError('conflict', DELETED);
    const row = planRow(odsCode, planId, input, at, before);
    await store.upsertPlans(trx, [row]);
    await store.insertAuditEvents(trx, [planAudit(principal, request.id, at, before, row, 'put')]);
    return { row, created: before === undefined };
  });
  void reply.code(created ? 201 : 200);
  return storedPlan(row, londonToday(now));
}

export async function deletePlan(
  ctx: RouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const principal = principalOf(request);
  const { odsCode, planId } = request.params as { odsCode: string; planId: string };
  authorizeOrThrow('deletePlan', principal, { authorityOdsCode: odsCode });
  const at = ctx.now().toISOString();
  const { store } = ctx;
  await store.transaction(async (trx) => {
    await store.lockPlanWrites(trx, odsCode);
    const before = await store.getPlan(trx, odsCode, planId);
    if (before === undefined || before.deleted_at !== null) {
      throw new ProblemError('not-found', 'There is no such plan.');
    }
    await store.markPlanDeleted(trx, odsCode, planId, at);
    await store.insertAuditEvents(trx, [
      auditEvent(
        principal,
        request.id,
        at,
        'plan.delete',
        { authority: odsCode, id: planId },
        { before: planJson(before) },
      ),
    ]);
  });
  void reply.code(204);
}

export async function listPlans(
  ctx: RouteContext,
  request: FastifyRequest,
): Promise<StoredPlanPage> {
  const principal = principalOf(request);
  const { odsCode } = request.params as { odsCode: string };
  const { after, limit } = request.query as { after?: string; limit: number };
  const afterPlanId = after === undefined ? null : decodePlanCursor(after);
  authorizeOrThrow('listPlans', principal, { authorityOdsCode: odsCode });
  const rows = await ctx.store.listPlans(ctx.store.db, odsCode, afterPlanId, limit);
  const today = londonToday(ctx.now());
  const last = rows.at(-1);
  return {
    items: rows.map((r) => storedPlan(r, today)),
    nextCursor: last !== undefined ? encodePlanCursor(last.plan_id) : (after ?? START_CURSOR),
  };
}

export async function batchPlans(ctx: RouteContext, request: FastifyRequest): Promise<BatchResult> {
  const principal = principalOf(request);
  const { odsCode } = request.params as { odsCode: string };
  const rows =
    typeof request.body === 'string' ? parseCsvRows(request.body) : (request.body as unknown[]);
  if (rows.length > ctx.maxBatchRows) {
    throw new ProblemError(
      'payload-too-large',
      `A batch holds at most ${ctx.maxBatchRows.toLocaleString('en-GB')} rows; this one has ${rows.length.toLocaleString('en-GB')}.`,
    );
  }
  authorizeOrThrow('batchPlans', principal, { authorityOdsCode: odsCode });

  const now = ctx.now();
  const at = now.toISOString();
  const today = londonToday(now);
  const results: BatchRowResult[] = rows.map((row, index) => {
    const result: BatchRowResult = { row: index + 1, status: 'accepted' };
    const planId = (row as { planId?: unknown } | null)?.planId;
    if (typeof planId === 'string') result.planId = planId;
    const refusal = batchRowProblem(ctx, row, today);
    if (refusal !== undefined) {
      result.status = 'rejected';
      result.problem = problemBody(refusal.kind, request.id, refusal.detail, refusal.errors);
    }
    return result;
  });

  const { store } = ctx;
  await store.transaction(async (trx) => {
    await store.lockPlanWrites(trx, odsCode);
    await requireAuthority(ctx, trx, odsCode);
    const candidates = results.filter((r) => r.status === 'accepted');
    const existing = await store.plansByIds(
      trx,
      odsCode,
      candidates.map((r) => r.planId as string),
    );
    // Rows are applied in upload order: a later row for the same plan id replaces an earlier one.
    const writes = new Map<string, PlanRow>();
    const audit: NewAuditEvent[] = [];
    for (const result of candidates) {
      const planId = result.planId as string;
      const before = writes.get(planId) ?? existing.get(planId);
      if (before?.deleted_at != null) {
        result.status = 'rejected';
        result.problem = problemBody('conflict', request.id, DELETED);
        continue;
      }
      const input = rows[result.row - 1] as PlanInput & { planId: string };
      const row = planRow(odsCode, planId, input, at, before);
      writes.set(planId, row);
      audit.push(planAudit(principal, request.id, at, before, row, 'batch', result.row));
    }
    await store.upsertPlans(trx, [...writes.values()]);
    await store.insertAuditEvents(trx, audit);
  });
  return { results };
}

type Refusal = {
  kind: 'invalid-request' | 'invalid-nhs-number';
  detail: string;
  errors: FieldError[];
};

/** Why an uploaded plan is refused (an invalid NHS number first), or `undefined`. */
function planProblem(
  input: Record<string, unknown> | PlanInput,
  today: string,
): Refusal | undefined {
  const nhsNumber = (input as { nhsNumber?: unknown }).nhsNumber;
  if (typeof nhsNumber !== 'string' || !isValidNhsNumber(nhsNumber)) {
    return {
      kind: 'invalid-nhs-number',
      detail: 'nhsNumber must be ten digits with a valid Modulus 11 check digit.',
      errors: [{ field: '/nhsNumber', message: 'not a valid NHS number' }],
    };
  }
  const { planId: _planId, ...plan } = input as Record<string, unknown>;
  const errors = validatePlan(plan, today);
  if (errors.length > 0)
    return { kind: 'invalid-request', detail: 'The plan is not acceptable.', errors };
  const beyond = windowBeyondCalendar(plan as unknown as PlanInput);
  if (beyond.length > 0) {
    return {
      kind: 'invalid-request',
      detail: 'The plan would be shown past the last day of the calendar (9999-12-31).',
      errors: beyond,
    };
  }
  return undefined;
}

/**
 * Dates so late that the plan's display window cannot be worked out (it would end after
 * 9999-12-31): refused at upload, or every later check of the child would fail.
 */
function windowBeyondCalendar(plan: PlanInput): FieldError[] {
  const fields = ['endDate', 'expectedDeliveryDate'] as const;
  return fields.flatMap((field) => {
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

function batchRowProblem(ctx: RouteContext, row: unknown, today: string): Refusal | undefined {
  if (!ctx.validateBatchRow(row)) {
    return {
      kind: 'invalid-request',
      detail: 'The row does not match BatchPlanRow.',
      errors: fieldErrors(ctx.validateBatchRow.errors ?? []),
    };
  }
  return planProblem(row as Record<string, unknown>, today);
}

async function requireAuthority(ctx: RouteContext, trx: Tx, odsCode: string): Promise<void> {
  const authority = await ctx.store.getAuthority(trx, odsCode);
  if (authority === undefined) throw new ProblemError('conflict', NO_PHONES);
}

function planRow(
  authority: string,
  planId: string,
  input: PlanInput,
  at: string,
  before: PlanRow | undefined,
): PlanRow {
  return {
    authority_ods: authority,
    plan_id: planId,
    nhs_number: input.nhsNumber,
    type: input.type,
    start_date: input.startDate,
    end_date: input.endDate ?? null,
    expected_delivery_date: input.expectedDeliveryDate ?? null,
    created_at: before?.created_at ?? at,
    updated_at: at,
    deleted_at: null,
  };
}

function planAudit(
  principal: AuthenticatedPrincipal,
  requestId: string,
  at: string,
  before: PlanRow | undefined,
  after: PlanRow,
  via: 'put' | 'batch',
  row?: number,
): NewAuditEvent {
  // Ending a plan is setting its end date: audited as its own action.
  const action =
    before === undefined
      ? 'plan.create'
      : before.end_date === null && after.end_date !== null
        ? 'plan.end'
        : 'plan.update';
  return auditEvent(
    principal,
    requestId,
    at,
    action,
    { authority: after.authority_ods, id: after.plan_id },
    {
      via,
      ...(row === undefined ? {} : { row }),
      before: before ? planJson(before) : null,
      after: planJson(after),
    },
  );
}

function planJson(row: PlanRow): Record<string, string | null> {
  return {
    nhsNumber: row.nhs_number,
    type: row.type,
    startDate: row.start_date,
    endDate: row.end_date,
    expectedDeliveryDate: row.expected_delivery_date,
  };
}

function storedPlan(row: PlanRow, today: string): StoredPlan {
  const plan: StoredPlan = {
    planId: row.plan_id,
    nhsNumber: row.nhs_number,
    type: row.type,
    status: planStatus({ type: row.type, startDate: row.start_date, endDate: row.end_date }, today),
    startDate: row.start_date,
    updatedAt: row.updated_at,
  };
  if (row.end_date !== null) plan.endDate = row.end_date;
  if (row.expected_delivery_date !== null) plan.expectedDeliveryDate = row.expected_delivery_date;
  return plan;
}

// Plan cursors: opaque to clients. "0" is the start; otherwise "k" + the base64url of the
// last plan id returned (plan ids are ordered as bytes).
const START_CURSOR = '0';

function encodePlanCursor(planId: string): string {
  return `k${Buffer.from(planId, 'utf8').toString('base64url')}`;
}

function decodePlanCursor(cursor: string): string | null {
  if (cursor === START_CURSOR) return null;
  const planId = /^k[A-Za-z0-9_-]+$/.test(cursor)
    ? Buffer.from(cursor.slice(1), 'base64url').toString('utf8')
    : '';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(planId) || encodePlanCursor(planId) !== cursor) {
    throw new ProblemError('invalid-request', 'after is not a cursor this list gave out.', [
      { field: 'after', message: 'is not a cursor from this list' },
    ]);
  }
  return planId;
}

/** RFC 4180 text with a header row; an empty cell is an absent field. Unreadable CSV is 400 as a whole. */
function parseCsvRows(text: string): Record<string, string>[] {
  let records: string[][];
  try {
    records = parseCsv(text, {
      bom: true,
      record_delimiter: [...BATCH_CSV_RECORD_DELIMITERS],
    }) as string[][];
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new ProblemError(
        'invalid-request',
        `The CSV could not be read (${error.code}${line === undefined ? '' : ` at line ${line}`}).`,
      );
    }
    throw error;
  }
  const { rows, duplicate } = csvRecordsToBatchRows(records);
  if (duplicate !== undefined) {
    throw new ProblemError('invalid-request', `The CSV header names "${duplicate}" twice.`, [
      { field: 'header', message: `duplicate column ${duplicate}` },
    ]);
  }
  return rows;
}
