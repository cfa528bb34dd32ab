/**
 * Named fault scenarios: handler lists layered in front of a service's own handlers, so
 * a story, an SDK test or a vendor's suite can put the API into a known bad state by name.
 */
import { http, type HttpHandler } from 'msw';
import { addDays, londonDate, type ProblemKind, type components } from '@cpis/domain';
import { authorities, personas } from '@cpis/population';
import { Refusal, compileContract, randomUuid, refusalOn, requestIdOf } from '@cpis/service';
import type { CpisMockService } from './service.js';

type CheckResult = components['schemas']['CheckResult'];

export const scenarioNames = [
  'ok',
  'slow',
  'unavailable',
  'timeout',
  'signed-out',
  'forbidden',
  'flaky',
  'malformed',
  'wrong-patient',
] as const;

export type ScenarioName = (typeof scenarioNames)[number];

/** The contract breaches the `malformed` scenario can answer a check with. */
export type Malformation =
  | 'unknown-outcome'
  | 'plans-not-array'
  | 'record-found-without-plans'
  | 'no-record-with-plans'
  | 'not-json';

export interface ScenarioOptions {
  /** `slow`: how long every answer waits (1500 ms unless set). */
  delayMs?: number;
  /** `flaky`: how many checks fail with 503 before the service recovers (1 unless set). */
  failures?: number;
  /** `malformed`: which breach a check is answered with (`unknown-outcome` unless set). */
  malformation?: Malformation;
  /** `wrong-patient`: the NHS number the answer is about (a fixture's unless set). */
  otherNhsNumber?: string;
}

/**
 * The handlers for scenario `name` over `service`:
 * - `ok`: the service as it is.
 * - `slow`: every answer after `delayMs`.
 * - `unavailable`: every request 503 (`/v1/health` answers `{ status: 'unavailable' }`).
 * - `timeout`: no request is ever answered; each waits until its signal aborts.
 * - `signed-out`: every operation that needs a token answers 401.
 * - `forbidden`: every operation that needs a token answers 403.
 * - `flaky`: the first `failures` checks answer 503, then checks work.
 * - `malformed`: a check answers 201 with a body that breaks the contract.
 * - `wrong-patient`: a check answers 201 with a well-formed result for another NHS number.
 * Only checks are affected by `flaky`, `malformed` and `wrong-patient`; the rest of the
 * API answers as in `ok`.
 */
