/**
 * Batch uploads as CSV: the header row names `BatchPlanRow`'s fields and an empty cell
 * means absent. Parsing the RFC 4180 text is left to each package's CSV parser; turning
 * its records into rows is written here once, so the server and the mock agree.
 */

/** The columns a CSV upload may have (any order); others make the row invalid later. */
export const BATCH_CSV_COLUMNS = [
  'planId',
  'nhsNumber',
  'type',
  'startDate',
  'endDate',
  'expectedDeliveryDate',
] as const;

/** One parsed CSV record to a batch row: empty cells dropped, every other cell kept as text. */
export function csvRecordToBatchRow(
  record: Readonly<Record<string, string>>,
): Record<string, string> {
  const row: Record<string, string> = {};
  for (const [column, cell] of Object.entries(record)) {
    if (cell !== '') row[column] = cell;
  }
  return row;
}
