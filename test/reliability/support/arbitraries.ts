/**
 * fast-check arbitraries for the contract's requests: each field valid most of the time
 * and hostile the rest (wrong type, wrong shape, SQL and HTML payloads, very long text),
 * required fields sometimes missing, unknown fields sometimes added.
 */
import fc from 'fast-check';
import { BATCH_CSV_COLUMNS } from '@cpis/domain';
import { personas } from '@cpis/mock/fixtures';
import { nhsNumbers } from './server.ts';

/** SQL metacharacters and statements, for every free-text field. */
export const SQL_PAYLOADS = [
  "'",
  '"',
  "' OR '1'='1",
  "'; DROP TABLE checks; --",
  "Robert'); DROP TABLE notifications;--",
  '" OR 1=1 --',
  "1; DELETE FROM plans WHERE '1'='1",
  "admin'--",
  '%',
  '_',
  '\\',
  "\\'; SELECT * FROM authorities; --",
  "' UNION SELECT name, sql FROM sqlite_master --",
  '$1',
  '?',
  ':name',
  '`ls`',
  '/* comment */',
  "O'Brien",
] as const;

/** OWASP XSS filter-evasion cheat sheet vectors (and a few more), for every free-text field. */
export const XSS_PAYLOADS = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=https://xss.invalid/xss.js></SCRIPT>',
  '<img src=x onerror="alert(1)">',
  '<IMG SRC="javascript:alert(\'XSS\');">',
  '<IMG SRC=javascript:alert(&quot;XSS&quot;)>',
  '<IMG SRC=`javascript:alert("RSnake says, \'XSS\'")`>',
  '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">',
  '<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>',
  '<svg/onload=alert(1)>',
  '<body onload=alert(1)>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<a href="javascript:alert(1)">x</a>',
  '"><script>alert(document.cookie)</script>',
  "'><script>alert(1)</script>",
  '</title><script>alert(1)</script>',
  '<<SCRIPT>alert("XSS");//<</SCRIPT>',
  '<SCRIPT/XSS SRC="https://xss.invalid/xss.js"></SCRIPT>',
  '<INPUT TYPE="IMAGE" SRC="javascript:alert(\'XSS\');">',
  "<STYLE>@import'https://xss.invalid/xss.css';</STYLE>",
  '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">',
  '<TABLE BACKGROUND="javascript:alert(\'XSS\')">',
  '<DIV STYLE="background-image: url(javascript:alert(\'XSS\'))">',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '{{constructor.constructor("alert(1)")()}}',
  '${alert(1)}',
  '<template><script>alert(1)</script></template>',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '\u202Egnp.exe',
  'javascript:/*--></title></style></textarea></script><svg/onload=alert(1)>',
] as const;

/** Text that is neither SQL nor HTML but breaks naive code: control characters, odd Unicode. */
export const ODD_TEXT = [
  '',
  ' ',
  '\t\n\r',
  '\u0000',
  'a\u0000b',
  '\u2028\u2029',
  '\uFEFF',
  'e\u0301',
  '👩🏽‍⚕️',
  'Ω≈ç√∫',
  '﷽',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  '{"a":1}',
] as const;

const ASCII = { unit: 'grapheme-ascii' } as const;

/** Something that is not what the field wants. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(...SQL_PAYLOADS, ...XSS_PAYLOADS, ...ODD_TEXT),
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ ...ASCII, minLength: 190, maxLength: 700 }),
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1e308, [], {}, '0', 'true'),
);

/** `arbitrary` in about `percent` % of cases, else `undefined` (an absent field). */
export function sometimes<T>(
  arbitrary: fc.Arbitrary<T>,
  percent: number,
): fc.Arbitrary<T | undefined> {
  return fc.oneof(
    { weight: 100 - percent, arbitrary: fc.constant(undefined) },
    { weight: percent, arbitrary },
  );
}

/** `valid` usually; `hostile` now and then. */
export function field<T>(valid: fc.Arbitrary<T>, hostileWeight = 1): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 6, arbitrary: valid }, { weight: hostileWeight, arbitrary: hostile });
}

