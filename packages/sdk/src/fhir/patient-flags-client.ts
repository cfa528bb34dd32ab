import { londonDate } from '@cpis/domain';
import type { CpisCheckClient } from '../client.js';
import { CpisValidationError } from '../errors.js';
import { runCheck } from './check-request.js';
import type { CpisFhirClientOptions } from './client.js';
import { CPIS_FLAG_CODE, mapPatientFlagSearch } from './patient-flag-search.js';
import { createFhirGet } from './request.js';

export type PatientFlagsClientOptions = CpisFhirClientOptions;

export interface PatientFlagsClient extends CpisCheckClient {
  readonly answeredBy: 'nhs-patient-flags';
}

/**
 * A client for NHS England's Patient Flags API with the check interface the banner uses,
 * for scheduled care only (a silent read: the API is described as being for scheduled
 * care, and notifies no one). A check is
 * `GET [base]/PatientFlag?patient={nhs}&code=child-protection-information-system-flag`,
 * answered by Flag, CarePlan and CareTeam. An unscheduled check is refused before anything
 * is sent. The API gives no access history, so `accessHistory` is always empty.
 */
export function createPatientFlagsClient(options: PatientFlagsClientOptions): PatientFlagsClient {
  const get = createFhirGet(options);
  return {
    answeredBy: 'nhs-patient-flags',
    checks: {
      async create(body, callOptions = {}) {
        if (body.accessContext !== 'scheduled') {
          throw new CpisValidationError(
            'accessContext',
            'The Patient Flags API is for scheduled care only: use the CP-IS FHIR API for unscheduled care',
          );
        }
        return runCheck(options, body, callOptions, 'nhs-patient-flags', async (run) => {
          const { nhsNumber } = run.request;
          const query: [string, string][] = [
            ['patient', nhsNumber],
            ['code', CPIS_FLAG_CODE],
          ];
          const answer = await get('PatientFlag', query, {
            signal: run.signal,
            traceId: run.traceId,
            unscheduled: false,
            mayRetry: true,
          });
          const plans = mapPatientFlagSearch(answer, nhsNumber, londonDate(new Date()));
          return { plans, accessHistory: [], notificationsKnown: true };
        });
      },
    },
  };
}
