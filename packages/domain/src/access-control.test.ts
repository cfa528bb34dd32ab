import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ACTIVITY_SCHEDULED,
  ACTIVITY_UNSCHEDULED,
  OPERATION_IDS,
  PRINCIPAL_KINDS,
  authorize,
  authorizeBeforeBody,
  expectedStatus,
  type OperationId,
  type Principal,
  type PrincipalKind,
} from './access-control.js';

/**
 * The operation × principal table implied by design.md ("Who may do what", rule 5,
 * "Details settled"), written out by hand so the code is checked against the design,
 * not against itself. createCheck has one column per access context.
 */
const KINDS = [...PRINCIPAL_KINDS];
type Row = Record<PrincipalKind, number>;
const row = (statuses: number[]): Row => {
  if (statuses.length !== KINDS.length) throw new Error('one status per principal kind');
  return Object.fromEntries(KINDS.map((kind, i) => [kind, statuses[i]])) as Row;
};

// Columns in PRINCIPAL_KINDS order: none, expired, bad-signature, alg-none, wrong-audience,
// clinician-b0107, clinician-b0170, clinician-no-activity, own-la, other-la.
// A CP-IS FHIR CareTeam search is a check too: one column per context.
const SCHEDULED_COLUMNS = ['createCheck (scheduled)', 'searchCareTeam (scheduled)'] as const;
const TABLE: Record<OperationId | (typeof SCHEDULED_COLUMNS)[number], Row> = {
  createCheck: row([401, 401, 401, 401, 401, 201, 403, 403, 403, 403]),
  'createCheck (scheduled)': row([401, 401, 401, 401, 401, 403, 201, 403, 403, 403]),
  getCheck: row([401, 401, 401, 401, 401, 200, 200, 403, 403, 403]),
  getAuthority: row([401, 401, 401, 401, 401, 200, 200, 200, 200, 403]),
  putAuthority: row([401, 401, 401, 401, 401, 403, 403, 403, 200, 403]),
  putPlan: row([401, 401, 401, 401, 401, 403, 403, 403, 200, 403]),
  deletePlan: row([401, 401, 401, 401, 401, 403, 403, 403, 204, 403]),
  listPlans: row([401, 401, 401, 401, 401, 403, 403, 403, 200, 403]),
  batchPlans: row([401, 401, 401, 401, 401, 403, 403, 403, 200, 403]),
  listNotifications: row([401, 401, 401, 401, 401, 403, 403, 403, 200, 403]),
  streamNotifications: row([401, 401, 401, 401, 401, 403, 403, 403, 200, 403]),
  searchCareTeam: row([401, 401, 401, 401, 401, 200, 403, 403, 403, 403]),
  'searchCareTeam (scheduled)': row([401, 401, 401, 401, 401, 403, 200, 403, 403, 403]),
  searchAuditEvent: row([401, 401, 401, 401, 401, 200, 200, 403, 403, 403]),
  searchPatientFlag: row([401, 401, 401, 401, 401, 403, 200, 403, 403, 403]),
};

const cases = Object.entries(TABLE).flatMap(([column, statuses]) =>
  KINDS.map((kind) => ({ column, kind, status: statuses[kind] })),
);

describe('expectedStatus: the operation × principal table', () => {
  it('covers every operation and every principal kind', () => {
    expect(OPERATION_IDS.every((op) => op in TABLE)).toBe(true);
    expect(cases).toHaveLength(
      (OPERATION_IDS.length + SCHEDULED_COLUMNS.length) * PRINCIPAL_KINDS.length,
    );
  });

  it.each(cases)('$column by $kind answers $status', ({ column, kind, status }) => {
    const scheduled = column.endsWith(' (scheduled)');
    const op = column.replace(' (scheduled)', '') as OperationId;
    expect(expectedStatus(op, kind, scheduled ? 'scheduled' : 'unscheduled')).toBe(status);
  });

  it('defaults createCheck to an unscheduled check', () => {
    expect(expectedStatus('createCheck', 'clinician-b0107')).toBe(201);
    expect(expectedStatus('createCheck', 'clinician-b0170')).toBe(403);
  });
});

