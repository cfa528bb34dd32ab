/**
 * The cursors, one format for every store. Opaque to clients (the contract's `Cursor`).
 * A notification cursor is the authority's sequence number in decimal ("0" is before the
 * first). A plan cursor is "0" (before the first) or "k" and the base64url of the last
 * plan id returned (plan ids are ASCII and ordered as code units).
 */
import { PLAN_ID_PATTERN } from '@cpis/domain';
import { Refusal } from './problem.js';

export const START_CURSOR = '0';
const SEQUENCE = /^(0|[1-9][0-9]{0,14})$/;

export function notificationCursor(seq: number): string {
  return String(seq);
}

/** The sequence number a notification cursor names; 400 naming `field` if it is not one of ours. */
export function decodeNotificationCursor(cursor: string, field: string): number {
  if (!SEQUENCE.test(cursor)) {
    throw new Refusal('invalid-request', `${field} is not a cursor this feed gave out.`, [
      { field, message: 'is not a notification cursor' },
    ]);
  }
  return Number(cursor);
}

export function planCursor(planId: string): string {
  return `k${btoa(planId).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

/** The plan id a plan cursor continues after (`null` from the start); 400 if it is not one of ours. */
export function decodePlanCursor(cursor: string): string | null {
  if (cursor === START_CURSOR) return null;
  let planId = '';
  if (/^k[A-Za-z0-9_-]+$/.test(cursor)) {
    try {
      planId = atob(cursor.slice(1).replace(/-/g, '+').replace(/_/g, '/'));
    } catch {
      planId = '';
    }
  }
  if (!PLAN_ID_PATTERN.test(planId) || planCursor(planId) !== cursor) {
    throw new Refusal('invalid-request', 'after is not a cursor this list gave out.', [
      { field: 'after', message: 'is not a cursor from this list' },
    ]);
  }
  return planId;
}
