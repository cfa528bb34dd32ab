import { describe, expect, it } from 'vitest';
import { calendarDateText, londonDateTime, londonTime } from './format.js';

describe('dates and times in NHS CUI style', () => {
  it('prints an instant as 04-Dec-2026 15:10 in Europe/London, in winter and in summer', () => {
    expect(londonDateTime(new Date('2026-12-04T15:10:00Z'))).toBe('04-Dec-2026 15:10');
    // 23:30 UTC in British Summer Time is 00:30 the next day in London.
    expect(londonDateTime(new Date('2026-07-01T23:30:00Z'))).toBe('02-Jul-2026 00:30');
    expect(londonDateTime(new Date('2026-01-01T00:05:00Z'))).toBe('01-Jan-2026 00:05');
    expect(londonTime(new Date('2026-07-01T23:30:00Z'))).toBe('00:30');
  });

  it('uses three-letter months, never "Sept"', () => {
    const months = Array.from({ length: 12 }, (_, m) =>
      londonDateTime(new Date(Date.UTC(2026, m, 15, 11))).replace(
        /^15-(\w+)-2026 \d\d:\d\d$/,
        '$1',
      ),
    );
    expect(months.join(' ')).toBe('Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec');
  });

  it('prints a calendar date as 15-Jan-2025, without any time-zone shift', () => {
    expect(calendarDateText('2025-01-15')).toBe('15-Jan-2025');
    expect(calendarDateText('2025-09-05')).toBe('05-Sep-2025');
    expect(calendarDateText('2025-02-30')).toBe('2025-02-30');
    expect(calendarDateText('soon')).toBe('soon');
  });

  it('says "an unknown time" for an instant it cannot read', () => {
    expect(londonDateTime(new Date('nonsense'))).toBe('an unknown time');
  });
});
