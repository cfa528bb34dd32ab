import { describe, expect, it } from 'vitest';
import { csvRecordToBatchRow } from './batch.js';

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
