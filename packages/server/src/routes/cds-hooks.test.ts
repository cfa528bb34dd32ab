/**
 * The CDS Hooks surface on the reference server in production: an EHR trusted through
 * `CPIS_CDS_HOOKS_TRUST`, its JWK Set served on 127.0.0.1, and what is written for its
 * calls (the check with the EHR user as its user, the encounter's check, the feedback).
 * The cards themselves are proved on every backend in test/conformance.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { personas } from '@cpis/mock/fixtures';
import { nhsNumberIdentifier } from '@cpis/service';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, itLogsNoPersonalData, type TestServer } from '../testing/harness.js';
import { forEachEngine } from '../testing/engines.js';

const PUBLIC_URL = 'https://cpis.example.nhs.uk';
let jwks: Server;
let jwksUrl: string;
let privateKey: CryptoKey;
let publicJwk: JWK;

beforeAll(async () => {
  const pair = await generateKeyPair('RS384');
  privateKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'ehr-1', alg: 'RS384' };
  jwks = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
});
afterAll(() => jwks.close());

const ehr = () => ({
  iss: 'https://ehr.homerton.example/fhir',
  jwksUrl,
  odsCode: 'RQXM1',
  orgName: 'Homerton Emergency Department',
  setting: 'unscheduled' as const,
});
const production = () => ({
  mode: 'production' as const,
  seed: false,
  publicUrl: PUBLIC_URL,
  cdsHooksTrust: [ehr()],
  cdsHooksBannerUrl: 'https://epr.homerton.example/cpis-banner',
});

const sign = (s: TestServer, path: string) =>
  new SignJWT({ jti: crypto.randomUUID() })
    .setProtectedHeader({ alg: 'RS384', typ: 'JWT', kid: 'ehr-1' })
    .setIssuer(ehr().iss)
    .setAudience(`${PUBLIC_URL}${path}`)
    .setIssuedAt(Math.floor(s.clock.now().getTime() / 1000))
    .setExpirationTime(Math.floor(s.clock.now().getTime() / 1000) + 300)
    .sign(privateKey);

forEachEngine(() => {
  describe('CDS Hooks on the server in production', () => {
    it('serves an EHR trusted by CPIS_CDS_HOOKS_TRUST, and records its check as its user’s', async () => {
      const s = await createTestServer(production());
      try {
        // The population is not seeded in production: put one plan in place.
        await s.app.cpis.store.db
          .insertInto('authorities')
          .values({
            ods_code: '211',
            name: 'Tower Hamlets',
            office_hours_phone: '020 7946 0211',
            emergency_duty_phone: '020 7946 0876',
            created_at: '2026-01-01T00:00:00.000Z',
            updated_at: '2026-01-01T00:00:00.000Z',
          })
          .execute();
        const nhsNumber = personas.activeChildProtectionPlan.nhsNumber;
        await s.app.cpis.store.db
          .insertInto('plans')
          .values({
            authority_ods: '211',
            plan_id: 'P1',
            nhs_number: nhsNumber,
            type: 'CPP',
            start_date: '2025-01-15',
            end_date: null,
            expected_delivery_date: null,
            created_at: '2026-01-01T00:00:00.000Z',
            updated_at: '2026-01-01T00:00:00.000Z',
            deleted_at: null,
          })
          .execute();
        const path = '/cds-services/cpis-encounter-start';
        const answer = await s.inject({
          method: 'POST',
          url: path,
          headers: {
            authorization: `Bearer ${await sign(s, path)}`,
            'content-type': 'application/json',
          },
          payload: {
            hook: 'encounter-start',
            hookInstance: crypto.randomUUID(),
            context: { userId: 'PractitionerRole/r-9', patientId: 'p1', encounterId: 'e1' },
            prefetch: {
              patient: {
                resourceType: 'Patient',
                id: 'p1',
                identifier: [nhsNumberIdentifier(nhsNumber)],
              },
              user: {
                resourceType: 'PractitionerRole',
                id: 'r-9',
                practitioner: { display: 'Sam Okoro' },
                code: [{ text: 'Emergency medicine consultant' }],
              },
            },
          },
        });
        expect(answer.statusCode, answer.body).toBe(200);
        const [card] = (
          answer.json() as { cards: { indicator: string; links: { url: string }[] }[] }
        ).cards;
        expect(card?.indicator).toBe('critical');
        expect(card?.links[0]?.url).toBe(
          `https://epr.homerton.example/cpis-banner#nhs-number=${nhsNumber}`,
        );
        const checks = await s.app.cpis.store.db.selectFrom('checks').selectAll().execute();
        expect(checks).toHaveLength(1);
        expect(checks[0]).toMatchObject({
          user_sub: `${ehr().iss}#PractitionerRole/r-9`,
          user_name: 'Sam Okoro',
          user_role: 'Emergency medicine consultant',
          org_ods: 'RQXM1',
          access_context: 'unscheduled',
          reason_code: 'unscheduled-attendance',
          notified: '["211"]',
        });
        expect(
          await s.app.cpis.store.db.selectFrom('encounter_checks').selectAll().execute(),
        ).toEqual([
          {
            issuer: ehr().iss,
            encounter_id: 'e1',
            nhs_number: nhsNumber,
            user_id: 'PractitionerRole/r-9',
            check_id: checks[0]?.check_id,
          },
        ]);

        const feedback = '/cds-services/cpis-encounter-start/feedback';
        const recorded = await s.inject({
          method: 'POST',
          url: feedback,
          headers: {
            authorization: `Bearer ${await sign(s, feedback)}`,
            'content-type': 'application/json',
          },
          payload: {
            feedback: [
              {
                card: 'card-1',
                outcome: 'overridden',
                overrideReason: { userComment: 'Already known to us.' },
                outcomeTimestamp: '2026-03-02T10:00:00Z',
              },
            ],
          },
        });
        expect(recorded.statusCode, recorded.body).toBe(200);
        const audit = await s.app.cpis.store.db
          .selectFrom('audit_events')
          .selectAll()
          .where('action', '=', 'cds-hooks.card.overridden')
          .execute();
        expect(audit).toHaveLength(1);
        expect(audit[0]).toMatchObject({
          actor_sub: ehr().iss,
          actor_org: 'RQXM1',
          target: 'card-1',
        });
        expect(JSON.parse(audit[0]?.detail ?? '{}')).toMatchObject({
          overrideReason: { userComment: 'Already known to us.' },
        });

        // No development EHR, and no development route, in production.
        const dev = await s.inject({
          method: 'POST',
          url: '/v1/dev/cds-hooks-tokens',
          headers: { 'content-type': 'application/json' },
          payload: { iss: 'urn:cpis:dev-ehr:homerton-ed', path },
        });
        expect(dev.statusCode).toBe(404);
      } finally {
        await s.close();
      }
    });

    it('has no CDS Hooks services in production unless CPIS_CDS_HOOKS_TRUST lists an EHR', async () => {
      const s = await createTestServer({ ...production(), cdsHooksTrust: [] });
      try {
        expect((await s.inject({ method: 'GET', url: '/cds-services' })).statusCode).toBe(404);
        expect(
          (await s.inject({ method: 'POST', url: '/cds-services/cpis-patient-view' })).statusCode,
        ).toBe(404);
      } finally {
        await s.close();
      }
    });
  });
});

itLogsNoPersonalData();
