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

  it('shows times in Europe/London, with the date', async () => {
    const el = await mount('cpis-access-history', {}, { result: withHistory });
    const rows = [...el.shadowRoot!.querySelectorAll('tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim()),
    );
    expect(rows).toEqual([
      ['2 July 2025 at 00:30', 'Homerton Emergency Department', 'Emergency department nurse'],
      ['15 January 2025 at 09:05', "St Thomas' Urgent Treatment Centre", 'Paediatric nurse'],
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

  it('shows a real check’s history from the mock, at most 25 rows', async () => {
    const { client } = await mockClient();
    const result = await client.checks.create({
      nhsNumber: personas.manyEarlierAccesses.nhsNumber,
      nhsNumberVerified: true,
      accessContext: 'unscheduled',
      reason: { code: 'clinical-review' },
    });
    const el = await mount('cpis-access-history', {}, { result });
    expect(el.shadowRoot!.querySelectorAll('tbody tr')).toHaveLength(25);
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
