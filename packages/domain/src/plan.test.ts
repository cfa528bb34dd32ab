import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays } from './calendar.js';
import { PLAN_TYPES, isPlanType, validatePlan, type PlanInput } from './plan.js';

const TODAY = '2025-06-15';
const NHS = '9990000018';
const fields = (plan: unknown, today = TODAY): string[] =>
  validatePlan(plan, today).map((e) => e.field);

const cpp: PlanInput = { nhsNumber: NHS, type: 'CPP', startDate: '2025-01-10' };
const ucpp: PlanInput = {
  nhsNumber: NHS,
  type: 'UCPP',
  startDate: '2025-03-01',
  expectedDeliveryDate: '2025-09-20',
};

describe('validatePlan: acceptable plans', () => {
  it.each([
    ['an active CPP', cpp],
    ['an active LAC', { ...cpp, type: 'LAC' }],
    ['an ended CPP', { ...cpp, endDate: '2025-05-01' }],
    ['a plan that ends on its start day', { ...cpp, endDate: cpp.startDate }],
    ['a plan starting today', { ...cpp, startDate: TODAY }],
    ['a plan with an end date set in the future', { ...cpp, endDate: '2026-01-01' }],
    ['a UCPP with an expected delivery date', ucpp],
    ['an ended UCPP', { ...ucpp, endDate: '2025-06-01' }],
  ] as [string, PlanInput][])('accepts %s', (_, plan) => {
    expect(validatePlan(plan, TODAY)).toEqual([]);
  });

  it('ignores fields it does not judge (planId on a batch row)', () => {
    expect(validatePlan({ planId: 'TH-1', ...cpp }, TODAY)).toEqual([]);
  });
});

describe('validatePlan: the NHS number', () => {
  it.each(['9990000017', '999 000 0018', '999-000-0018', '', 'abc', 9990000018])(
    'refuses %j at /nhsNumber',
    (nhsNumber) => {
      expect(fields({ ...cpp, nhsNumber })).toEqual(['/nhsNumber']);
    },
  );

  it('refuses a plan without an NHS number', () => {
    const { nhsNumber: _, ...rest } = cpp;
    expect(fields(rest)).toEqual(['/nhsNumber']);
  });
});

describe('validatePlan: the type', () => {
  it('knows exactly CPP, LAC and UCPP', () => {
    expect(PLAN_TYPES).toEqual(['CPP', 'LAC', 'UCPP']);
    expect(['cpp', 'UCP', 'CPPI', ''].some(isPlanType)).toBe(false);
  });

  it.each(['cpp', 'CIN', '', null])('refuses the type %j at /type', (type) => {
    expect(fields({ ...cpp, type })).toEqual(['/type']);
  });

  it('refuses a plan without a type', () => {
    const { type: _, ...rest } = cpp;
    expect(fields(rest)).toEqual(['/type']);
  });
});

describe('validatePlan: the start date', () => {
  it('refuses a start date after today (the Europe/London day of the upload)', () => {
    expect(fields({ ...cpp, startDate: addDays(TODAY, 1) })).toEqual(['/startDate']);
  });

  it('accepts every start date up to today and refuses every one after it', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5000, max: 5000 }), (offset) => {
        const startDate = addDays(TODAY, offset);
        expect(fields({ ...cpp, startDate })).toEqual(offset > 0 ? ['/startDate'] : []);
      }),
    );
  });

  it.each(['2025-02-30', '2025-13-01', '2025-1-10', '10/01/2025', '2025-01-10T00:00:00Z', ''])(
    'refuses the start date %j, which is not a real YYYY-MM-DD day',
    (startDate) => {
      expect(fields({ ...cpp, startDate })).toEqual(['/startDate']);
    },
  );

  it('refuses a plan without a start date', () => {
    const { startDate: _, ...rest } = cpp;
    expect(fields(rest)).toEqual(['/startDate']);
  });
});

describe('validatePlan: the end date', () => {
  it('refuses an end date before the start date', () => {
    expect(fields({ ...cpp, endDate: addDays(cpp.startDate, -1) })).toEqual(['/endDate']);
  });

  it('accepts an end date on or after the start date and refuses one before it', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2000, max: 2000 }), (offset) => {
        const endDate = addDays(cpp.startDate, offset);
        expect(fields({ ...cpp, endDate })).toEqual(offset < 0 ? ['/endDate'] : []);
      }),
    );
  });

  it.each(['2024-02-30', '2025-06', null, 20250101])('refuses the end date %j', (endDate) => {
    expect(fields({ ...cpp, endDate })).toEqual(['/endDate']);
  });

  it('does not compare the end date with a start date that is itself invalid', () => {
    expect(fields({ ...cpp, startDate: 'bad', endDate: '2000-01-01' })).toEqual(['/startDate']);
  });
});

describe('validatePlan: the expected delivery date', () => {
  it('requires an expected delivery date on a UCPP', () => {
    const { expectedDeliveryDate: _, ...rest } = ucpp;
    expect(validatePlan(rest, TODAY)).toEqual([
      { field: '/expectedDeliveryDate', message: expect.stringContaining('required') },
    ]);
  });

  it.each(['CPP', 'LAC'])('refuses an expected delivery date on a %s', (type) => {
    expect(fields({ ...cpp, type, expectedDeliveryDate: '2025-09-20' })).toEqual([
      '/expectedDeliveryDate',
    ]);
  });

  it.each(['2025-02-29', 'soon', null])(
    'refuses the expected delivery date %j on a UCPP',
    (expectedDeliveryDate) => {
      expect(fields({ ...ucpp, expectedDeliveryDate })).toEqual(['/expectedDeliveryDate']);
    },
  );

  it('accepts an expected delivery date in the past (a UCPP uploaded late, or a late birth)', () => {
    expect(validatePlan({ ...ucpp, expectedDeliveryDate: '2025-06-01' }, TODAY)).toEqual([]);
  });
});

describe('validatePlan: shape', () => {
  it.each([null, 'plan', 42, [cpp]])('refuses a plan (%j) that is not an object', (plan) => {
    expect(fields(plan)).toEqual(['']);
  });

  it('reports every refused field, in field order', () => {
    expect(
      fields({
        nhsNumber: '1',
        type: 'CPP',
        startDate: '2099-01-01',
        endDate: '2098-01-01',
        expectedDeliveryDate: 'x',
      }),
    ).toEqual(['/nhsNumber', '/startDate', '/endDate', '/expectedDeliveryDate']);
  });

  it('throws when today is not a calendar date (a programming error, not a bad upload)', () => {
    expect(() => validatePlan(cpp, '2025-02-30')).toThrow(RangeError);
  });
});
