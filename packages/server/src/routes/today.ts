/**
 * `londonDate` (from `@cpis/domain`) goes through `Intl.DateTimeFormat`, which costs more
 * than the rest of a check's rules together. Europe/London changes day only on a whole
 * minute of UTC, so the answer is kept for the minute it was asked in.
 */
import { londonDate } from '@cpis/domain';

let cached: { minute: number; date: string } | undefined;

export function londonToday(now: Date): string {
  const minute = Math.floor(now.getTime() / 60_000);
  if (cached?.minute !== minute) cached = { minute, date: londonDate(now) };
  return cached.date;
}
