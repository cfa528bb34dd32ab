import { describe, expect, it } from 'vitest';
import { csvRecordToBatchRow, csvRecordsToBatchRows } from './batch.js';

describe('csvRecordToBatchRow', () => {
  it('treats an empty CSV cell as an absent field', () => {
    expect(
      csvRecordToBatchRow({
        planId: 'A1',
        nhsNumber: '9990001375',
        type: 'CPP',
        startDate: '2025-01-01',
        endDate: '',
      }),
    ).toEqual({ planId: 'A1', nhsNumber: '9990001375', type: 'CPP', startDate: '2025-01-01' });
  });

  it('keeps unknown columns so that schema validation rejects the row rather than dropping data silently', () => {
    expect(csvRecordToBatchRow({ planId: 'A1', colour: 'red' })).toEqual({
      planId: 'A1',
      colour: 'red',
    });
  });

  it('keeps cells byte for byte, quotes and whitespace included', () => {
    expect(csvRecordToBatchRow({ planId: ' "x" ' })).toEqual({ planId: ' "x" ' });
  });
});

describe('csvRecordsToBatchRows', () => {
  it('keeps a column named __proto__ as an own field, so the row schema rejects it as unknown', () => {
    const { rows } = csvRecordsToBatchRows([
      ['planId', '__proto__'],
      ['A1', '{"polluted":true}'],
    ]);
    expect(Object.keys(rows[0] ?? {})).toEqual(['planId', '__proto__']);
    expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuses a header that names a column twice', () => {
    expect(
      csvRecordsToBatchRows([
        ['planId', 'planId'],
        ['A', 'B'],
      ]),
    ).toEqual({
      rows: [],
      duplicate: 'planId',
    });
  });
});
