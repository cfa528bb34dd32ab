import { londonDate } from '@cpis/domain';
import { describe, expect, it } from 'vitest';
import { londonToday } from './checks.js';

describe('londonToday', () => {
  it('agrees with londonDate across the summer-time day boundary, minute by minute', () => {
    const start = Date.parse('2026-06-01T22:55:00Z');
    for (let m = 0; m < 10; m++) {
      for (const seconds of [0, 30, 59]) {
        const at = new Date(start + m * 60_000 + seconds * 1000);
        expect(londonToday(at)).toBe(londonDate(at));
      }
    }
    expect(londonToday(new Date('2026-06-01T22:59:59Z'))).toBe('2026-06-01');
    expect(londonToday(new Date('2026-06-01T23:00:00Z'))).toBe('2026-06-02');
    expect(londonToday(new Date('2026-12-01T23:59:59Z'))).toBe('2026-12-01');
    expect(londonToday(new Date('2026-12-02T00:00:00Z'))).toBe('2026-12-02');
  });
});
