import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  NOTIFICATION_COLLAPSE_MS,
  latestAccessHistory,
  planAccessOutcome,
  type PlanAccessInput,
  type PlanAuthorityRef,
} from './notification.js';

const HOUR = 60 * 60 * 1000;
const T0 = new Date('2025-03-30T00:30:00.000Z');
const at = (ms: number): Date => new Date(T0.getTime() + ms);

const HACKNEY = '00AM';
const TOWER_HAMLETS = '00BG';

function outcome(overrides: Partial<PlanAccessInput>): ReturnType<typeof planAccessOutcome> {
  return planAccessOutcome({
    accessContext: 'unscheduled',
    plans: [{ planId: 'p1', responsibleAuthority: HACKNEY }],
    lastWrittenAt: () => undefined,
    now: T0,
    ...overrides,
  });
}

describe('NOTIFICATION_COLLAPSE_MS', () => {
  it('is exactly 24 hours', () => {
    expect(NOTIFICATION_COLLAPSE_MS).toBe(86_400_000);
  });
});

describe('rule 3: a scheduled check is a silent read', () => {
  it('notifies nobody and writes no access entry, whatever the plans and history', () => {
    const authority = fc.constantFrom(HACKNEY, TOWER_HAMLETS, '00AA', '00BK');
    const plans = fc.array(
      fc.record({
        planId: fc.string({ minLength: 1, maxLength: 8 }),
        responsibleAuthority: authority,
      }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(plans, fc.option(fc.integer({ min: 0, max: 3 * 24 * HOUR })), (ps, ago) => {
        const result = outcome({
          accessContext: 'scheduled',
          plans: ps,
          lastWrittenAt: () => (ago === null ? undefined : at(-ago)),
        });
        expect(result).toEqual({ notify: [], writeAccessEntry: false });
      }),
    );
  });
});

describe('rule 2: an unscheduled check tells each responsible LA', () => {
  it('notifies nobody and writes nothing for a no-record check (no plans)', () => {
    expect(outcome({ plans: [] })).toEqual({ notify: [], writeAccessEntry: false });
  });

  it('notifies the responsible LA and writes an access entry on a first check', () => {
    expect(outcome({})).toEqual({
      notify: [{ authority: HACKNEY, planIds: ['p1'] }],
      writeAccessEntry: true,
    });
  });

  it('sends one notification per distinct LA, plan ids grouped and sorted, LAs in first-seen order', () => {
    const result = outcome({
      plans: [
        { planId: 'lac-9', responsibleAuthority: TOWER_HAMLETS },
        { planId: 'cpp-2', responsibleAuthority: HACKNEY },
        { planId: 'cpp-1', responsibleAuthority: TOWER_HAMLETS },
        { planId: 'cpp-1', responsibleAuthority: TOWER_HAMLETS },
      ],
    });
    expect(result).toEqual({
      notify: [
        { authority: TOWER_HAMLETS, planIds: ['cpp-1', 'lac-9'] },
        { authority: HACKNEY, planIds: ['cpp-2'] },
      ],
      writeAccessEntry: true,
    });
  });

  it('asks for the last written entry per LA, not per check', () => {
    const asked: string[] = [];
    outcome({
      plans: [
        { planId: 'a', responsibleAuthority: HACKNEY },
        { planId: 'b', responsibleAuthority: TOWER_HAMLETS },
        { planId: 'c', responsibleAuthority: HACKNEY },
      ],
      lastWrittenAt: (la) => {
        asked.push(la);
        return undefined;
      },
    });
    expect(asked).toEqual([HACKNEY, TOWER_HAMLETS]);
  });
});

describe('the 24-hour collapse window', () => {
  it('collapses a repeat 23:59:59.999 after the last written entry', () => {
    const result = outcome({ lastWrittenAt: () => at(0), now: at(NOTIFICATION_COLLAPSE_MS - 1) });
    expect(result).toEqual({ notify: [], writeAccessEntry: false });
  });

  it('notifies again exactly 24:00:00.000 after the last written entry', () => {
    const result = outcome({ lastWrittenAt: () => at(0), now: at(NOTIFICATION_COLLAPSE_MS) });
    expect(result).toEqual({
      notify: [{ authority: HACKNEY, planIds: ['p1'] }],
      writeAccessEntry: true,
    });
  });

  it('collapses a repeat in the same millisecond as the last written entry', () => {
    expect(outcome({ lastWrittenAt: () => at(0), now: at(0) }).writeAccessEntry).toBe(false);
  });

  it('measures 24 elapsed hours, not a calendar day, across the BST change', () => {
    // 2025-03-30 is 23 hours long in London: 24 h after 00:30Z is 01:30 BST on 31 March.
    expect(
      outcome({ lastWrittenAt: () => at(0), now: new Date('2025-03-31T00:29:59.999Z') })
        .writeAccessEntry,
    ).toBe(false);
    expect(
      outcome({ lastWrittenAt: () => at(0), now: new Date('2025-03-31T00:30:00.000Z') })
        .writeAccessEntry,
    ).toBe(true);
  });

  it('always tells a newly responsible LA, even when another LA is collapsed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: NOTIFICATION_COLLAPSE_MS - 1 }), (ago) => {
        const result = outcome({
          plans: [
            { planId: 'old', responsibleAuthority: HACKNEY },
            { planId: 'new', responsibleAuthority: TOWER_HAMLETS },
          ],
          lastWrittenAt: (la) => (la === HACKNEY ? at(-ago) : undefined),
        });
        expect(result).toEqual({
          notify: [{ authority: TOWER_HAMLETS, planIds: ['new'] }],
          writeAccessEntry: true,
        });
      }),
    );
  });

  it('notifies when the last written time is later than now (server clocks disagree): never under-notify', () => {
    expect(outcome({ lastWrittenAt: () => at(1), now: at(0) }).writeAccessEntry).toBe(true);
  });

  it('does not restart the window on collapsed repeats: checks at 0 h, 23 h and 25 h notify at 0 h and 25 h', () => {
    const notifiedAt = simulate([0, 23 * HOUR, 25 * HOUR], [[HACKNEY], [HACKNEY], [HACKNEY]]).map(
      (s) => s.notified.length > 0,
    );
    expect(notifiedAt).toEqual([true, false, true]);
  });

  it('over any sequence of checks, notifies exactly those ≥ 24 h after the previous notified one, per LA', () => {
    const gapMs = fc.oneof(
      fc.integer({ min: 0, max: 2 * HOUR }),
      fc.integer({ min: 0, max: 3 * NOTIFICATION_COLLAPSE_MS }),
      fc.constantFrom(
        NOTIFICATION_COLLAPSE_MS - 1,
        NOTIFICATION_COLLAPSE_MS,
        NOTIFICATION_COLLAPSE_MS + 1,
      ),
    );
    const authoritiesPerCheck = fc.subarray([HACKNEY, TOWER_HAMLETS, '00AA'], { minLength: 1 });
    const checks = fc.array(fc.tuple(gapMs, authoritiesPerCheck), { minLength: 1, maxLength: 40 });

    fc.assert(
      fc.property(checks, (steps) => {
        let t = 0;
        const times = steps.map(([gap]) => (t += gap));
        const responsible = steps.map(([, las]) => las);
        const actual = simulate(times, responsible);

        // Oracle, written from the rule: an LA is told iff it has never been told, or
        // its previous notification was at least 24 h before this check.
        const lastNotified = new Map<string, number>();
        times.forEach((time, i) => {
          const las = responsible[i] ?? [];
          const expected = las.filter((la) => {
            const prev = lastNotified.get(la);
            return prev === undefined || time - prev >= NOTIFICATION_COLLAPSE_MS;
          });
          for (const la of expected) lastNotified.set(la, time);
          expect(actual[i]?.notified).toEqual(expected);
          expect(actual[i]?.wroteEntry).toBe(expected.length > 0);
        });
      }),
    );
  });
});

