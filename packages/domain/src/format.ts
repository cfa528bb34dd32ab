/**
 * What the kit prints (the elements, the CDS Hooks cards) for times, dates and phone numbers. Dates and times are in NHS
 * CUI's style (`04-Dec-2026 15:10`): the day never left out, so a screen left open past
 * midnight cannot mislead. Instants are shown in Europe/London (the contract's times are
 * UTC); calendar dates are already London days and are formatted without any shift.
 */
const MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
const UNKNOWN = 'an unknown time';

let london: Intl.DateTimeFormat | undefined;

const valid = (instant: Date): boolean => !Number.isNaN(instant.getTime());

/** `04-Dec-2026` from a year, a month (1–12) and a day, as digits. */
const cuiDate = (year: string, month: string, day: string): string =>
  `${day.padStart(2, '0')}-${MONTHS[Number(month) - 1]}-${year}`;

/** The London wall-clock parts of an instant (24-hour), with one formatter made on first use. */
function londonParts(instant: Date): Record<string, string> {
  london ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return Object.fromEntries(london.formatToParts(instant).map((p) => [p.type, p.value]));
}

/** `15:10`: the 24-hour London time of an instant. */
export function londonTime(instant: Date): string {
  if (!valid(instant)) return UNKNOWN;
  const { hour, minute } = londonParts(instant);
  return `${hour}:${minute}`;
}

/** `04-Dec-2026 15:10`: the London date and 24-hour time of an instant. */
export function londonDateTime(instant: Date): string {
  if (!valid(instant)) return UNKNOWN;
  const { year = '', month = '', day = '', hour, minute } = londonParts(instant);
  return `${cuiDate(year, month, day)} ${hour}:${minute}`;
}

/** `15-Jan-2025` for the calendar date `2025-01-15`; anything else is returned as it is. */
export function calendarDateText(date: string): string {
  const [, year = '', month = '', day = ''] = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date) ?? [];
  const utc = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  // `2025-02-30` is no date: Date.UTC would have rolled it into March.
  return year && utc.getUTCDate() === Number(day) && utc.getUTCMonth() === Number(month) - 1
    ? cuiDate(year, month, day)
    : date;
}

/** A `tel:` URL holding only the digits and `+` of a printed phone number. */
export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^0-9+]/g, '')}`;
}

/** The ISO string of a valid date, for `<time datetime>`; empty for an invalid one. */
export function isoOrEmpty(instant: Date): string {
  return valid(instant) ? instant.toISOString() : '';
}