export function scenarioHandlers(
  name: ScenarioName,
  service: CpisMockService,
  options: ScenarioOptions = {},
): HttpHandler[] {
  const base = service.baseUrl;
  // The whole API: `/v1` and the FHIR surface (NHS England's CP-IS and Patient Flags APIs).
  const everything = (resolver: Parameters<typeof http.all>[1]): HttpHandler[] => [
    http.all(`${base}/v1/*`, resolver),
    http.all(`${base}/cpis/*`, resolver),
    http.all(`${base}/patient-flags-api/*`, resolver),
  ];
  const withToken = (resolver: Parameters<typeof http.all>[1]): HttpHandler[] => [
    http.all(`${base}/v1/checks`, resolver),
    http.all(`${base}/v1/checks/*`, resolver),
    http.all(`${base}/v1/authorities/*`, resolver),
    http.all(`${base}/cpis/FHIR/R4/CareTeam`, resolver),
    http.all(`${base}/cpis/FHIR/R4/AuditEvent`, resolver),
    http.all(`${base}/patient-flags-api/FHIR/R4/PatientFlag`, resolver),
  ];
  // A refusal as the path's surface answers it (problem+json; OperationOutcome on FHIR).
  const basePath = new URL(base || '/', 'http://base.invalid').pathname.replace(/\/+$/, '');
  const refuse = (
    kind: ProblemKind,
    request: Request,
    detail: string,
    headers: Record<string, string> = {},
  ): Response => {
    const surface = compileContract().surfaceOf(
      new URL(request.url).pathname.slice(basePath.length),
    );
    const requestId = requestIdOf(request, surface.requestIdHeaders);
    return refusalOn(surface, new Refusal(kind, detail, undefined, headers), requestId);
  };
  const createCheck = (resolver: Parameters<typeof http.post>[1]): HttpHandler[] => [
    http.post(`${base}/v1/checks`, resolver),
  ];

  switch (name) {
    case 'ok':
      return [...service.handlers];

    case 'slow': {
      const delayMs = options.delayMs ?? 1500;
      return [
        ...everything(async ({ request }) => {
          await wait(delayMs, request.signal);
          // Nothing returned: the request goes on to the service's own handlers.
          return request.signal.aborted ? Response.error() : undefined;
        }),
        ...service.handlers,
      ];
    }

    case 'unavailable':
      return [
        http.get(`${base}/v1/health`, ({ request }) =>
          Response.json(
            { status: 'unavailable' },
            { status: 503, headers: { 'X-Request-ID': requestIdOf(request) } },
          ),
        ),
        ...everything(({ request }) =>
          refuse('unavailable', request, 'CP-IS cannot be reached (scenario "unavailable").'),
        ),
      ];

    case 'timeout':
      return everything(async ({ request }) => {
        await wait(Number.POSITIVE_INFINITY, request.signal);
        return Response.error();
      });

    case 'signed-out':
      return [
        ...withToken(({ request }) =>
          refuse('unauthenticated', request, 'The session has ended (scenario "signed-out").', {
            'www-authenticate': 'Bearer realm="cpis"',
          }),
        ),
        ...service.handlers,
      ];

    case 'forbidden':
      return [
        ...withToken(({ request }) =>
          refuse('forbidden', request, 'This user may not do this (scenario "forbidden").'),
        ),
        ...service.handlers,
      ];

    case 'flaky': {
      let failuresLeft = options.failures ?? 1;
      return [
        ...createCheck(({ request }) => {
          if (failuresLeft <= 0) return undefined;
          failuresLeft -= 1;
          return refuse(
            'unavailable',
            request,
            'CP-IS could not answer this time (scenario "flaky").',
          );
        }),
        ...service.handlers,
      ];
    }

    case 'malformed': {
      const malformation = options.malformation ?? 'unknown-outcome';
      return [
        ...createCheck(async ({ request }) => {
          const asked = await askedCheck(request);
          const headers = {
            'Content-Type': 'application/json',
            'X-Request-ID': requestIdOf(request),
          };
          const body =
            malformation === 'not-json'
              ? '{"checkId": "6f1c2b8e-2f4a-4c1e-9a51'
              : JSON.stringify(malformedResult(malformation, recordFound(asked)));
          return new Response(body, { status: 201, headers });
        }),
        ...service.handlers,
      ];
    }

    case 'wrong-patient':
      return [
        ...createCheck(async ({ request }) => {
          const asked = await askedCheck(request);
          const other =
            options.otherNhsNumber ??
            (asked.nhsNumber === personas.activeChildProtectionPlan.nhsNumber
              ? personas.lookedAfterOutOfArea.nhsNumber
              : personas.activeChildProtectionPlan.nhsNumber);
          const result = recordFound({ ...asked, nhsNumber: other });
          const location = new URL(`${base}/v1/checks/${result.checkId}`, 'http://base.invalid');
          return Response.json(result, {
            status: 201,
            headers: { 'X-Request-ID': requestIdOf(request), Location: location.pathname },
          });
        }),
        ...service.handlers,
      ];
  }
}

/** Resolves after `ms`, or as soon as `signal` aborts. */
function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

interface AskedCheck {
  nhsNumber: string;
  accessContext: CheckResult['accessContext'];
}

/** What the check asked about, as far as it can be read; a fixture's number otherwise. */
async function askedCheck(request: Request): Promise<AskedCheck> {
  let body: { nhsNumber?: unknown; accessContext?: unknown } = {};
  try {
    body = (await request.clone().json()) as typeof body;
  } catch {
    // Not JSON: the scenario answers regardless.
  }
  return {
    nhsNumber: typeof body.nhsNumber === 'string' ? body.nhsNumber : personas.noRecord.nhsNumber,
    accessContext: body.accessContext === 'scheduled' ? 'scheduled' : 'unscheduled',
  };
}

/** A well-formed record-found result: an active CPP held by Sheffield. */
function recordFound({ nhsNumber, accessContext }: AskedCheck): CheckResult {
  return {
    checkId: randomUuid(),
    nhsNumber,
    checkedAt: new Date().toISOString(),
    accessContext,
    outcome: 'record-found',
    plans: [
      {
        planId: 'SHF-CPP-1001',
        type: 'CPP',
        status: 'active',
        startDate: addDays(londonDate(new Date()), -120),
        responsibleAuthority: authorities.sheffield,
      },
    ],
    accessHistory: [],
    notifiedAuthorities: accessContext === 'unscheduled' ? [authorities.sheffield.odsCode] : [],
  };
}

function malformedResult(
  malformation: Exclude<Malformation, 'not-json'>,
  found: CheckResult,
): unknown {
  switch (malformation) {
    case 'unknown-outcome':
      return { ...found, outcome: 'maybe' };
    case 'plans-not-array':
      return { ...found, plans: found.plans[0] };
    case 'record-found-without-plans':
      return { ...found, plans: [] };
    case 'no-record-with-plans':
      return { ...found, outcome: 'no-record', accessHistory: [], notifiedAuthorities: [] };
  }
}
