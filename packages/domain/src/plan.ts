/**
 * The rules for a plan an LA uploads (one PUT, or one batch row): what the contract's
 * schema cannot say by itself — real calendar days, date order, a start not in the
 * future, and an expected delivery date on a UCPP and nowhere else.
 */
import { compareDates, isCalendarDate } from './calendar.js';
import type { FieldError } from './field-error.js';
import { isValidNhsNumber } from './nhs-number.js';
import type { PlanType } from './visibility.js';

export const PLAN_TYPES = ['CPP', 'LAC', 'UCPP'] as const satisfies readonly PlanType[];

/** A plan as an LA uploads it; the contract's `PlanInput` is assignable to it. */
export interface PlanInput {
  nhsNumber: string;
  type: PlanType;
  startDate: string;
  endDate?: string;
  expectedDeliveryDate?: string;
}

export function isPlanType(value: unknown): value is PlanType {
  return typeof value === 'string' && (PLAN_TYPES as readonly string[]).includes(value);
}

/**
 * The problems with an uploaded plan, one field error per refused field (paths like
 * `/endDate`); empty when it is acceptable. `today` is the Europe/London calendar day
 * of the upload. Takes `unknown` as well as a `PlanInput`, so a parsed CSV row or body
 * can be checked before it is trusted; an absent field is `undefined`, not `null`.
 */
export function validatePlan(plan: unknown, today: string): FieldError[] {
  if (!isCalendarDate(today))
    throw new RangeError(`validatePlan: today is not a calendar date: ${today}`);
  if (typeof plan !== 'object' || plan === null || Array.isArray(plan)) {
    return [{ field: '', message: 'A plan must be an object.' }];
  }
  const { nhsNumber, type, startDate, endDate, expectedDeliveryDate } = plan as Record<
    string,
    unknown
  >;
  const errors: FieldError[] = [];
  const refuse = (field: string, message: string): void => {
    errors.push({ field, message });
  };

  if (nhsNumber === undefined) refuse('/nhsNumber', 'An NHS number is required.');
  else if (typeof nhsNumber !== 'string' || !isValidNhsNumber(nhsNumber)) {
    refuse('/nhsNumber', 'The NHS number must be ten digits with a valid check digit.');
  }

  if (type === undefined) refuse('/type', 'A plan type is required.');
  else if (!isPlanType(type))
    refuse('/type', `The plan type must be one of: ${PLAN_TYPES.join(', ')}.`);

  const start = calendarDate(startDate);
  if (startDate === undefined) refuse('/startDate', 'A start date is required.');
  else if (start === undefined)
    refuse('/startDate', 'The start date must be a real date, YYYY-MM-DD.');
  else if (compareDates(start, today) > 0)
    refuse('/startDate', 'The start date cannot be in the future.');

  if (endDate !== undefined) {
    const end = calendarDate(endDate);
    if (end === undefined) refuse('/endDate', 'The end date must be a real date, YYYY-MM-DD.');
    else if (start !== undefined && compareDates(end, start) < 0) {
      refuse('/endDate', 'The end date cannot be before the start date.');
    }
  }

  if (type === 'UCPP') {
    if (expectedDeliveryDate === undefined) {
      refuse('/expectedDeliveryDate', 'An expected delivery date is required for a UCPP.');
    } else if (calendarDate(expectedDeliveryDate) === undefined) {
      refuse(
        '/expectedDeliveryDate',
        'The expected delivery date must be a real date, YYYY-MM-DD.',
      );
    }
  } else if (isPlanType(type) && expectedDeliveryDate !== undefined) {
    refuse('/expectedDeliveryDate', `An expected delivery date is only for a UCPP, not a ${type}.`);
  }

  return errors;
}

function calendarDate(value: unknown): string | undefined {
  return typeof value === 'string' && isCalendarDate(value) ? value : undefined;
}
