/**
 * Batch uploads as `text/csv` (RFC 4180): a header row naming `BatchPlanRow`'s fields,
 * quoted cells, CRLF or LF line ends, an optional BOM; an empty cell is an absent field.
 * Unreadable CSV, or a header that names a column twice, is 400 for the whole upload.
 */
import { csvRecordToBatchRow } from '@cpis/domain';
import { CsvError, parse } from 'csv-parse/browser/esm/sync';
import { Refusal } from './problem.js';

export function readCsvRows(text: string): Record<string, string>[] {
  let records: Record<string, string>[];
  try {
    records = parse(text, {
      bom: true,
      columns: (header: string[]) => {
        const seen = new Set<string>();
        for (const name of header) {
          if (seen.has(name)) {
            throw new Refusal('invalid-request', `The CSV header names "${name}" twice.`, [
              { field: 'header', message: `duplicate column ${name}` },
            ]);
          }
          seen.add(name);
        }
        return header;
      },
    }) as Record<string, string>[];
  } catch (error) {
    if (error instanceof Refusal) throw error;
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new Refusal(
        'invalid-request',
        `The CSV could not be read (${error.code}${line === undefined ? '' : ` at line ${line}`}).`,
      );
    }
    throw error;
  }
  return records.map(csvRecordToBatchRow);
}