/** The name of an unknown field: any text, or a member of Object.prototype. */
const extraKey = fc.oneof(
  fc.string({ ...ASCII, maxLength: 12 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'valueOf', 'toString', 'hasOwnProperty'),
);

/** An object of these fields; now and then one or more missing, or an unknown one added. */
export function objectOf(
  fields: Record<string, fc.Arbitrary<unknown>>,
): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(fields);
  return fc
    .tuple(
      fc.record(fields),
      fc.oneof(
        { weight: 6, arbitrary: fc.constant<string[]>([]) },
        { weight: 1, arbitrary: fc.subarray(keys, { minLength: 1 }) },
      ),
      sometimes(fc.tuple(extraKey, fc.jsonValue({ maxDepth: 1 })), 12),
    )
    .map(([value, drop, extra]) => {
      const result: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (v !== undefined && !drop.includes(k)) result[k] = v;
      }
      if (extra !== undefined)
        Object.defineProperty(result, extra[0], {
          value: extra[1],
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return result;
    });
}

/** A request body: usually an object like `fields`; sometimes any JSON; sometimes not JSON. */
export type Body = { json: unknown } | { raw: string };
export function bodyOf(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Body> {
  return fc.oneof(
    { weight: 12, arbitrary: objectOf(fields).map((json) => ({ json })) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((json) => ({ json })) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.string({ unit: 'grapheme', maxLength: 60 }),
          fc.constantFrom('{', '{"a":', '[1,2', '{"__proto__":{"x":1}}', '', 'null', '"x"'),
        )
        .map((raw) => ({ raw })),
    },
  );
}

export function payloadOf(body: Body): string {
  return 'raw' in body ? body.raw : JSON.stringify(body.json);
}

/** A few NHS numbers: the flagged and unflagged personas, fresh ones, and near misses. */
const FRESH = nhsNumbers(500_000, 6);
export const nhsNumberField: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...Object.values(personas).map((p) => p.nhsNumber)) },
  { weight: 3, arbitrary: fc.constantFrom(...FRESH) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '9990001376', // check digit wrong
      '999 000 1375',
      '999-000-1375',
      '999000137',
      '99900013755',
      '999000137X',
      '９９９０００１３７５', // full-width digits
      '0000000000',
    ),
  },
  { weight: 1, arbitrary: fc.stringMatching(/^[0-9]{10}$/) },
  { weight: 1, arbitrary: hostile },
);

/** Calendar dates: ordinary ones, edges of the calendar, and impossible ones. */
export const dateField: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.integer({ min: 2015, max: 2027 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
      )
      .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '0001-01-01',
      '1900-02-29',
      '2024-02-29',
      '2025-02-29',
      '2025-02-30',
      '2025-13-01',
      '2025-00-10',
      '9999-12-31',
      '9999-12-20',
      '9999-06-01',
      '0000-01-01',
      '2025-1-5',
      '2025-01-15T00:00:00Z',
      '15/01/2025',
    ),
  },
  { weight: 1, arbitrary: hostile },
);

export const phoneField: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^0[0-9]{3} [0-9]{3} [0-9]{4}$/) },
  { weight: 2, arbitrary: fc.stringMatching(/^[0-9 +()]{7,20}$/) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '       ',
      '(((((((',
      '+++++++',
      '123456',
      '0'.repeat(21),
      '020 7946 0000 ext 5',
      '020-7946-0000',
      'tel:02079460000',
      '٠٢٠٧٩٤٦٠٠٠٠',
      '020 7946\n0000',
    ),
  },
  { weight: 1, arbitrary: hostile },
);

export const planIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

export const checkFields = {
  nhsNumber: nhsNumberField,
  nhsNumberVerified: field(fc.boolean()),
  accessContext: field(fc.constantFrom('unscheduled', 'scheduled')),
  reason: field(
    objectOf({
      code: field(
        fc.constantFrom(
          'unscheduled-attendance',
          'safeguarding-concern',
          'clinical-review',
          'other',
        ),
      ),
      comment: fc.option(
        field(
          fc.oneof(fc.string({ maxLength: 40 }), fc.string({ minLength: 495, maxLength: 505 })),
        ),
        { nil: undefined },
      ),
    }),
  ),
};

export const authorityFields = {
  name: field(
    fc.oneof(
      fc.string({ minLength: 1, maxLength: 60 }),
      fc.string({ minLength: 195, maxLength: 205 }),
    ),
  ),
  officeHoursPhone: phoneField,
  emergencyDutyPhone: phoneField,
};

