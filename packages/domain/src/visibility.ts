/**
 * Rule 1: how long a plan is shown. A CPP or LAC is shown while active and for 365
 * days after its end date; a UCPP until 28 days after the expected delivery date, or
 * 28 days after its end date if that is later. Days are Europe/London calendar days
 * (`YYYY-MM-DD`), the last day included.
 *
 * Sources differ on these windows (domain.md §1.3); where they do, the kit shows more.
 */
import { addDays, compareDates } from './calendar.js';
import type { components } from './generated/cpis.js';

export type PlanType = components['schemas']['PlanType'];
export type PlanStatus = components['schemas']['PlanStatus'];

/** The dates of a plan that visibility depends on; a contract `Plan` is assignable to it. */
export interface PlanDates {
  type: PlanType;
  startDate: string;
  endDate?: string | null;
  expectedDeliveryDate?: string | null;
}

/** Days a CPP or LAC stays visible after its end date. */
export const ENDED_PLAN_VISIBLE_DAYS = 365;
/** Days a UCPP stays visible after its expected delivery date (or end date, if later). */
export const UCPP_VISIBLE_DAYS = 28;

/**
 * The last calendar day on which the plan is shown, or `null` when it has no end yet
 * (an active CPP or LAC). Throws a `RangeError` for a date that is not a calendar day:
 * a plan whose window cannot be worked out must fail the check, not vanish from it.
 */
export function planVisibleUntil(plan: PlanDates): string | null {
  const endDate = plan.endDate ?? undefined;
  if (plan.type !== 'UCPP') {
    return endDate === undefined ? null : addDays(endDate, ENDED_PLAN_VISIBLE_DAYS);
  }
  const candidates = [plan.expectedDeliveryDate ?? undefined, endDate]
    .filter((d): d is string => d !== undefined)
    .map((d) => addDays(d, UCPP_VISIBLE_DAYS));
  // A UCPP with neither date (the contract forbids it) has nothing to end it: show it.
  if (candidates.length === 0) return null;
  return candidates.reduce((a, b) => (compareDates(a, b) >= 0 ? a : b));
}

/** True iff the plan has started on or before `today` and `today` is within its window. */
export function isPlanVisible(plan: PlanDates, today: string): boolean {
  if (compareDates(plan.startDate, today) > 0) return false;
  const until = planVisibleUntil(plan);
  return until === null || compareDates(today, until) <= 0;
}

/** `ended` once `today` is after the end date; the end day itself is still in the plan. */
export function planStatus(plan: PlanDates, today: string): PlanStatus {
  const endDate = plan.endDate ?? undefined;
  return endDate !== undefined && compareDates(today, endDate) > 0 ? 'ended' : 'active';
}

/** The plans shown on `today`, in their original order. */
export function visiblePlans<T extends PlanDates>(plans: readonly T[], today: string): T[] {
  return plans.filter((plan) => isPlanVisible(plan, today));
}
