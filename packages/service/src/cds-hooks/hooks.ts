/**
 * The CDS Hooks services of CP-IS: discovery, the two hooks and feedback.
 *
 * - `cpis-encounter-start` in an unscheduled setting makes the unscheduled check, with
 *   reason `unscheduled-attendance`, under the rules of `POST /v1/checks` (the same
 *   function: the notification, the 24-hour collapse, the audit), and records that this
 *   EHR user made this encounter's check.
 * - `cpis-patient-view` never notifies. An unscheduled-care user sees the check they made
 *   at this encounter, read again with no new access, or else a card that reveals nothing
 *   of the record and links to the banner, where they give their reason and check.
 * - From a scheduled-care EHR, either hook makes a silent (scheduled) read.
 *
 * Every answer to a hook is exactly one card; whatever goes wrong after the EHR is
 * authenticated is a `warning` card saying the status is unknown, never an empty list.
 */
import { ACTIVITY_SCHEDULED, ACTIVITY_UNSCHEDULED, type components } from '@cpis/domain';
import { check } from '../checks.js';
import { auditEvent, json, principalOf, type OperationContext } from '../context.js';
import { Refusal } from '../problem.js';
import type { EncounterCheckKey } from '../storage.js';
import type { Principal } from '../tokens.js';
import { cdsServiceUrl } from './auth.js';
import { cpisCard, type CardSubject, type CdsCard } from './cards.js';
import {
  ehrUser,
  patientNhsNumber,
  readPatient,
  type FhirAuthorization,
  type PatientNhsNumber,
} from './resources.js';
import type { CdsHooksTrustedEhr } from './trust.js';

type CheckResult = components['schemas']['CheckResult'];

export const ENCOUNTER_START_SERVICE = 'cpis-encounter-start';
export const PATIENT_VIEW_SERVICE = 'cpis-patient-view';

/** What each service asks the EHR to send with every call. */
export const CDS_PREFETCH = {
  patient: 'Patient/{{context.patientId}}',
  user: '{{context.userId}}',
} as const;

export const CDS_SERVICES = [
  {
    id: ENCOUNTER_START_SERVICE,
    hook: 'encounter-start',
    title: 'CP-IS check at the start of an encounter',
    description:
      'In an unscheduled-care setting, checks Child Protection – Information Sharing (CP-IS) as the patient arrives: the responsible local authority is told. In a scheduled-care setting, a silent read.',
    prefetch: CDS_PREFETCH,
  },
  {
    id: PATIENT_VIEW_SERVICE,
    hook: 'patient-view',
    title: 'CP-IS status in the patient record',
    description:
      'Shows the CP-IS check you made at this attendance, or that you have not checked yet. Never tells the local authority: opening a chart is not a CP-IS access.',
    prefetch: CDS_PREFETCH,
  },
] as const;

/** The CDS Hooks configuration the core runs with. */
export interface CdsHooksRuntime {
  /** The trusted EHRs, by `iss`. */
  ehrs: ReadonlyMap<string, CdsHooksTrustedEhr>;
  /** The page that opens the full banner view for a patient (the NHS number in its fragment). */
  bannerUrl: string;
  /** How long a hook waits for its check before answering with a timed-out card. */
  checkTimeoutMs: number;
  /** How the Patient is read from the EHR's FHIR server. */
  fetch: typeof fetch;
  /** Where a check that failed is reported (never in the card). */
  log?: (error: unknown) => void;
  /** `CPIS_PUBLIC_URL`: the services' URLs, a JWT's `aud`, start with it. */
  publicUrl: string;
  /** Signs a development EHR's JWT; unset, `POST /v1/dev/cds-hooks-tokens` does not exist. */
  signDevelopmentToken?: (iss: string, aud: string, now: Date) => Promise<string>;
}

/** The body of a hook call, as the contract takes it. */
export interface CdsHookRequest {
  hook: string;
  hookInstance: string;
  fhirServer?: string;
  fhirAuthorization?: FhirAuthorization;
  context: { userId: string; patientId: string; encounterId?: string };
  prefetch?: Record<string, unknown>;
}

export type CdsFeedbackRequest = components['schemas']['CdsFeedbackRequest'];

/** The EHR a verified principal of this surface stands for. */
function callerEhr(ctx: OperationContext, runtime: CdsHooksRuntime): CdsHooksTrustedEhr {
  const ehr = runtime.ehrs.get(principalOf(ctx).sub);
  if (ehr === undefined) throw new Refusal('unauthenticated', 'The EHR is not trusted.');
  return ehr;
}