export const planFields = {
  nhsNumber: nhsNumberField,
  type: field(fc.constantFrom('CPP', 'LAC', 'UCPP')),
  startDate: dateField,
  endDate: sometimes(dateField, 40),
  expectedDeliveryDate: sometimes(dateField, 30),
};

export const batchRowFields = {
  planId: field(
    fc.oneof(
      fc.constantFrom('FZ-1', 'FZ-2', 'FZ-3', 'TH-LAC-0042'),
      fc.stringMatching(planIdPattern),
    ),
  ),
  ...planFields,
};

export const devTokenFields = {
  name: field(fc.string({ minLength: 1, maxLength: 60 })),
  orgType: field(fc.constantFrom('health', 'local-authority')),
  odsCode: field(fc.stringMatching(/^[A-Z0-9]{3,8}$/)),
  orgName: field(fc.string({ minLength: 1, maxLength: 60 })),
  role: field(fc.string({ minLength: 1, maxLength: 60 })),
  activities: field(
    fc.array(fc.constantFrom('B0107', 'B0170', 'B9999', 'X0107'), { maxLength: 4 }),
  ),
  sub: fc.option(field(fc.string({ minLength: 1, maxLength: 60 })), { nil: undefined }),
};

/** One CSV cell as sent: quoted or not (a quoted cell may hold commas, quotes, line ends). */
function csvCell(value: string, quote: boolean): string {
  return quote || /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export interface CsvUpload {
  text: string;
  header: string[];
  rows: Record<string, string>[];
}

const csvValue: Record<string, fc.Arbitrary<string>> = {
  planId: fc.oneof(
    fc.stringMatching(planIdPattern),
    fc.constantFrom('', 'has space', 'comma,inside', 'quote"inside', 'line\nend', 'x'.repeat(65)),
  ),
  nhsNumber: fc.oneof(
    fc.constantFrom(...FRESH, ...Object.values(personas).map((p) => p.nhsNumber)),
    fc.constantFrom('', '9990001376', '999 000 1375', 'abc', ' 9990001375'),
  ),
  type: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('CPP', 'LAC', 'UCPP') },
    { weight: 1, arbitrary: fc.constantFrom('', 'cpp', 'XYZ', 'CPP ') },
  ),
  startDate: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('2025-01-15', '2024-06-30', '2025-03-01') },
    { weight: 1, arbitrary: fc.constantFrom('', '2025-02-30', '2099-01-01', '15/01/2025') },
  ),
  endDate: fc.constantFrom('', '', '', '2025-06-30', '2024-01-01', '2025-02-29', '9999-12-31'),
  expectedDeliveryDate: fc.constantFrom('', '', '2026-03-01', '2025-04-31', '9999-12-20'),
  unknown: fc.constantFrom('', 'x', '1'),
};

/**
 * A CSV upload: a header of the batch columns (sometimes one missing, sometimes an unknown
 * one), rows of valid and broken cells, random quoting, CRLF or LF, sometimes a BOM.
 */
export const csvUpload: fc.Arbitrary<CsvUpload> = fc
  .tuple(
    fc.shuffledSubarray([...BATCH_CSV_COLUMNS], { minLength: 3 }),
    fc.boolean(),
    fc.constantFrom('\r\n', '\n'),
    fc.boolean(),
    fc.integer({ min: 1, max: 12 }),
  )
  .chain(([columns, unknownColumn, eol, bom, rowCount]) => {
    const header = unknownColumn ? [...columns, 'unknown'] : columns;
    const row = fc.tuple(
      ...header.map((c) => fc.tuple(csvValue[c] as fc.Arbitrary<string>, fc.boolean())),
    );
    return fc.array(row, { minLength: rowCount, maxLength: rowCount }).map((cells) => {
      const rows = cells.map((r) =>
        Object.fromEntries(header.map((c, i) => [c, (r[i] as [string, boolean])[0]])),
      );
      const lines = [
        header.join(','),
        ...cells.map((r) => r.map(([v, q]) => csvCell(v, q)).join(',')),
      ];
      return { text: `${bom ? '\uFEFF' : ''}${lines.join(eol)}${eol}`, header, rows };
    });
  });
