/**
 * Batch uploads as `text/csv` (RFC 4180): a header row naming `BatchPlanRow`'s fields,
 * quoted cells, CRLF or LF line ends, an optional BOM; an empty cell is an absent field.
 * Unreadable CSV, or a header that names a column twice, is 400 for the whole upload.
 */
import { BATCH_CSV_RECORD_DELIMITERS, csvRecordsToBatchRows } from '@cpis/domain';
import { CsvError, parse } from 'csv-parse/browser/esm/sync';
import { Refusal } from './problem.js';

export function readCsvRows(text: string): Record<string, string>[] {
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      record_delimiter: [...BATCH_CSV_RECORD_DELIMITERS],
    }) as string[][];
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new Refusal(
        'invalid-request',
        `The CSV could not be read (${error.code}${line === undefined ? '' : ` at line ${line}`}).`,
      );
    }
    throw error;
  }
  const { rows, duplicate } = csvRecordsToBatchRows(records);
  if (duplicate !== undefined) {
    throw new Refusal('invalid-request', `The CSV header names "${duplicate}" twice.`, [
      { field: 'header', message: `duplicate column ${duplicate}` },
    ]);
  }
  return rows;
}
