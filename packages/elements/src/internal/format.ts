/**
 * What the elements print for times, dates and phone numbers. Times are shown in
 * Europe/London (the contract's times are UTC); calendar dates are already London days
 * and are formatted without any time-zone shift.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(key: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', options);
    formatters.set(key, f);
  }
  return f;
}

const UNKNOWN = 'an unknown time';

const valid = (instant: Date): boolean => !Number.isNaN(instant.getTime());

/** `14:02`: the 24-hour London time of an instant. */
export function londonTime(instant: Date): string {
  if (!valid(instant)) return UNKNOWN;
  return formatter('time', {
    timeZone: 'Europe/London',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(instant);
}

/** `25 November 2025`: the London calendar day of an instant. */
export function londonDay(instant: Date): string {
  if (!valid(instant)) return UNKNOWN;
  return formatter('day', {
    timeZone: 'Europe/London',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(instant);
}

/** `25 November 2025 at 14:02` */
export function londonDateTime(instant: Date): string {
  if (!valid(instant)) return UNKNOWN;
  return `${londonDay(instant)} at ${londonTime(instant)}`;
}

/** `14:02` when `instant` is today in London, else `14:02 on 25 November 2025`. */
export function londonTimeMaybeDay(instant: Date, now: Date = new Date()): string {
  if (!valid(instant)) return UNKNOWN;
  const time = londonTime(instant);
  const day = londonDay(instant);
  return day === londonDay(now) ? time : `${time} on ${day}`;
}

/** `15 January 2025` for the calendar date `2025-01-15`; anything else is returned as it is. */
export function calendarDateText(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  const utc = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (Number.isNaN(utc.getTime())) return date;
  return formatter('calendar', {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(utc);
}

/** A `tel:` URL holding only the digits and `+` of a printed phone number. */
export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^0-9+]/g, '')}`;
}

/** The ISO string of a valid date, for `<time datetime>`; empty for an invalid one. */
export function isoOrEmpty(instant: Date): string {
  return valid(instant) ? instant.toISOString() : '';
}