/**
 * Runs checks by one user, setting and NHS number through planAccessOutcome, updating
 * the last-written store only for entries actually written (what the server does).
 * `responsible[i]` lists the LAs responsible for the plans shown by check `i`.
 */
function simulate(
  times: number[],
  responsible: string[][],
): { notified: string[]; wroteEntry: boolean }[] {
  const lastWritten = new Map<string, Date>();
  return times.map((time, i) => {
    const las = responsible[i] ?? [];
    const plans: PlanAuthorityRef[] = las.map((la) => ({
      planId: `plan-${la}`,
      responsibleAuthority: la,
    }));
    const now = at(time);
    const result = planAccessOutcome({
      accessContext: 'unscheduled',
      plans,
      lastWrittenAt: (la) => lastWritten.get(la),
      now,
    });
    for (const n of result.notify) lastWritten.set(n.authority, now);
    return { notified: result.notify.map((n) => n.authority), wroteEntry: result.writeAccessEntry };
  });
}

describe('latestAccessHistory', () => {
  const entry = (accessedAt: string, id: string) => ({ accessedAt, id });

  it('returns at most 25 entries by default, newest first', () => {
    const entries = Array.from({ length: 40 }, (_, i) =>
      entry(new Date(Date.UTC(2025, 0, 1) + i * HOUR).toISOString(), `e${i}`),
    );
    const latest = latestAccessHistory(entries);
    expect(latest).toHaveLength(25);
    expect(latest[0]?.id).toBe('e39');
    expect(latest[24]?.id).toBe('e15');
  });

  it('honours a smaller limit and returns everything when there are fewer entries', () => {
    const entries = [entry('2025-01-01T00:00:00Z', 'a'), entry('2025-01-02T00:00:00Z', 'b')];
    expect(latestAccessHistory(entries, 1).map((e) => e.id)).toEqual(['b']);
    expect(latestAccessHistory(entries).map((e) => e.id)).toEqual(['b', 'a']);
    expect(latestAccessHistory(entries, 0)).toEqual([]);
  });

  it('keeps entries at the same instant in their given order (stable)', () => {
    const entries = [
      entry('2025-01-01T00:00:00Z', 'first'),
      entry('2025-01-02T00:00:00Z', 'newest'),
      entry('2025-01-01T00:00:00.000Z', 'second'),
      entry('2025-01-01T00:00:00Z', 'third'),
    ];
    expect(latestAccessHistory(entries).map((e) => e.id)).toEqual([
      'newest',
      'first',
      'second',
      'third',
    ]);
  });

  it('compares times as instants, not as strings', () => {
    const entries = [
      entry('2025-01-01T00:00:00Z', 'whole'),
      entry('2025-01-01T00:00:00.500Z', 'half'),
    ];
    expect(latestAccessHistory(entries).map((e) => e.id)).toEqual(['half', 'whole']);
  });

  it('does not change the array it is given', () => {
    const entries = [entry('2025-01-01T00:00:00Z', 'a'), entry('2025-01-02T00:00:00Z', 'b')];
    latestAccessHistory(entries);
    expect(entries.map((e) => e.id)).toEqual(['a', 'b']);
  });

  it('returns a newest-first prefix of the input, whatever its order', () => {
    const entries = fc.array(
      fc
        .date({
          min: new Date('2020-01-01T00:00:00Z'),
          max: new Date('2030-01-01T00:00:00Z'),
          noInvalidDate: true,
        })
        .map((d) => ({ accessedAt: d.toISOString() })),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(entries, fc.integer({ min: 0, max: 30 }), (es, limit) => {
        const latest = latestAccessHistory(es, limit);
        expect(latest).toHaveLength(Math.min(limit, es.length));
        for (let i = 1; i < latest.length; i++) {
          expect(latest[i - 1]!.accessedAt >= latest[i]!.accessedAt).toBe(true);
        }
        const newestDropped = es
          .filter((e) => !latest.includes(e))
          .map((e) => e.accessedAt)
          .sort()
          .pop();
        const oldestKept = latest.at(-1)?.accessedAt;
        if (newestDropped !== undefined && oldestKept !== undefined) {
          expect(newestDropped <= oldestKept).toBe(true);
        }
      }),
    );
  });
});
