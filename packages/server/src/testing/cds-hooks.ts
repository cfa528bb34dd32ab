/**
 * The canonical CDS Hooks requests of the authorisation matrices: valid bodies, so that only
 * the token decides the answer (a `/v1` token is never an EHR's JWT: 401).
 */
import { nhsNumberIdentifier } from '@cpis/service';

export const canonicalCdsHookBody = {
  hook: 'encounter-start',
  hookInstance: '6f0c2a4e-8a3b-4c1d-9e2f-1a2b3c4d5e6f',
  context: { userId: 'PractitionerRole/matrix-1', patientId: 'pat-1', encounterId: 'enc-1' },
  prefetch: {
    patient: {
      resourceType: 'Patient',
      id: 'pat-1',
      identifier: [nhsNumberIdentifier('9990009597')],
    },
  },
};

export const canonicalCdsFeedbackBody = {
  feedback: [
    {
      card: '6f0c2a4e-8a3b-4c1d-9e2f-1a2b3c4d5e70',
      outcome: 'accepted',
      outcomeTimestamp: '2026-03-02T10:00:00Z',
    },
  ],
};