const clinician = (...activities: string[]): Principal => ({
  orgType: 'health',
  odsCode: 'RXX01',
  activities,
});
const la = (odsCode: string): Principal => ({
  orgType: 'local-authority',
  odsCode,
  activities: [],
});
const LA_OPS = OPERATION_IDS.filter(
  (op) =>
    ![
      'createCheck',
      'getCheck',
      'getAuthority',
      'searchCareTeam',
      'searchAuditEvent',
      'searchPatientFlag',
    ].includes(op),
);

describe('rule 5: each check context needs its own activity', () => {
  it('lets a B0107 clinician make an unscheduled check', () => {
    expect(
      authorize('createCheck', clinician(ACTIVITY_UNSCHEDULED), { accessContext: 'unscheduled' }),
    ).toEqual({
      allowed: true,
    });
  });

  it('refuses a B0107-only clinician a scheduled (silent) check, so an ED user cannot avoid notifying', () => {
    expect(
      authorize('createCheck', clinician(ACTIVITY_UNSCHEDULED), { accessContext: 'scheduled' })
        .allowed,
    ).toBe(false);
  });

  it('refuses a B0170-only clinician an unscheduled check', () => {
    expect(
      authorize('createCheck', clinician(ACTIVITY_SCHEDULED), { accessContext: 'unscheduled' })
        .allowed,
    ).toBe(false);
  });

  it('lets a clinician holding both activities make either kind of check', () => {
    const both = clinician(ACTIVITY_SCHEDULED, ACTIVITY_UNSCHEDULED);
    expect(authorize('createCheck', both, { accessContext: 'unscheduled' }).allowed).toBe(true);
    expect(authorize('createCheck', both, { accessContext: 'scheduled' }).allowed).toBe(true);
  });

  it('refuses a check whose access context is missing rather than defaulting it', () => {
    const both = clinician(ACTIVITY_SCHEDULED, ACTIVITY_UNSCHEDULED);
    expect(authorize('createCheck', both, {}).allowed).toBe(false);
  });

  it('refuses a check to a local authority even if its token carries the activities', () => {
    const laWithActivities: Principal = {
      orgType: 'local-authority',
      odsCode: 'E09000030',
      activities: [ACTIVITY_UNSCHEDULED, ACTIVITY_SCHEDULED],
    };
    expect(
      authorize('createCheck', laWithActivities, { accessContext: 'unscheduled' }).allowed,
    ).toBe(false);
    expect(authorize('getCheck', laWithActivities, {}).allowed).toBe(false);
  });

  it('matches activity codes exactly (no prefix, case or whitespace tolerance)', () => {
    for (const activity of ['b0107', 'B0107 ', 'B01070', 'B010']) {
      expect(
        authorize('createCheck', clinician(activity), { accessContext: 'unscheduled' }).allowed,
      ).toBe(false);
    }
  });

  it('gives a reason with every refusal', () => {
    const decision = authorize('createCheck', clinician(), { accessContext: 'unscheduled' });
    expect(decision).toEqual({
      allowed: false,
      reason: expect.stringContaining(ACTIVITY_UNSCHEDULED),
    });
  });
});

