/**
 * Guards on a request body as it arrives, before anything parses it: JSON nested deeper
 * than `maxDepth` is refused (400) at the byte that goes too deep, and a batch with more
 * than `maxRows` rows (JSON array items, or CSV lines after the header) is refused (413)
 * at the row after the last one allowed. The rest of such a body is never read, so a
 * deeply nested or very long upload costs a scan of its first bytes, not a parse of all.
 *
 * The core's body reader shows each guard every chunk as it arrives (`scan`), in Node and
 * in a browser alike.
 */
import { Refusal } from './problem.js';

/** Deeper than any body of the contract (a check's reason is 2 levels down). */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const NEWLINE = 0x0a;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const isJsonSpace = (b: number): boolean => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

/** Looks at the next bytes of a body; a refusal ends the body there. */
export interface BodyGuard {
  scan(chunk: Uint8Array): Refusal | undefined;
}

export function tooManyRows(maxRows: number): Refusal {
  return new Refusal(
    'payload-too-large',
    `A batch holds at most ${maxRows.toLocaleString('en-GB')} rows; this one has more.`,
  );
}

/** JSON: nesting depth always; the top-level array's items when `maxRows` is given. */
export class JsonBodyGuard implements BodyGuard {
  #depth = 0;
  #inString = false;
  #escaped = false;
  #topIsArray = false;
  #expectingItem = false;
  #items = 0;

  constructor(
    private readonly maxDepth: number = MAX_JSON_DEPTH,
    private readonly maxRows?: number,
  ) {}

  scan(chunk: Uint8Array): Refusal | undefined {
    for (const b of chunk) {
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (b === BACKSLASH) this.#escaped = true;
        else if (b === QUOTE) this.#inString = false;
        continue;
      }
      if (this.#depth === 1 && this.#topIsArray && this.#expectingItem && !isJsonSpace(b)) {
        if (b !== CLOSE_ARRAY && b !== COMMA) {
          this.#expectingItem = false;
          if (this.maxRows !== undefined && ++this.#items > this.maxRows) {
            return tooManyRows(this.maxRows);
          }
        }
      }
      switch (b) {
        case QUOTE:
          this.#inString = true;
          break;
        case OPEN_ARRAY:
        case OPEN_OBJECT:
          if (this.#depth === 0) this.#topIsArray = b === OPEN_ARRAY;
          if (++this.#depth > this.maxDepth) {
            return new Refusal(
              'invalid-request',
              `The request body nests deeper than ${this.maxDepth} levels.`,
            );
          }
          if (this.#depth === 1) this.#expectingItem = this.#topIsArray;
          break;
        case CLOSE_ARRAY:
        case CLOSE_OBJECT:
          this.#depth--;
          break;
        case COMMA:
          if (this.#depth === 1) this.#expectingItem = true;
          break;
      }
    }
    return undefined;
  }
}

/**
 * CSV (RFC 4180): counts line ends outside quoted cells. The header's and each row's: more
 * than `maxRows + 1` means more than `maxRows` rows.
 */
export class CsvBodyGuard implements BodyGuard {
  #inQuotes = false;
  #lines = 0;

  constructor(private readonly maxRows: number) {}

  scan(chunk: Uint8Array): Refusal | undefined {
    for (const b of chunk) {
      if (b === QUOTE) this.#inQuotes = !this.#inQuotes;
      else if (b === NEWLINE && !this.#inQuotes && ++this.#lines > this.maxRows + 1) {
        return tooManyRows(this.maxRows);
      }
    }
    return undefined;
  }
}
