import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays, compareDates, isCalendarDate, londonDate } from './calendar.js';

/** Any real calendar day from 1900 to 2199. */
const calendarDate = fc
  .date({
    min: new Date('1900-01-01T00:00:00Z'),
    max: new Date('2199-12-31T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString().slice(0, 10));

describe('londonDate: the Europe/London calendar day of an instant', () => {
  it.each([
    // GMT in winter: London day = UTC day
    ['2025-01-15T23:59:59.999Z', '2025-01-15'],
    ['2025-01-16T00:00:00.000Z', '2025-01-16'],
    // Spring forward 2025-03-30 01:00Z: before it London is on GMT
    ['2025-03-30T00:30:00Z', '2025-03-30'],
    ['2025-03-29T23:59:59.999Z', '2025-03-29'],
    ['2025-03-30T00:59:59.999Z', '2025-03-30'],
    ['2025-03-30T01:00:00Z', '2025-03-30'],
    // BST: 23:00Z is already the next London day
    ['2025-03-30T22:59:59.999Z', '2025-03-30'],
    ['2025-03-30T23:00:00Z', '2025-03-31'],
    ['2025-06-30T23:30:00Z', '2025-07-01'],
    ['2025-06-30T22:59:59.999Z', '2025-06-30'],
    // Fall back 2025-10-26 01:00Z: the evening before is still BST
    ['2025-10-25T22:59:59.999Z', '2025-10-25'],
    ['2025-10-25T23:00:00Z', '2025-10-26'],
    ['2025-10-26T00:30:00Z', '2025-10-26'],
    ['2025-10-26T01:30:00Z', '2025-10-26'],
    // After fall back: GMT again, 23:30Z is the same London day
    ['2025-10-26T23:30:00Z', '2025-10-26'],
    ['2025-10-27T00:00:00Z', '2025-10-27'],
    // New Year in GMT, and a leap day
    ['2024-12-31T23:59:59.999Z', '2024-12-31'],
    ['2025-01-01T00:00:00Z', '2025-01-01'],
    ['2024-02-29T12:00:00Z', '2024-02-29'],
  ])('places %s on the London day %s', (instant, expected) => {
    expect(londonDate(new Date(instant))).toBe(expected);
  });

  it('never differs from the UTC day by more than one, and only ahead of it', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('2100-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        (instant) => {
          const utcDay = instant.toISOString().slice(0, 10);
          const london = londonDate(instant);
          expect(isCalendarDate(london)).toBe(true);
          expect([utcDay, addDays(utcDay, 1)]).toContain(london);
        },
      ),
    );
  });

  it('refuses an invalid Date rather than naming a day', () => {
    expect(() => londonDate(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('isCalendarDate: real YYYY-MM-DD days only', () => {
  it.each(['2025-01-01', '2024-02-29', '2000-02-29', '2025-12-31', '0001-01-01', '9999-12-31'])(
    'accepts %s',
    (s) => {
      expect(isCalendarDate(s)).toBe(true);
    },
  );

  it.each([
    '2025-02-30',
    '2025-02-29',
    '1900-02-29',
    '2025-04-31',
    '2025-13-01',
    '2025-00-10',
    '2025-01-00',
    '0000-01-01',
    '2025-1-01',
    '25-01-01',
    '2025/01/01',
    '2025-01-01T00:00:00Z',
    ' 2025-01-01',
    '2025-01-01 ',
    '',
    '２０２５-01-01',
  ])('refuses %j', (s) => {
    expect(isCalendarDate(s)).toBe(false);
  });

  it('agrees with the UTC calendar for every day from 1900 to 2199', () => {
    fc.assert(
      fc.property(calendarDate, (s) => {
        expect(isCalendarDate(s)).toBe(true);
      }),
    );
  });
});

describe('addDays: pure calendar arithmetic', () => {
  it.each([
    ['2025-03-29', 1, '2025-03-30'],
    ['2025-03-30', 1, '2025-03-31'],
    ['2025-10-25', 1, '2025-10-26'],
    ['2025-10-26', 1, '2025-10-27'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2024-02-29', 1, '2024-03-01'],
    ['2025-02-28', 1, '2025-03-01'],
    ['2024-02-29', 365, '2025-02-28'],
    ['2023-03-01', 365, '2024-02-29'],
    ['2025-01-01', 365, '2026-01-01'],
    ['2025-01-01', -1, '2024-12-31'],
    ['2025-03-01', -1, '2025-02-28'],
    ['2025-06-15', 0, '2025-06-15'],
    ['0099-12-31', 1, '0100-01-01'],
  ])('%s + %i days is %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it('is undone by adding the negation', () => {
    fc.assert(
      fc.property(calendarDate, fc.integer({ min: -20000, max: 20000 }), (date, days) => {
        expect(addDays(addDays(date, days), -days)).toBe(date);
      }),
    );
  });

  it('composes: adding a then b is adding a + b', () => {
    fc.assert(
      fc.property(
        calendarDate,
        fc.integer({ min: -5000, max: 5000 }),
        fc.integer({ min: -5000, max: 5000 }),
        (date, a, b) => {
          expect(addDays(addDays(date, a), b)).toBe(addDays(date, a + b));
        },
      ),
    );
  });

  it('moves forwards for positive days and backwards for negative days', () => {
    fc.assert(
      fc.property(calendarDate, fc.integer({ min: 1, max: 20000 }), (date, days) => {
        expect(compareDates(addDays(date, days), date)).toBeGreaterThan(0);
        expect(compareDates(addDays(date, -days), date)).toBeLessThan(0);
      }),
    );
  });

  it('refuses a date that does not exist or a fractional day count', () => {
    expect(() => addDays('2025-02-30', 1)).toThrow(RangeError);
    expect(() => addDays('2025-01-01', 0.5)).toThrow(RangeError);
    expect(() => addDays('9999-12-31', 1)).toThrow(RangeError);
  });
});

describe('compareDates', () => {
  it('orders days in calendar order', () => {
    expect(compareDates('2024-12-31', '2025-01-01')).toBeLessThan(0);
    expect(compareDates('2025-01-01', '2024-12-31')).toBeGreaterThan(0);
    expect(compareDates('2025-02-09', '2025-02-10')).toBeLessThan(0);
    expect(compareDates('2025-01-01', '2025-01-01')).toBe(0);
  });

  it('agrees with the order of the days as instants', () => {
    fc.assert(
      fc.property(calendarDate, calendarDate, (a, b) => {
        const byInstant = Math.sign(Date.parse(a) - Date.parse(b));
        expect(Math.sign(compareDates(a, b))).toBe(byInstant);
      }),
    );
  });
});
