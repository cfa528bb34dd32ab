/**
 * Calendar days as the contract uses them: `YYYY-MM-DD` strings naming a day in
 * Europe/London. Arithmetic happens on the date alone (through UTC, which has no
 * daylight saving), so adding a day is always exactly one calendar day.
 */

const DATE_SHAPE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
/** One day. A literal: esbuild keeps an unused `24 * 60 * 60 * 1000` in every bundle. */
const DAY_MS = 86_400_000;

let londonFormatter: Intl.DateTimeFormat | undefined;

function formatter(): Intl.DateTimeFormat {
  londonFormatter ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  return londonFormatter;
}

/** The Europe/London calendar day that `instant` falls on, as `YYYY-MM-DD`. */
export function londonDate(instant: Date): string {
  if (Number.isNaN(instant.getTime())) throw new RangeError('londonDate: invalid Date');
  let year = '';
  let month = '';
  let day = '';
  for (const part of formatter().formatToParts(instant)) {
    if (part.type === 'year') year = part.value;
    else if (part.type === 'month') month = part.value;
    else if (part.type === 'day') day = part.value;
  }
  return `${year.padStart(4, '0')}-${month}-${day}`;
}

/** True iff `s` is `YYYY-MM-DD` naming a day that exists (2025-02-30 does not). */
export function isCalendarDate(s: string): boolean {
  const m = DATE_SHAPE.exec(s);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

/** The calendar day `days` after `date` (before, when negative). */
export function addDays(date: string, days: number): string {
  if (!isCalendarDate(date)) throw new RangeError(`addDays: not a calendar date: ${date}`);
  if (!Number.isInteger(days)) throw new RangeError(`addDays: not a whole number of days: ${days}`);
  const result = new Date(toUtcMs(date) + days * DAY_MS);
  const year = result.getUTCFullYear();
  if (year < 1 || year > 9999) throw new RangeError('addDays: result outside years 0001-9999');
  return [
    String(year).padStart(4, '0'),
    String(result.getUTCMonth() + 1).padStart(2, '0'),
    String(result.getUTCDate()).padStart(2, '0'),
  ].join('-');
}

/** Negative when `a` is before `b`, zero when the same day, positive when after. */
export function compareDates(a: string, b: string): number {
  // Fixed-width YYYY-MM-DD strings sort lexically in calendar order.
  return a < b ? -1 : a > b ? 1 : 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function toUtcMs(date: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const d = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
  d.setUTCFullYear(year, month - 1, day);
  return d.getTime();
}
