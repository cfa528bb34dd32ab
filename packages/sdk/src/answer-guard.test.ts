import { describe, expect, it } from 'vitest';
import { assertCheckResult } from './answer-guard.js';
import { createCpisClient } from './client.js';
import { CpisContractError } from './errors.js';
import {
  NHS_NUMBER,
  checkRequest,
  json,
  noRecord,
  recordFound,
  scriptedFetch,
} from './fake-fetch.test-helper.js';

const OTHER_NHS_NUMBER = '9990000026';
const [plan] = recordFound().plans;

function withPlan(changes: Record<string, unknown>) {
  return recordFound({ plans: [{ ...plan, ...changes }] });
}
function withAuthority(changes: Record<string, unknown>) {
  return withPlan({ responsibleAuthority: { ...plan?.responsibleAuthority, ...changes } });
}
function without<T extends object>(value: T, key: keyof T) {
  const copy = { ...value };
  delete copy[key];
  return copy;
}

function refusal(answer: unknown, asked?: typeof checkRequest): CpisContractError {
  try {
    assertCheckResult(answer, asked);
  } catch (error) {
    expect(error).toBeInstanceOf(CpisContractError);
    return error as CpisContractError;
  }
  throw new Error('expected the answer to be refused');
}

describe('answers a banner may show', () => {
  it('a record-found answer for the number and context asked about passes unchanged', () => {
    const answer = recordFound();
    expect(assertCheckResult(answer, checkRequest)).toBe(answer);
  });

  it('a no-record answer with no plans and no history passes', () => {
    expect(assertCheckResult(noRecord(), checkRequest).outcome).toBe('no-record');
  });

  it('a UCPP with its expected delivery date passes', () => {
    expect(() =>
      assertCheckResult(withPlan({ type: 'UCPP', expectedDeliveryDate: '2026-02-01' })),
    ).not.toThrow();
  });

  it('a UCPP without an expected delivery date passes when an NHS England API answered, which carries none', () => {
    for (const answeredBy of ['nhs-cpis-fhir', 'nhs-patient-flags']) {
      expect(() => assertCheckResult({ ...withPlan({ type: 'UCPP' }), answeredBy })).not.toThrow();
    }
  });

  it('an answer that does not know whom it notified, naming no one, passes', () => {
    expect(() =>
      assertCheckResult(
        recordFound({
          notificationsKnown: false,
          notifiedAuthorities: [],
          answeredBy: 'nhs-cpis-fhir',
        }),
      ),
    ).not.toThrow();
  });

  it('an ended plan with an end date passes', () => {
    expect(() =>
      assertCheckResult(withPlan({ status: 'ended', endDate: '2025-06-01' })),
    ).not.toThrow();
  });
});

