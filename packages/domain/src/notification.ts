/**
 * Rules 2 and 3: who is told about a check, and when an access entry is written.
 *
 * An unscheduled check that finds a record tells each responsible local authority (LA)
 * once, except when the last entry *written* for the same user, setting, NHS number and
 * LA is less than 24 hours old. Only written entries count, so a run of repeats never
 * pushes the window on. A scheduled check is a silent read.
 */

import type { components } from './generated/cpis.js';

export type AccessContext = components['schemas']['AccessContext'];

/** A repeat less than this long after the last written entry is collapsed. */
export const NOTIFICATION_COLLAPSE_MS = 86_400_000; // 24 h, a literal: see DAY_MS in calendar.ts

/** How many earlier accesses a CheckResult carries. */
export const ACCESS_HISTORY_LIMIT = 25;

/** The part of a visible plan that decides who is told. */
export interface PlanAuthorityRef {
  planId: string;
  /** The responsible LA's ODS code. */
  responsibleAuthority: string;
}

export interface PlanAccessInput {
  accessContext: AccessContext;
  /** The plans the check shows (already filtered by visibility); empty for `no-record`. */
  plans: readonly PlanAuthorityRef[];
  /**
   * When the last access entry was written for this same user (`sub`), setting, NHS
   * number and this LA; `undefined` if none was.
   */
  lastWrittenAt: (authorityOdsCode: string) => Date | undefined;
  now: Date;
}

export interface AuthorityNotification {
  authority: string;
  planIds: string[];
}

export interface PlanAccessOutcome {
  /** One notification per LA to tell, LAs in the order their first plan appeared. */
  notify: AuthorityNotification[];
  /** A check writes one access entry when, and only when, it notifies someone. */
  writeAccessEntry: boolean;
}

/** Decides which LAs a check notifies and whether it writes an access entry. */
export function planAccessOutcome(input: PlanAccessInput): PlanAccessOutcome {
  if (input.accessContext !== 'unscheduled') return { notify: [], writeAccessEntry: false };

  const planIdsByAuthority = new Map<string, Set<string>>();
  for (const plan of input.plans) {
    let ids = planIdsByAuthority.get(plan.responsibleAuthority);
    if (!ids) {
      ids = new Set();
      planIdsByAuthority.set(plan.responsibleAuthority, ids);
    }
    ids.add(plan.planId);
  }

  const notify: AuthorityNotification[] = [];
  for (const [authority, ids] of planIdsByAuthority) {
    if (isCollapsed(input.lastWrittenAt(authority), input.now)) continue;
    notify.push({ authority, planIds: [...ids].sort() });
  }
  return { notify, writeAccessEntry: notify.length > 0 };
}

/**
 * True when `now` is less than 24 hours after `lastWritten`. A last-written time that is
 * missing, unreadable or later than `now` (clocks of two servers disagreeing) does not
 * collapse: telling an LA twice is a nuisance, not telling it is a hazard.
 */
function isCollapsed(lastWritten: Date | undefined, now: Date): boolean {
  if (lastWritten === undefined) return false;
  const elapsed = now.getTime() - lastWritten.getTime();
  return elapsed >= 0 && elapsed < NOTIFICATION_COLLAPSE_MS;
}

/**
 * The access history a CheckResult shows: newest first, at most `limit` entries;
 * entries at the same instant keep their given order. `accessedAt` is compared as an
 * instant, so `…:00Z` and `…:00.500Z` sort correctly; an unreadable time sorts last.
 */
export function latestAccessHistory<T extends { accessedAt: string }>(
  entries: readonly T[],
  limit: number = ACCESS_HISTORY_LIMIT,
): T[] {
  const count = Math.max(0, Math.floor(limit));
  return entries
    .map((entry, index) => ({ entry, index, at: instant(entry.accessedAt) }))
    .sort((a, b) => b.at - a.at || a.index - b.index)
    .slice(0, count)
    .map(({ entry }) => entry);
}

function instant(value: string): number {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}