describe('local-authority side: an LA touches only its own odsCode', () => {
  it.each(LA_OPS)('%s is allowed to the LA itself and refused to another LA', (op) => {
    expect(authorize(op, la('00BG'), { authorityOdsCode: '00BG' }).allowed).toBe(true);
    expect(authorize(op, la('00AM'), { authorityOdsCode: '00BG' }).allowed).toBe(false);
  });

  it.each(LA_OPS)('%s is refused to every clinician, whatever their activities', (op) => {
    const both = clinician(ACTIVITY_SCHEDULED, ACTIVITY_UNSCHEDULED);
    expect(authorize(op, both, { authorityOdsCode: '00BG' }).allowed).toBe(false);
    // Even a health organisation whose ODS code happens to equal the LA's.
    expect(authorize(op, { ...both, odsCode: '00BG' }, { authorityOdsCode: '00BG' }).allowed).toBe(
      false,
    );
  });

  it.each(LA_OPS)('%s is refused when no authority is named', (op) => {
    expect(authorize(op, la('00BG'), {}).allowed).toBe(false);
  });

  it('compares ODS codes exactly, case included', () => {
    expect(authorize('listPlans', la('00bg'), { authorityOdsCode: '00BG' }).allowed).toBe(false);
  });

  it('lets any clinician read any authority (its phone numbers), with or without activities', () => {
    expect(authorize('getAuthority', clinician(), { authorityOdsCode: '00BG' }).allowed).toBe(true);
  });

  it('refuses another LA reading an authority', () => {
    expect(authorize('getAuthority', la('00AM'), { authorityOdsCode: '00BG' }).allowed).toBe(false);
  });

  it('never lets an LA act on an authority other than its own, for any pair of codes', () => {
    const code = fc.stringMatching(/^[A-Z0-9]{3,8}$/);
    fc.assert(
      fc.property(fc.constantFrom(...OPERATION_IDS), code, code, (op, own, target) => {
        fc.pre(own !== target);
        expect(
          authorize(op, la(own), { authorityOdsCode: target, accessContext: 'unscheduled' })
            .allowed,
        ).toBe(false);
      }),
    );
  });
});

describe('authorizeBeforeBody: the 403 the token and the path decide', () => {
  const la = { orgType: 'local-authority', odsCode: '211', activities: [] } as const;
  const nurse = { orgType: 'health', odsCode: 'RQXM1', activities: ['B0107'] } as const;
  const gp = { orgType: 'health', odsCode: 'F84003', activities: ['B0170'] } as const;
  const receptionist = { orgType: 'health', odsCode: 'RQXM1', activities: [] } as const;

  it('refuses a clinician an LA write, and an LA another LA, before any body is read', () => {
    for (const op of ['putAuthority', 'putPlan', 'batchPlans'] as const) {
      expect(authorizeBeforeBody(op, nurse, { odsCode: '211' }).allowed).toBe(false);
      expect(authorizeBeforeBody(op, la, { odsCode: '373' }).allowed).toBe(false);
      expect(authorizeBeforeBody(op, la, { odsCode: '211' }).allowed).toBe(true);
    }
  });

  it('leaves a malformed path to the 400 that follows', () => {
    expect(
      authorizeBeforeBody('putPlan', nurse, { odsCode: 'bad code', planId: 'P1' }).allowed,
    ).toBe(true);
    expect(
      authorizeBeforeBody('putPlan', nurse, { odsCode: '211', planId: 'bad id!' }).allowed,
    ).toBe(true);
    expect(authorizeBeforeBody('putPlan', nurse, { odsCode: '211', planId: 'P1' }).allowed).toBe(
      false,
    );
  });

  it('refuses a check only to a principal who may make no check at all', () => {
    expect(authorizeBeforeBody('createCheck', nurse, {}).allowed).toBe(true);
    expect(authorizeBeforeBody('createCheck', gp, {}).allowed).toBe(true);
    expect(authorizeBeforeBody('createCheck', receptionist, {}).allowed).toBe(false);
    expect(authorizeBeforeBody('createCheck', la, {}).allowed).toBe(false);
  });

  it('never allows what authorize refuses for every body', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...OPERATION_IDS),
        fc.constantFrom(la, nurse, gp, receptionist),
        fc.constantFrom('211', '373'),
        (op, principal, authorityOdsCode) => {
          const before = authorizeBeforeBody(op, principal, { odsCode: authorityOdsCode }).allowed;
          const some = (['unscheduled', 'scheduled'] as const).some(
            (accessContext) =>
              authorize(op, principal, { authorityOdsCode, accessContext }).allowed,
          );
          expect(before).toBe(some);
        },
      ),
    );
  });
});