function runtimeOf(ctx: OperationContext): CdsHooksRuntime {
  if (ctx.cdsHooks === undefined) throw new Refusal('not-found', 'There is no such resource.');
  return ctx.cdsHooks;
}

export async function cdsDiscovery(ctx: OperationContext): Promise<Response> {
  runtimeOf(ctx);
  return json({ services: CDS_SERVICES });
}

export async function cdsHookCall(ctx: OperationContext): Promise<Response> {
  const runtime = runtimeOf(ctx);
  const ehr = callerEhr(ctx, runtime);
  const service = CDS_SERVICES.find((s) => s.id === ctx.params['id']);
  if (service === undefined) throw new Refusal('not-found', 'There is no such CDS service.');
  const body = ctx.body as CdsHookRequest;
  if (body.hook !== service.hook) {
    throw new Refusal('invalid-request', `This service answers the ${service.hook} hook.`, [
      { field: '/hook', message: `must be ${service.hook}` },
    ]);
  }
  const card = (subject: CardSubject, nhsNumber?: string): Response =>
    json({ cards: [cpisCard(subject, runtime.bannerUrl, nhsNumber)] satisfies CdsCard[] });

  const { userId, patientId } = body.context;
  const [userType] = userId.split('/');
  if (userType !== 'Practitioner' && userType !== 'PractitionerRole') {
    return card({
      kind: 'not-allowed',
      why: 'only a practitioner may check CP-IS, and the EHR user is not one',
    });
  }

  let patient = body.prefetch?.['patient'];
  if (patient === undefined || patient === null) {
    const read = await readPatient(
      body.fhirServer,
      patientId,
      body.fhirAuthorization,
      runtime.fetch,
    );
    if (!read.ok)
      return card({ kind: 'not-checked', why: `the patient could not be read: ${read.reason}` });
    patient = read.patient;
  }
  const number = patientNhsNumber(patient, patientId);
  if (number.status !== 'verified') return card(notCheckable(number));
  const { nhsNumber } = number;

  const user = ehrUser(body.prefetch?.['user'], userId);
  const principal: Principal = {
    sub: `${ehr.iss}#${userId}`,
    name: user.name,
    role: user.role,
    orgType: 'health',
    odsCode: ehr.odsCode,
    orgName: ehr.orgName,
    activities: [ehr.setting === 'unscheduled' ? ACTIVITY_UNSCHEDULED : ACTIVITY_SCHEDULED],
  };
  const encounterId = body.context.encounterId;
  const key: EncounterCheckKey | undefined =
    encounterId === undefined ? undefined : { issuer: ehr.iss, encounterId, nhsNumber, userId };

  try {
    if (ehr.setting === 'scheduled') {
      // B0170: a silent read, on either hook.
      const result = await withDeadline(
        runtime,
        check(ctx, principal, {
          nhsNumber,
          nhsNumberVerified: true,
          accessContext: 'scheduled',
          reason: { code: 'clinical-review' },
        }),
      );
      return result === undefined
        ? card({ kind: 'timed-out' }, nhsNumber)
        : resultCard(result.snapshot);
    }
    if (service.hook === 'encounter-start') {
      if (key === undefined) {
        return card(
          { kind: 'not-checked', why: 'the EHR did not say which encounter this is' },
          nhsNumber,
        );
      }
      const result = await withDeadline(
        runtime,
        check(
          ctx,
          principal,
          {
            nhsNumber,
            nhsNumberVerified: true,
            accessContext: 'unscheduled',
            reason: { code: 'unscheduled-attendance' },
          },
          {
            // The EHR's retry of this very call is the same check, never a second one.
            idempotencyKey: body.hookInstance,
            alsoWrite: (tx, checkId) => tx.recordEncounterCheck(key, checkId),
          },
        ),
      );
      return result === undefined
        ? card({ kind: 'timed-out' }, nhsNumber)
        : resultCard(result.snapshot);
    }
    // patient-view, unscheduled care: this user's own check at this encounter, or nothing.
    const checkId = key === undefined ? undefined : await ctx.store.encounterCheck(key);
    const earlier = checkId === undefined ? undefined : await ctx.store.getCheck(checkId);
    if (
      earlier === undefined ||
      earlier.orgOds !== ehr.odsCode ||
      earlier.nhsNumber !== nhsNumber
    ) {
      return card({ kind: 'not-checked-by-you' }, nhsNumber);
    }
    await ctx.store.transaction((tx) =>
      tx.insertAuditEvents([
        auditEvent(
          ctx,
          principal,
          ctx.now().toISOString(),
          'check.read',
          { id: earlier.checkId },
          {
            found: true,
            via: 'cds-hooks patient-view',
          },
        ),
      ]),
    );
    return resultCard(earlier.snapshot);
  } catch (error) {
    if (error instanceof Refusal && error.kind === 'forbidden') {
      return card({ kind: 'not-allowed', why: error.detail ?? 'your role may not' }, nhsNumber);
    }
    runtime.log?.(error);
    return card(
      { kind: 'failed', why: 'CP-IS could not be reached or could not answer' },
      nhsNumber,
    );
  }

  function resultCard(snapshot: string): Response {
    const result = JSON.parse(snapshot) as CheckResult;
    return card({ kind: 'result', result }, result.nhsNumber);
  }
}

