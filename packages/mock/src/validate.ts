/**
 * The contract's request schemas, checked by hand (the mock cannot carry Ajv and the
 * YAML into a browser). Only the shape is checked here — required fields, types, enums,
 * patterns, lengths, no unknown fields; the rules beyond the shape are `@cpis/domain`'s.
 * Each object schema is keyed by the generated type, so a field added to the contract and
 * not here fails to compile.
 */
import {
  ODS_CODE_PATTERN,
  PHONE_PATTERN,
  PLAN_ID_PATTERN,
  PLAN_TYPES,
  REASON_CODES,
  isCalendarDate,
  type FieldError,
  type components,
} from '@cpis/domain';

type Schemas = components['schemas'];
export type Check = (value: unknown, path: string) => FieldError[];

const ok: FieldError[] = [];
const error = (field: string, message: string): FieldError[] => [{ field, message }];

export function text(options: { min?: number; max?: number; pattern?: RegExp } = {}): Check {
  return (value, path) => {
    if (typeof value !== 'string') return error(path, 'must be a string');
    const length = [...value].length;
    if (options.min !== undefined && length < options.min) {
      return error(path, `must be at least ${options.min} characters`);
    }
    if (options.max !== undefined && length > options.max) {
      return error(path, `must be at most ${options.max} characters`);
    }
    if (options.pattern && !options.pattern.test(value)) {
      return error(path, `must match ${options.pattern.source}`);
    }
    return ok;
  };
}

export const bool: Check = (value, path) =>
  typeof value === 'boolean' ? ok : error(path, 'must be true or false');

export function oneOf(values: readonly string[]): Check {
  return (value, path) =>
    typeof value === 'string' && values.includes(value)
      ? ok
      : error(path, `must be one of: ${values.join(', ')}`);
}

export const calendarDate: Check = (value, path) =>
  typeof value === 'string' && isCalendarDate(value)
    ? ok
    : error(path, 'must be a calendar date, YYYY-MM-DD');

export function list(item: Check, options: { max?: number } = {}): Check {
  return (value, path) => {
    if (!Array.isArray(value)) return error(path, 'must be an array');
    if (options.max !== undefined && value.length > options.max) {
      return error(path, `must have at most ${options.max} items`);
    }
    return value.flatMap((v, i) => item(v, `${path}/${i}`));
  };
}

type RequiredKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? never : K }[keyof T];

/** An object with exactly these properties (`additionalProperties: false`). */
export function object<T>(
  properties: { [K in keyof T]-?: Check },
  required: RequiredKeys<T>[],
): Check {
  return (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return error(path, 'must be an object');
    }
    const record = value as Record<string, unknown>;
    const errors: FieldError[] = [];
    for (const key of required as string[]) {
      if (record[key] === undefined)
        errors.push({ field: `${path}/${key}`, message: 'is required' });
    }
    for (const [key, v] of Object.entries(record)) {
      // Own properties only: a field named `constructor`, `valueOf` or `__proto__` is an
      // unknown field, not a lookup on Object.prototype.
      const check = Object.hasOwn(properties, key)
        ? (properties as Record<string, Check>)[key]
        : undefined;
      if (!check)
        errors.push({ field: `${path}/${key}`, message: 'is not a field of this request' });
      else if (v !== undefined) errors.push(...check(v, `${path}/${key}`));
    }
    return errors;
  };
}

const anyText = text();
const phone = text({ pattern: PHONE_PATTERN });
const odsCode = text({ pattern: ODS_CODE_PATTERN });

export const checkRequest = object<Schemas['CheckRequest']>(
  {
    nhsNumber: anyText,
    nhsNumberVerified: bool,
    accessContext: oneOf(['unscheduled', 'scheduled']),
    reason: object<Schemas['AccessReason']>(
      { code: oneOf(REASON_CODES), comment: text({ max: 500 }) },
      ['code'],
    ),
  },
  ['nhsNumber', 'nhsNumberVerified', 'accessContext', 'reason'],
);

export const authorityInput = object<Schemas['AuthorityInput']>(
  { name: text({ min: 1, max: 200 }), officeHoursPhone: phone, emergencyDutyPhone: phone },
  ['name', 'officeHoursPhone', 'emergencyDutyPhone'],
);

const planFields = {
  nhsNumber: anyText,
  type: oneOf(PLAN_TYPES),
  startDate: calendarDate,
  endDate: calendarDate,
  expectedDeliveryDate: calendarDate,
};

export const planInput = object<Schemas['PlanInput']>(planFields, [
  'nhsNumber',
  'type',
  'startDate',
]);

export const batchPlanRow = object<Schemas['BatchPlanRow']>(
  { planId: text({ pattern: PLAN_ID_PATTERN }), ...planFields },
  ['planId', 'nhsNumber', 'type', 'startDate'],
);

export const devTokenRequest = object<Schemas['DevTokenRequest']>(
  {
    name: text({ min: 1, max: 200 }),
    orgType: oneOf(['health', 'local-authority']),
    odsCode,
    orgName: text({ min: 1, max: 200 }),
    role: text({ min: 1, max: 100 }),
    activities: list(text({ pattern: /^B[0-9]{4}$/ }), { max: 20 }),
    sub: text({ min: 1, max: 200 }),
  },
  ['name', 'orgType', 'odsCode', 'orgName', 'role', 'activities'],
);
