import { afterEach, describe, expect, it } from 'vitest';
import type { CheckResult } from '@cpis/sdk';
import { personas } from '@cpis/mock';
import '../define.js';
import {
  cleanPage,
  expectAxeClean,
  mockClient,
  mount,
  settle,
  shadowText,
} from '../internal/testing.test-helper.js';

afterEach(cleanPage);

const base: CheckResult = {
  checkId: '6f1c2b8e-2f4a-4c1e-9a51-1b7d2c3e4f50',
  nhsNumber: personas.activeChildProtectionPlan.nhsNumber,
  checkedAt: '2025-11-25T14:02:00.000Z',
  accessContext: 'unscheduled',
  outcome: 'record-found',
  plans: [],
  accessHistory: [],
  notifiedAuthorities: [],
};

const withHistory: CheckResult = {
  ...base,
  accessHistory: [
    {
      // 23:30 UTC in summer is 00:30 the next day in London.
      accessedAt: '2025-07-01T23:30:00.000Z',
      setting: { odsCode: 'RQXM1', name: 'Homerton Emergency Department' },
      userRole: 'Emergency department nurse',
    },
    {
      accessedAt: '2025-01-15T09:05:00.000Z',
      setting: { odsCode: 'RJ122', name: "St Thomas' Urgent Treatment Centre" },
      userRole: 'Paediatric nurse',
    },
  ],
};

/** The history of a first unscheduled check of a patient with many earlier accesses, over the mock. */
async function historyOfARealCheck() {
  const { client } = await mockClient();
  const result = await client.checks.create({
    nhsNumber: personas.manyEarlierAccesses.nhsNumber,
    nhsNumberVerified: true,
    accessContext: 'unscheduled',
    reason: { code: 'clinical-review' },
  });
  return mount('cpis-access-history', {}, { result });
}

describe('properties', () => {
  it('renders nothing without a result', async () => {
    const el = await mount('cpis-access-history');
    expect(shadowText(el)).toBe('');
  });

  it('re-renders when the result changes', async () => {
    const el = await mount('cpis-access-history', {}, { result: base });
    expect(shadowText(el)).toContain('No earlier accesses');
    el.result = withHistory;
    await settle(el);
    expect(el.shadowRoot!.querySelectorAll('tbody tr')).toHaveLength(2);
  });
});