describe('answers refused with a CpisContractError', () => {
  it('an answer about another NHS number', () => {
    expect(refusal(recordFound({ nhsNumber: OTHER_NHS_NUMBER }), checkRequest).rule).toBe(
      'nhsNumber is not the one asked about',
    );
  });

  it('an answer for another access context than the one asked for', () => {
    expect(refusal(recordFound({ accessContext: 'scheduled' }), checkRequest).rule).toBe(
      'accessContext is not the one asked for',
    );
  });

  it('a stored check whose NHS number is not a valid one', () => {
    expect(refusal(recordFound({ nhsNumber: '9990000017' })).rule).toBe('nhsNumber not valid');
  });

  it('record-found with no plans', () => {
    expect(refusal(recordFound({ plans: [] })).rule).toBe('record-found without a plan');
  });

  it('no-record with plans', () => {
    expect(refusal(noRecord({ plans: recordFound().plans })).rule).toBe('no-record with plans');
  });

  it('no-record with an access history', () => {
    expect(refusal(noRecord({ accessHistory: recordFound().accessHistory })).rule).toBe(
      'no-record with an access history',
    );
  });

  it.each([['safe'], ['not-found'], [undefined], ['NO-RECORD']])(
    'an unknown outcome (%s)',
    (outcome) => {
      expect(refusal(recordFound({ outcome })).rule).toBe('unknown outcome');
    },
  );

  it.each([[null], [{}], ['[]'], [undefined]])('plans that are not an array (%j)', (plans) => {
    expect(refusal(recordFound({ plans })).rule).toBe('plans is not an array');
  });

  it.each(['officeHoursPhone', 'emergencyDutyPhone'])(
    'a plan whose authority has no %s',
    (phone) => {
      expect(refusal(withAuthority({ [phone]: undefined })).rule).toBe(
        'a plan has no phone number to call',
      );
      expect(refusal(withAuthority({ [phone]: '' })).rule).toBe(
        'a plan has no phone number to call',
      );
    },
  );

  it('a plan with no responsible authority, or one without a name', () => {
    expect(refusal(withPlan({ responsibleAuthority: undefined })).rule).toBe(
      'a plan has no responsible authority',
    );
    expect(refusal(withAuthority({ name: '' })).rule).toBe('a plan has no responsible authority');
  });

  it('a plan of an unknown type, status, or without a start date', () => {
    expect(refusal(withPlan({ type: 'CIN' })).rule).toBe('a plan has an unknown type');
    expect(refusal(withPlan({ status: 'open' })).rule).toBe('a plan has an unknown status');
    expect(refusal(withPlan({ startDate: undefined })).rule).toBe('a plan has no startDate');
  });

  it('a plan that is not an object', () => {
    expect(refusal(recordFound({ plans: ['TH-LAC-0042'] })).rule).toBe('a plan is not an object');
  });

  it('a UCPP without its expected delivery date', () => {
    expect(refusal(withPlan({ type: 'UCPP' })).rule).toBe('a UCPP has no expectedDeliveryDate');
    expect(refusal({ ...withPlan({ type: 'UCPP' }), answeredBy: 'cpis-embed-kit' }).rule).toBe(
      'a UCPP has no expectedDeliveryDate',
    );
  });

  it('an answer that names an authority as told while it says it does not know whom it told', () => {
    expect(refusal(recordFound({ notificationsKnown: false })).rule).toBe(
      'authorities named as told while notifications are not known',
    );
  });

  it('an unknown answeredBy, or a notificationsKnown that is not a boolean', () => {
    expect(refusal(recordFound({ answeredBy: 'spine' })).rule).toBe('unknown answeredBy');
    expect(refusal(recordFound({ notificationsKnown: 'false' })).rule).toBe(
      'notificationsKnown is not a boolean',
    );
  });

  it.each(['checkId', 'checkedAt'] as const)('an answer without %s', (field) => {
    expect(refusal(without(recordFound(), field)).rule).toBe(`${field} missing`);
  });

  it.each(['yesterday', 'not a time', '2025-13-45T99:99:99Z'])(
    'a checkedAt that is not a time (%s): it would print as "checked an unknown time"',
    (checkedAt) => {
      expect(refusal(noRecord({ checkedAt })).rule).toBe('checkedAt is not a time');
    },
  );

  it.each([
    ['null', null],
    ['a string', 'Homerton'],
    ['without its setting', { accessedAt: '2025-11-25T14:02:00.000Z', userRole: 'Nurse' }],
    [
      'without its role',
      { accessedAt: '2025-11-25T14:02:00.000Z', setting: { odsCode: 'RQXM1', name: 'ED' } },
    ],
    ['without its time', { setting: { odsCode: 'RQXM1', name: 'ED' }, userRole: 'Nurse' }],
  ])('an access-history entry that is %s', (_name, entry) => {
    expect(refusal(recordFound({ accessHistory: [entry] })).rule).toBe(
      'an access-history entry is not one',
    );
  });

  it('accessHistory or notifiedAuthorities that are not arrays', () => {
    expect(refusal(recordFound({ accessHistory: {} })).rule).toBe('accessHistory is not an array');
    expect(refusal(recordFound({ notifiedAuthorities: '211' })).rule).toBe(
      'notifiedAuthorities is not an array',
    );
  });

  it('an unknown access context', () => {
    expect(refusal(recordFound({ accessContext: 'emergency' })).rule).toBe('unknown accessContext');
  });

  it.each([[null], [[]], ['record-found'], [42]])(
    'an answer that is not an object (%j)',
    (answer) => {
      expect(refusal(answer).rule).toBe('not an object');
    },
  );

  it('refusal messages name the rule, never the NHS numbers involved', () => {
    const error = refusal(recordFound({ nhsNumber: OTHER_NHS_NUMBER }), checkRequest);
    expect(error.message).not.toContain(NHS_NUMBER);
    expect(error.message).not.toContain(OTHER_NHS_NUMBER);
  });
});

describe('the guard is applied by checks.create and checks.get', () => {
  const clientAnswering = (...answers: Response[]) =>
    createCpisClient({
      baseUrl: 'https://cpis.test',
      getToken: () => 't',
      fetch: scriptedFetch(...answers),
    });

  it('checks.create refuses a 201 about another NHS number', async () => {
    const client = clientAnswering(json(201, recordFound({ nhsNumber: OTHER_NHS_NUMBER })));
    await expect(client.checks.create(checkRequest)).rejects.toBeInstanceOf(CpisContractError);
  });

  it('checks.create compares with the normalised number it sent', async () => {
    const client = clientAnswering(json(201, recordFound()));
    await expect(
      client.checks.create({ ...checkRequest, nhsNumber: '999 000 0018' }),
    ).resolves.toBeTruthy();
  });

  it('checks.create refuses a no-record answer that carries plans', async () => {
    const client = clientAnswering(json(201, noRecord({ plans: recordFound().plans })));
    await expect(client.checks.create(checkRequest)).rejects.toBeInstanceOf(CpisContractError);
  });

  it('checks.get refuses a record-found answer without plans', async () => {
    const client = clientAnswering(json(200, recordFound({ plans: [] })));
    await expect(client.checks.get('6f1c2b8e-2f4a-4c1e-9a51-1b7d2c3e4f50')).rejects.toBeInstanceOf(
      CpisContractError,
    );
  });

  it('a 200 or 201 body that is not JSON is refused, never read as no-record', async () => {
    const html = new Response('<!doctype html><title>Sign in</title>', {
      status: 201,
      headers: { 'Content-Type': 'text/html' },
    });
    await expect(clientAnswering(html).checks.create(checkRequest)).rejects.toBeInstanceOf(
      CpisContractError,
    );
    const empty = new Response('', {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
    });
    await expect(clientAnswering(empty).checks.get('id')).rejects.toBeInstanceOf(CpisContractError);
  });
});
