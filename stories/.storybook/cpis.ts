/**
 * What a story says about CP-IS, in `parameters.cpis`, and the mock client built from it.
 * Each story gets a fresh in-memory service (nothing leaks from one story to the next),
 * answered through `createMockFetch`: no service worker, no network.
 */
import {
  createCpisClient,
  type CheckResult,
  type CpisCheckClient,
  type CpisClientOptions,
} from '@cpis/sdk';
import { createCpisFhirClient } from '@cpis/sdk/fhir';
import { createPatientFlagsClient } from '@cpis/sdk/patient-flags';
import {
  createCpisMockService,
  createMockFetch,
  scenarioHandlers,
  scenarioNames,
  type CpisMockService,
  type ScenarioName,
} from '@cpis/mock';
import { personas, principals, type PersonaKey } from '@cpis/mock/fixtures';
import type { AccessReason } from '@cpis/domain';
import { STORY_TODAY } from './clock.ts';

export type PrincipalKey = keyof typeof principals;

/** A check made before the story renders, so that it has data to show. */
export interface SeedCheck {
  persona: PersonaKey;
  /** Who checks; the ED nurse unless set. */
  principal?: PrincipalKey;
  accessContext?: 'unscheduled' | 'scheduled';
  /** `unscheduled-attendance` unless set. */
  reason?: AccessReason;
}

/**
 * Which service the story's client speaks to, each answered by the same mock (the service
 * core behind every path): this kit's `/v1`, NHS England's CP-IS FHIR R4 API
 * (`/cpis/FHIR/R4`), or its Patient Flags API (`/patient-flags-api/FHIR/R4`).
 */
export type CpisSource = 'v1' | 'cpis-fhir' | 'patient-flags';

export interface CpisParameters {
  /** Which service the story's client speaks to; `v1` unless set. Seed checks always use `v1`. */
  source?: CpisSource;
  /** The mock's fault scenario for the story's client; `ok` unless set. */
  scenario?: ScenarioName;
  /** Who the story's client signs in as; the ED nurse unless set. */
  principal?: PrincipalKey;
  /** `false`: give the story no client at all (the `unconfigured` state). */
  provide?: boolean;
  /** The story client's timings, when a story needs other than the SDK's defaults. */
  client?: Pick<CpisClientOptions, 'timeoutMs' | 'deadlineMs' | 'retries'>;
  /** Checks made (in order, scenario `ok`) before the story renders. */
  checks?: SeedCheck[];
}

export interface CpisLoaded {
  service: CpisMockService;
  /** The story's client: the chosen principal, through the chosen scenario and source. */
  client: CpisCheckClient;
  /** Makes a check through the plain (`ok`) service, as `seed.principal`. */
  check(seed: SeedCheck): Promise<CheckResult>;
  /** The result of the last of `parameters.cpis.checks`, if there were any. */
  result: CheckResult | undefined;
}

function clientFor(
  service: CpisMockService,
  principal: PrincipalKey,
  scenario: ScenarioName,
  options: CpisParameters['client'] = {},
  source: CpisSource = 'v1',
): CpisCheckClient {
  if (!scenarioNames.includes(scenario)) throw new Error(`No mock scenario "${scenario}"`);
  const { key: _key, ...claims } = principals[principal];
  const common = {
    ...options,
    getToken: () => service.tokenFor(claims),
    fetch: createMockFetch(scenarioHandlers(scenario, service)),
  };
  switch (source) {
    case 'v1':
      return createCpisClient({ ...common, baseUrl: service.baseUrl });
    case 'cpis-fhir':
      return createCpisFhirClient({ ...common, baseUrl: `${service.baseUrl}/cpis/FHIR/R4` });
    case 'patient-flags':
      return createPatientFlagsClient({
        ...common,
        baseUrl: `${service.baseUrl}/patient-flags-api/FHIR/R4`,
      });
    default:
      throw new Error(`No CP-IS source "${source as string}"`);
  }
}

/** A fresh service and client for one story, with its seed checks made. */
export async function loadCpis(parameters: CpisParameters = {}): Promise<CpisLoaded> {
  const service = createCpisMockService({ today: STORY_TODAY });
  const check = (seed: SeedCheck): Promise<CheckResult> =>
    clientFor(service, seed.principal ?? 'edNurse', 'ok').checks.create({
      nhsNumber: personas[seed.persona].nhsNumber,
      nhsNumberVerified: true,
      accessContext: seed.accessContext ?? 'unscheduled',
      reason: seed.reason ?? { code: 'unscheduled-attendance' },
    });
  let result: CheckResult | undefined;
  for (const seed of parameters.checks ?? []) result = await check(seed);
  const client = clientFor(
    service,
    parameters.principal ?? 'edNurse',
    parameters.scenario ?? 'ok',
    parameters.client,
    parameters.source,
  );
  return { service, client, check, result };
}
