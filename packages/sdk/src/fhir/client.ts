import { londonDate } from '@cpis/domain';
import type { CpisCheckClient } from '../client.js';
import { mapAuditEventSearch } from './audit-event-search.js';
import { mapCareTeamSearch } from './care-team-search.js';
import { runCheck, type CheckRunOptions } from './check-request.js';
import { createFhirGet, type FhirClientOptions } from './request.js';
import { NHS_NUMBER_SYSTEM } from './resource.js';

export interface CpisFhirClientOptions extends FhirClientOptions, CheckRunOptions {}

export interface CpisFhirClient extends CpisCheckClient {
  readonly answeredBy: 'nhs-cpis-fhir';
}

/** The include that brings each access's PractitionerRole (FHIR.md: the guide's own forms). */
export const AUDIT_EVENT_INCLUDE = 'AuditEvent:agent';

/**
 * A client for NHS England's CP-IS FHIR R4 API with the check interface the banner uses.
 * A check is `GET [base]/CareTeam?patient:identifier=…` and, when a plan is found,
 * `GET [base]/AuditEvent?patient:identifier=…&_include=AuditEvent:agent` for the history.
 * Every request carries `Authorization`, the check's one `TraceID` and
 * `IsUnscheduledAccessEvent`. An unscheduled CareTeam search notifies the local authority
 * and the API has no idempotency key, so it is sent once and never retried; every other
 * request is retried by the SDK's transport rules (FHIR.md, "Retries").
 */
export function createCpisFhirClient(options: CpisFhirClientOptions): CpisFhirClient {
  const get = createFhirGet(options);
  return {
    answeredBy: 'nhs-cpis-fhir',
    checks: {
      create: (body, callOptions = {}) =>
        runCheck(
          options,
          body,
          callOptions,
          'nhs-cpis-fhir',
          async ({ request, traceId, signal }) => {
            const { nhsNumber } = request;
            const unscheduled = request.accessContext === 'unscheduled';
            const common = { signal, traceId, unscheduled };
            const patient: [string, string] = [
              'patient:identifier',
              `${NHS_NUMBER_SYSTEM}|${nhsNumber}`,
            ];
            const careTeams = await get('CareTeam', [patient], {
              ...common,
              mayRetry: !unscheduled,
            });
            const plans = mapCareTeamSearch(careTeams, nhsNumber, londonDate(new Date()));
            // The history is shown only with a record; its search notifies no one.
            const accessHistory =
              plans.length === 0
                ? []
                : mapAuditEventSearch(
                    await get('AuditEvent', [patient, ['_include', AUDIT_EVENT_INCLUDE]], {
                      ...common,
                      mayRetry: true,
                    }),
                    nhsNumber,
                  );
            // The service tells the responsible authority of an unscheduled check but does
            // not say whom it told; a scheduled check is a silent read.
            return { plans, accessHistory, notificationsKnown: !unscheduled };
          },
        ),
    },
  };
}
