import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays } from './calendar.js';
import {
  isPlanVisible,
  planStatus,
  planVisibleUntil,
  visiblePlans,
  type PlanDates,
} from './visibility.js';

/** A real calendar day between 2000 and 2100 (leap years and 2100, which is not, included). */
const day = fc
  .date({
    min: new Date('2000-01-01T00:00:00Z'),
    max: new Date('2100-12-31T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString().slice(0, 10));
const gap = fc.integer({ min: 0, max: 2000 });

describe('CPP and LAC: shown while active and for 365 days after the end date', () => {
  for (const type of ['CPP', 'LAC'] as const) {
    it(`shows an ended ${type} on endDate + 365 and hides it on endDate + 366`, () => {
      fc.assert(
        fc.property(day, gap, (startDate, length) => {
          const endDate = addDays(startDate, length);
          const plan: PlanDates = { type, startDate, endDate };
          expect(planVisibleUntil(plan)).toBe(addDays(endDate, 365));
          expect(isPlanVisible(plan, addDays(endDate, 365))).toBe(true);
          expect(isPlanVisible(plan, addDays(endDate, 366))).toBe(false);
        }),
      );
    });

    it(`shows an ${type} with no end date on every day from its start, however long after`, () => {
      fc.assert(
        fc.property(day, fc.integer({ min: 0, max: 30000 }), (startDate, later) => {
          const plan: PlanDates = { type, startDate };
          expect(planVisibleUntil(plan)).toBeNull();
          expect(isPlanVisible(plan, addDays(startDate, later))).toBe(true);
        }),
      );
    });

    it(`hides an ${type} on the day before its start date and shows it on the start date`, () => {
      fc.assert(
        fc.property(day, fc.option(gap, { nil: undefined }), (startDate, length) => {
          const plan: PlanDates =
            length === undefined
              ? { type, startDate }
              : { type, startDate, endDate: addDays(startDate, length) };
          expect(isPlanVisible(plan, addDays(startDate, -1))).toBe(false);
          expect(isPlanVisible(plan, startDate)).toBe(true);
        }),
      );
    });

    it(`treats a null endDate on an ${type} as no end date`, () => {
      const plan: PlanDates = { type, startDate: '2020-01-01', endDate: null };
      expect(planVisibleUntil(plan)).toBeNull();
      expect(planStatus(plan, '2030-01-01')).toBe('active');
    });
  }

  it('counts 365 calendar days, not one year, across a leap day', () => {
    // 2024 is a leap year: 365 days after 2023-03-01 is 2024-02-29, not 2024-03-01.
    const endedBeforeLeapDay: PlanDates = {
      type: 'CPP',
      startDate: '2022-06-01',
      endDate: '2023-03-01',
    };
    expect(planVisibleUntil(endedBeforeLeapDay)).toBe('2024-02-29');
    expect(isPlanVisible(endedBeforeLeapDay, '2024-02-29')).toBe(true);
    expect(isPlanVisible(endedBeforeLeapDay, '2024-03-01')).toBe(false);

    const endedOnLeapDay: PlanDates = {
      type: 'LAC',
      startDate: '2023-01-10',
      endDate: '2024-02-29',
    };
    expect(planVisibleUntil(endedOnLeapDay)).toBe('2025-02-28');
    expect(isPlanVisible(endedOnLeapDay, '2025-02-28')).toBe(true);
    expect(isPlanVisible(endedOnLeapDay, '2025-03-01')).toBe(false);

    const endedInNonLeapYear: PlanDates = {
      type: 'CPP',
      startDate: '2024-01-01',
      endDate: '2025-01-01',
    };
    expect(planVisibleUntil(endedInNonLeapYear)).toBe('2026-01-01');
  });

  it('ignores expectedDeliveryDate on a CPP or LAC', () => {
    const plan: PlanDates = {
      type: 'CPP',
      startDate: '2024-01-01',
      endDate: '2024-06-01',
      expectedDeliveryDate: '2027-01-01',
    };
    expect(planVisibleUntil(plan)).toBe('2025-06-01');
  });
});

describe('UCPP: shown until 28 days after the expected delivery date, or after the end date if later', () => {
  it('shows a UCPP on expectedDeliveryDate + 28 and hides it on + 29 when it has no end date', () => {
    fc.assert(
      fc.property(day, gap, (startDate, toDelivery) => {
        const expectedDeliveryDate = addDays(startDate, toDelivery);
        const plan: PlanDates = { type: 'UCPP', startDate, expectedDeliveryDate };
        expect(planVisibleUntil(plan)).toBe(addDays(expectedDeliveryDate, 28));
        expect(isPlanVisible(plan, addDays(expectedDeliveryDate, 28))).toBe(true);
        expect(isPlanVisible(plan, addDays(expectedDeliveryDate, 29))).toBe(false);
      }),
    );
  });

  it('uses whichever of expectedDeliveryDate + 28 and endDate + 28 is later (sources disagree: show more)', () => {
    fc.assert(
      fc.property(day, gap, gap, (startDate, toDelivery, toEnd) => {
        const expectedDeliveryDate = addDays(startDate, toDelivery);
        const endDate = addDays(startDate, toEnd);
        const plan: PlanDates = { type: 'UCPP', startDate, endDate, expectedDeliveryDate };
        const lastDay = addDays(startDate, Math.max(toDelivery, toEnd) + 28);
        expect(planVisibleUntil(plan)).toBe(lastDay);
        expect(isPlanVisible(plan, lastDay)).toBe(true);
        expect(isPlanVisible(plan, addDays(lastDay, 1))).toBe(false);
      }),
    );
  });

  it('keeps a UCPP ended early visible until 28 days after the expected delivery date', () => {
    const plan: PlanDates = {
      type: 'UCPP',
      startDate: '2025-01-10',
      endDate: '2025-02-01',
      expectedDeliveryDate: '2025-06-15',
    };
    expect(planStatus(plan, '2025-03-01')).toBe('ended');
    expect(isPlanVisible(plan, '2025-07-13')).toBe(true);
    expect(isPlanVisible(plan, '2025-07-14')).toBe(false);
  });

  it('keeps a UCPP ended after the delivery date visible until 28 days after its end date', () => {
    const plan: PlanDates = {
      type: 'UCPP',
      startDate: '2025-01-10',
      endDate: '2025-08-01',
      expectedDeliveryDate: '2025-06-15',
    };
    expect(planVisibleUntil(plan)).toBe('2025-08-29');
  });

  it('counts 28 calendar days across a leap February', () => {
    const leap: PlanDates = {
      type: 'UCPP',
      startDate: '2023-10-01',
      expectedDeliveryDate: '2024-02-10',
    };
    expect(planVisibleUntil(leap)).toBe('2024-03-09');
    const common: PlanDates = {
      type: 'UCPP',
      startDate: '2024-10-01',
      expectedDeliveryDate: '2025-02-10',
    };
    expect(planVisibleUntil(common)).toBe('2025-03-10');
  });

  it('shows a UCPP that has neither an expected delivery date nor an end date (no end to its window)', () => {
    expect(planVisibleUntil({ type: 'UCPP', startDate: '2025-01-01' })).toBeNull();
    expect(
      planVisibleUntil({ type: 'UCPP', startDate: '2025-01-01', expectedDeliveryDate: null }),
    ).toBeNull();
    expect(isPlanVisible({ type: 'UCPP', startDate: '2025-01-01' }, '2040-01-01')).toBe(true);
  });

  it('uses endDate + 28 for a UCPP missing its expected delivery date', () => {
    expect(planVisibleUntil({ type: 'UCPP', startDate: '2025-01-01', endDate: '2025-03-01' })).toBe(
      '2025-03-29',
    );
  });

  it('hides a UCPP before its start date', () => {
    const plan: PlanDates = {
      type: 'UCPP',
      startDate: '2025-05-01',
      expectedDeliveryDate: '2025-09-01',
    };
    expect(isPlanVisible(plan, '2025-04-30')).toBe(false);
    expect(isPlanVisible(plan, '2025-05-01')).toBe(true);
  });
});

describe('planVisibleUntil on malformed dates', () => {
  it('throws rather than silently hiding a plan whose end date is not a calendar day', () => {
    expect(() =>
      planVisibleUntil({ type: 'CPP', startDate: '2025-01-01', endDate: '2025-02-30' }),
    ).toThrow(RangeError);
  });
});

describe('planStatus: ended only after the end day', () => {
  it('is active on the end date itself and ended from the next day', () => {
    fc.assert(
      fc.property(
        day,
        gap,
        fc.constantFrom('CPP', 'LAC', 'UCPP' as const),
        (startDate, length, type) => {
          const endDate = addDays(startDate, length);
          const plan: PlanDates = {
            type,
            startDate,
            endDate,
            expectedDeliveryDate: addDays(startDate, 200),
          };
          expect(planStatus(plan, endDate)).toBe('active');
          expect(planStatus(plan, addDays(endDate, -1))).toBe('active');
          expect(planStatus(plan, addDays(endDate, 1))).toBe('ended');
        },
      ),
    );
  });

  it('is active for a plan with no end date', () => {
    expect(planStatus({ type: 'LAC', startDate: '2020-01-01' }, '2099-12-31')).toBe('active');
  });

  it('is ended on every day an ended CPP is still shown', () => {
    const plan: PlanDates = { type: 'CPP', startDate: '2024-01-01', endDate: '2024-03-31' };
    expect(planStatus(plan, '2024-04-01')).toBe('ended');
    expect(isPlanVisible(plan, '2024-04-01')).toBe(true);
  });
});

describe('visiblePlans', () => {
  it('keeps exactly the visible plans, in their original order, with their own fields', () => {
    const today = '2025-06-01';
    const plans = [
      { planId: 'a', type: 'CPP' as const, startDate: '2025-01-01' },
      { planId: 'b', type: 'LAC' as const, startDate: '2020-01-01', endDate: '2024-05-31' },
      { planId: 'c', type: 'LAC' as const, startDate: '2020-01-01', endDate: '2024-06-01' },
      {
        planId: 'd',
        type: 'UCPP' as const,
        startDate: '2025-01-01',
        expectedDeliveryDate: '2025-05-04',
      },
      {
        planId: 'e',
        type: 'UCPP' as const,
        startDate: '2025-01-01',
        expectedDeliveryDate: '2025-05-03',
      },
      { planId: 'f', type: 'CPP' as const, startDate: '2025-06-02' },
    ];
    expect(visiblePlans(plans, today).map((p) => p.planId)).toEqual(['a', 'c', 'd']);
  });

  it('returns an empty list when no plan is visible', () => {
    expect(visiblePlans([], '2025-01-01')).toEqual([]);
  });
});
