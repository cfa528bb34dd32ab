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

/**
 * How a CSV upload's lines may end: CRLF or LF, decided line by line, so a file that mixes
 * them reads as the same file with LF throughout (a lone CR stays part of its cell).
 */
export const BATCH_CSV_RECORD_DELIMITERS: readonly string[] = ['\r\n', '\n'];

/**
 * One parsed CSV record to a batch row: empty cells dropped, every other cell kept as text,
 * as an own property whatever its column is called (`__proto__` included), so an unknown
 * column reaches the row schema and is rejected there rather than dropped.
 */
export function csvRecordToBatchRow(
  record: Readonly<Record<string, string>> | readonly (readonly [string, string])[],
): Record<string, string> {
  const cells = Array.isArray(record) ? record : Object.entries(record);
  return Object.fromEntries(cells.filter(([, cell]) => cell !== '')) as Record<string, string>;
}

/**
 * CSV records as parsed (arrays of cells, the header row first) to batch rows, each cell
 * under its header's name. A header that names a column twice is refused (`duplicate`).
 */
export function csvRecordsToBatchRows(records: readonly (readonly string[])[]): {
  rows: Record<string, string>[];
  duplicate?: string;
} {
  const [header = [], ...body] = records;
  const duplicate = header.find((name, i) => header.indexOf(name) !== i);
  if (duplicate !== undefined) return { rows: [], duplicate };
  return {
    rows: body.map((cells) =>
      csvRecordToBatchRow(header.map((name, i): [string, string] => [name, cells[i] ?? ''])),
    ),
  };
}
