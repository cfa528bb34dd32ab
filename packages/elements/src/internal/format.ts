/**
 * What the elements print for times, dates and phone numbers. Times are shown in
 * Europe/London (the contract's times are UTC); calendar dates are already London days
 * and are formatted without any time-zone shift.
 */
const formatters: Record<string, Intl.DateTimeFormat> = {};

/** `14:02` or `25 November 2025` in `timeZone`, with one formatter of each made on first use. */
function format(instant: Date, timeZone: string, kind: 'time' | 'day'): string {
  const key = timeZone + kind;
  formatters[key] ??= new Intl.DateTimeFormat(
    'en-GB',
    kind === 'time'
      ? { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
      : { timeZone, day: 'numeric', month: 'long', year: 'numeric' },
  );
  return formatters[key].format(instant);
}

const LONDON = 'Europe/London';
const UNKNOWN = 'an unknown time';

const valid = (instant: Date): boolean => !Number.isNaN(instant.getTime());

/** `14:02`: the 24-hour London time of an instant. */
export function londonTime(instant: Date): string {
  return valid(instant) ? format(instant, LONDON, 'time') : UNKNOWN;
}

/** `25 November 2025 at 14:02` */
export function londonDateTime(instant: Date): string {
  return valid(instant) ? `${format(instant, LONDON, 'day')} at ${londonTime(instant)}` : UNKNOWN;
}

/** `14:02` when `instant` is today in London, else `14:02 on 25 November 2025`. */
export function londonTimeMaybeDay(instant: Date, now: Date = new Date()): string {
  if (!valid(instant)) return UNKNOWN;
  const day = format(instant, LONDON, 'day');
  return day === format(now, LONDON, 'day')
    ? londonTime(instant)
    : `${londonTime(instant)} on ${day}`;
}

/** `15 January 2025` for the calendar date `2025-01-15`; anything else is returned as it is. */
export function calendarDateText(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const utc = new Date(m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN);
  return valid(utc) ? format(utc, 'UTC', 'day') : date;
}

/** A `tel:` URL holding only the digits and `+` of a printed phone number. */
export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^0-9+]/g, '')}`;
}

/** The ISO string of a valid date, for `<time datetime>`; empty for an invalid one. */
export function isoOrEmpty(instant: Date): string {
  return valid(instant) ? instant.toISOString() : '';
}