function notCheckable(number: Exclude<PatientNhsNumber, { status: 'verified' }>): CardSubject {
  switch (number.status) {
    case 'wrong-resource':
      return { kind: 'not-checked', why: 'the EHR sent a record that is not this patient' };
    case 'missing':
      return { kind: 'not-checkable', why: 'the patient has no NHS number in the EHR' };
    case 'conflicting':
      return { kind: 'not-checkable', why: 'the patient has more than one NHS number in the EHR' };
    case 'invalid':
      return { kind: 'not-checkable', why: 'the NHS number in the EHR is not a valid NHS number' };
    case 'unverified':
      return { kind: 'not-checkable', why: 'the NHS number is not verified (traced on PDS)' };
  }
}

/** The check, or `undefined` when it did not finish within the runtime's deadline. */
async function withDeadline<T>(runtime: CdsHooksRuntime, work: Promise<T>): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let late = false;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      late = true;
      resolve(undefined);
    }, runtime.checkTimeoutMs);
  });
  // A check that fails after its deadline is still reported (one in time is, by the caller).
  work.catch((error: unknown) => {
    if (late) runtime.log?.(error);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export async function cdsFeedback(ctx: OperationContext): Promise<Response> {
  const runtime = runtimeOf(ctx);
  callerEhr(ctx, runtime);
  const service = CDS_SERVICES.find((s) => s.id === ctx.params['id']);
  if (service === undefined) throw new Refusal('not-found', 'There is no such CDS service.');
  const principal = principalOf(ctx);
  const at = ctx.now().toISOString();
  const body = ctx.body as CdsFeedbackRequest;
  await ctx.store.transaction((tx) =>
    tx.insertAuditEvents(
      body.feedback.map((f) =>
        auditEvent(
          ctx,
          principal,
          at,
          `cds-hooks.card.${f.outcome}`,
          { id: f.card },
          {
            service: service.id,
            outcomeTimestamp: f.outcomeTimestamp,
            ...(f.acceptedSuggestions !== undefined && {
              acceptedSuggestions: f.acceptedSuggestions.map((s) => s.id),
            }),
            ...(f.overrideReason !== undefined && { overrideReason: f.overrideReason }),
          },
        ),
      ),
    ),
  );
  return new Response(null, { status: 200 });
}

/** `POST /v1/dev/cds-hooks-tokens`: a development EHR's JWT for one of these services. */
export async function createDevCdsHooksToken(ctx: OperationContext): Promise<Response> {
  const sign = ctx.cdsHooks?.signDevelopmentToken;
  if (ctx.cdsHooks === undefined || sign === undefined) {
    throw new Refusal('not-found', 'There is no such resource.');
  }
  const { iss, path } = ctx.body as components['schemas']['DevCdsHooksTokenRequest'];
  const services = CDS_SERVICES.map((s) => `/cds-services/${s.id}`);
  const service = CDS_SERVICES.find(
    (s) => path === `/cds-services/${s.id}` || path === `/cds-services/${s.id}/feedback`,
  );
  if (service === undefined) {
    throw new Refusal('invalid-request', 'path must be one of these CDS services.', [
      { field: '/path', message: `must be one of ${services.join(', ')} (or its /feedback)` },
    ]);
  }
  // The `aud` the authenticator checks a call to this path against.
  const url = cdsServiceUrl(ctx.cdsHooks.publicUrl, service.id);
  const aud = path.endsWith('/feedback') ? `${url}/feedback` : url;
  return json({ token: await sign(iss, aud, ctx.now()) });
}
