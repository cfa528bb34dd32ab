/**
 * The mock's cursors. Opaque to clients (the contract's `Cursor`); here a notification
 * cursor is the authority's sequence number in decimal ("0" is before the first), and a
 * plan cursor is `p` followed by the last `planId` returned ("p" is before the first).
 */
import { PLAN_ID_PATTERN } from '@cpis/domain';

const SEQUENCE = /^(0|[1-9][0-9]{0,14})$/;

export function notificationCursor(sequence: number): string {
  return String(sequence);
}

/** The sequence number a notification cursor names, or `undefined` if it is not one of ours. */
export function decodeNotificationCursor(cursor: string): number | undefined {
  return SEQUENCE.test(cursor) ? Number(cursor) : undefined;
}

export function planCursor(planId: string): string {
  return `p${planId}`;
}

/** The `planId` a plan cursor continues after (`''` from the start), or `undefined`. */
export function decodePlanCursor(cursor: string): string | undefined {
  if (!cursor.startsWith('p')) return undefined;
  const planId = cursor.slice(1);
  return planId === '' || PLAN_ID_PATTERN.test(planId) ? planId : undefined;
}