describe('the table', () => {
  it('has a caption and when / where / role columns', async () => {
    const el = await mount('cpis-access-history', {}, { result: withHistory });
    const table = el.shadowRoot!.querySelector('table')!;
    expect(table.caption?.textContent?.replace(/\s+/g, ' ').trim()).toBe(
      'CP-IS accesses from unscheduled care, newest first (2)',
    );
    expect([...table.querySelectorAll('thead th')].map((th) => th.textContent)).toEqual([
      'When',
      'Where',
      'Role',
    ]);
    expect(
      [...table.querySelectorAll('th')].every((th) => th.getAttribute('scope') === 'col'),
    ).toBe(true);
  });

  it('shows times in Europe/London, with the date, in NHS CUI style (02-Jul-2025 00:30)', async () => {
    const el = await mount('cpis-access-history', {}, { result: withHistory });
    const rows = [...el.shadowRoot!.querySelectorAll('tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim()),
    );
    expect(rows).toEqual([
      ['02-Jul-2025 00:30', 'Homerton Emergency Department', 'Emergency department nurse'],
      ['15-Jan-2025 09:05', "St Thomas' Urgent Treatment Centre", 'Paediatric nurse'],
    ]);
    expect(el.shadowRoot!.querySelector('time')?.getAttribute('datetime')).toBe(
      '2025-07-01T23:30:00.000Z',
    );
  });

  it('says so when nothing is recorded', async () => {
    const el = await mount('cpis-access-history', {}, { result: base });
    expect(shadowText(el)).toBe('No earlier accesses from unscheduled care are recorded.');
    expect(el.shadowRoot!.querySelector('table')).toBeNull();
  });

  it('says the earlier accesses are not known for an answer from the Patient Flags API, never that none are recorded', async () => {
    const el = await mount(
      'cpis-access-history',
      {},
      { result: { ...base, accessContext: 'scheduled', answeredBy: 'nhs-patient-flags' } },
    );
    expect(shadowText(el)).toBe('Not known (the answering service does not give it).');
    expect(shadowText(el)).not.toContain('No earlier accesses');
  });

  it('shows a real check’s history from the mock, at most 25 rows', async () => {
    const el = await historyOfARealCheck();
    expect(el.shadowRoot!.querySelectorAll('tbody tr')).toHaveLength(25);
  });
});

describe('this very check', () => {
  const mine = {
    accessedAt: base.checkedAt,
    setting: { odsCode: 'RQXM1', name: 'Homerton Emergency Department' },
    userRole: 'Emergency department nurse',
  };
  const cells = (el: Element): string[][] =>
    [...el.shadowRoot!.querySelectorAll('tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent!.replace(/\s+/g, ' ').trim()),
    );

  it('marks the entry this check wrote as “This check (you)”, and no other', async () => {
    const result: CheckResult = {
      ...base,
      notifiedAuthorities: ['211'],
      accessHistory: [mine, ...withHistory.accessHistory],
    };
    const el = await mount('cpis-access-history', {}, { result });
    expect(cells(el).map((row) => row[0])).toEqual([
      'This check (you) 25-Nov-2025 14:02',
      '02-Jul-2025 00:30',
      '15-Jan-2025 09:05',
    ]);
    await expectAxeClean(el);
  });

  it('marks nothing when this check wrote no entry (a repeat within 24 hours, or a silent read)', async () => {
    // The earlier entry at the same instant cannot be this check's: it told nobody.
    const result: CheckResult = { ...base, accessHistory: [mine, ...withHistory.accessHistory] };
    const el = await mount('cpis-access-history', {}, { result });
    expect(shadowText(el)).not.toContain('This check');
  });

  it('marks nothing when two entries share the check’s instant: another’s access is never shown as yours', async () => {
    const other = { ...mine, setting: { odsCode: 'RJ122', name: "St Thomas' UTC" } };
    const result: CheckResult = {
      ...base,
      notifiedAuthorities: ['211'],
      accessHistory: [other, mine],
    };
    const el = await mount('cpis-access-history', {}, { result });
    expect(shadowText(el)).not.toContain('This check');
  });

  it('marks this check in a real check’s history from the mock, and only it', async () => {
    const el = await historyOfARealCheck();
    const marked = cells(el).filter((row) => row[0]!.startsWith('This check (you)'));
    expect(marked).toHaveLength(1);
    expect(cells(el)[0]![0]).toMatch(/^This check \(you\) /);
  });
});

describe('free text is text', () => {
  it('renders setting names and roles holding HTML as text', async () => {
    const w = window as { __cpisXss?: unknown };
    delete w.__cpisXss;
    const el = await mount(
      'cpis-access-history',
      {},
      {
        result: {
          ...base,
          accessHistory: [
            {
              accessedAt: '2025-01-15T09:05:00.000Z',
              setting: { odsCode: 'ZZX01', name: '<img src=x onerror="window.__cpisXss=1">' },
              userRole: '<script>window.__cpisXss=1</script>',
            },
          ],
        },
      },
    );
    expect(shadowText(el)).toContain('<img src=x onerror="window.__cpisXss=1">');
    expect(el.shadowRoot!.querySelector('img, script')).toBeNull();
    await new Promise((r) => setTimeout(r, 30));
    expect(w.__cpisXss).toBeUndefined();
  });
});

describe('accessibility (axe) in every state', () => {
  it('with entries', async () => {
    await expectAxeClean(await mount('cpis-access-history', {}, { result: withHistory }));
  });

  it('empty', async () => {
    await expectAxeClean(await mount('cpis-access-history', {}, { result: base }));
  });

  it('without a result', async () => {
    await expectAxeClean(await mount('cpis-access-history'));
  });
});
