/**
 * CDS Hooks, one suite on every backend: the reference server on SQLite, on PostgreSQL
 * (when `CPIS_TEST_DATABASE_URL` answers), and the mock. What an EHR sees through HTTP,
 * and what the local authority's feed shows of it: every card kind, every refusal, and
 * that opening a chart never notifies. JWTs come from each backend's development EHRs.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CPIS_SCOPE, NO_RECORD_MEANING, PLAN_TYPE_LABELS, formatNhsNumber } from '@cpis/domain';
import { authorities, cdsHooksEhrs, personas } from '@cpis/population';
import { forEachEngine } from '@cpis/server/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockBackend, serverBackend, type Answer, type Backend } from './backends.ts';
import { NHS, VERIFIED, hookBody, patientResource, type HookCall } from './cds-hooks-requests.ts';

const DAY = 24 * 60 * 60 * 1000;
const ED = cdsHooksEhrs.emergencyDepartment.iss;
const GP = cdsHooksEhrs.gpPractice.iss;
interface Card {
  uuid: string;
  summary: string;
  detail: string;
  indicator: 'info' | 'warning' | 'critical';
  source: { label: string; topic: { code: string } };
  links: { label: string; url: string; type: string }[];
}

function cds(make: () => Promise<Backend>): void {
  let b: Backend;
  beforeEach(async () => {
    b = await make();
  });
  afterEach(async () => {
    await b.close();
  });

  const serviceUrl = (id: string) => `/cds-services/${id}`;
  /** A JWT from a development EHR for the service at `path`, signed by the backend itself. */
  async function jwt(iss: string, path: string): Promise<string> {
    const answer = await b.call('POST', '/v1/dev/cds-hooks-tokens', { body: { iss, path } });
    expect(answer.status, answer.text).toBe(200);
    return answer.json<{ token: string }>().token;
  }
  async function hook(iss: string, call: HookCall = {}): Promise<Answer> {
    const id =
      (call.hook ?? 'encounter-start') === 'encounter-start'
        ? 'cpis-encounter-start'
        : 'cpis-patient-view';
    const token = await jwt(iss, serviceUrl(id));
    return b.call('POST', `/cds-services/${id}`, {
      body: hookBody(call),
      headers: { authorization: `Bearer ${token}` },
    });
  }
  async function card(iss: string, call: HookCall = {}): Promise<Card> {
    const answer = await hook(iss, call);
    expect(answer.status, answer.text).toBe(200);
    const { cards } = answer.json<{ cards: Card[] }>();
    expect(cards).toHaveLength(1);
    return cards[0] as Card;
  }
  const sheffieldFeed = async () =>
    (
      await b.call(
        'GET',
        `/v1/authorities/${authorities.sheffield.odsCode}/notifications?limit=500`,
        {
          as: 'sheffieldSocialWorker',
        },
      )
    ).json<{
      items: {
        nhsNumber: string;
        user: { name: string; role: string };
        setting: { odsCode: string };
        reason: { code: string };
      }[];
    }>().items;
  const cardText = (c: Card) => `${c.summary}\n${c.detail}`;

  describe('discovery', () => {
    it('lists cpis-encounter-start and cpis-patient-view, each prefetching the patient and the user', async () => {
      const answer = await b.call('GET', '/cds-services');
      expect(answer.status).toBe(200);
      const { services } = answer.json<{
        services: { id: string; hook: string; prefetch: unknown }[];
      }>();
      expect(services.map((s) => [s.id, s.hook])).toEqual([
        ['cpis-encounter-start', 'encounter-start'],
        ['cpis-patient-view', 'patient-view'],
      ]);
      for (const s of services) {
        expect(s.prefetch).toEqual({
          patient: 'Patient/{{context.patientId}}',
          user: '{{context.userId}}',
        });
      }
    });
  });

  describe('cards', () => {
    it('encounter-start in an unscheduled setting makes the unscheduled check: a critical card with the plan, the LA, both phones and who was told', async () => {
      const persona = personas.activeChildProtectionPlan;
      const c = await card(ED, { nhsNumber: persona.nhsNumber });
      expect(c.indicator).toBe('critical');
      expect(c.source.label).toBe('CP-IS');
      expect(c.summary).toBe(`CP-IS record found: ${PLAN_TYPE_LABELS.CPP}`);
      const text = cardText(c);
      expect(text).toContain(authorities.sheffield.name);
      expect(text).toContain(authorities.sheffield.officeHoursPhone);
      expect(text).toContain(authorities.sheffield.emergencyDutyPhone);
      expect(text).toContain(`${authorities.sheffield.name} has been told about this check.`);
      expect(text).toContain(`NHS No. ${formatNhsNumber(persona.nhsNumber)}`);
      // The link opens the banner view for this patient.
      expect(c.links[0]?.url).toMatch(new RegExp(`#nhs-number=${persona.nhsNumber}$`));
      const feed = (await sheffieldFeed()).filter((n) => n.nhsNumber === persona.nhsNumber);
      expect(feed).toHaveLength(1);
      expect(feed[0]).toMatchObject({
        user: { name: 'Priya Shah', role: 'Emergency department nurse' },
        setting: { odsCode: cdsHooksEhrs.emergencyDepartment.odsCode },
        reason: { code: 'unscheduled-attendance' },
      });
    });

    it('says a UCPP is for the unborn child of this patient', async () => {
      const c = await card(ED, { nhsNumber: personas.pregnantWithUnbornPlan.nhsNumber });
      expect(c.indicator).toBe('critical');
      expect(c.summary).toContain('the unborn child of this patient');
      expect(c.detail).toContain('Expected delivery date');
    });

    it('answers no record with an info card in the banner’s own caveat words, never as safe', async () => {
      const c = await card(ED, { nhsNumber: personas.noRecord.nhsNumber });
      expect(c.indicator).toBe('info');
      expect(c.summary).toBe(`No CP-IS record. ${NO_RECORD_MEANING}`);
      expect(c.detail).toContain(`${NO_RECORD_MEANING} ${CPIS_SCOPE}`);
      expect(cardText(c)).not.toMatch(/\bsafe\b/i);
    });

    it('patient-view shows this user’s own check at this encounter again, with no new access', async () => {
      const nhsNumber = personas.activeChildProtectionPlan.nhsNumber;
      const first = await card(ED, { nhsNumber, encounterId: 'enc-7' });
      const again = await card(ED, { hook: 'patient-view', nhsNumber, encounterId: 'enc-7' });
      expect(again.indicator).toBe('critical');
      expect(again.detail).toBe(first.detail);
      expect((await sheffieldFeed()).filter((n) => n.nhsNumber === nhsNumber)).toHaveLength(1);
    });

    it('patient-view for an unscheduled user without their own check is a warning that reveals nothing of the record', async () => {
      const withRecord = personas.activeChildProtectionPlan.nhsNumber;
      const without = personas.noRecord.nhsNumber;
      // Another user made this encounter's check: this user has not.
      await card(ED, { nhsNumber: withRecord, userId: 'PractitionerRole/doctor-1' });
      const a = await card(ED, { hook: 'patient-view', nhsNumber: withRecord });
      const bCard = await card(ED, { hook: 'patient-view', nhsNumber: without });
      expect(a.indicator).toBe('warning');
      expect(a.summary).toBe('CP-IS has not been checked by you at this attendance');
      // The same card, word for word, whether or not CP-IS holds a record.
      expect(cardText(a)).toBe(cardText(bCard));
      for (const secret of [
        authorities.sheffield.name,
        authorities.sheffield.officeHoursPhone,
        'record found',
        'plan',
      ]) {
        expect(cardText(a).toLowerCase()).not.toContain(secret.toLowerCase());
      }
      expect(a.links[0]).toMatchObject({
        label: 'Check CP-IS (give your reason)',
        type: 'absolute',
      });
      expect(a.links[0]?.url).toMatch(new RegExp(`/epr-patient-view/#nhs-number=${withRecord}$`));
    });

    it('20 chart opens by the same clinician write no notification', async () => {
      const nhsNumber = personas.activeChildProtectionPlan.nhsNumber;
      for (let i = 0; i < 20; i++) {
        const c = await card(ED, { hook: 'patient-view', nhsNumber, encounterId: 'enc-20' });
        expect(c.indicator).toBe('warning');
      }
      expect((await sheffieldFeed()).filter((n) => n.nhsNumber === nhsNumber)).toEqual([]);
    });

    it('collapses a repeat check by the same EHR user within 24 hours; another user, or the next day, tells the LA again', async () => {
      const nhsNumber = personas.activeChildProtectionPlan.nhsNumber;
      await card(ED, { nhsNumber, encounterId: 'enc-a' });
      const repeat = await card(ED, { nhsNumber, encounterId: 'enc-b' });
      expect(repeat.detail).toContain(
        'it repeats one made by you from this setting in the last 24 hours',
      );
      await card(ED, { nhsNumber, encounterId: 'enc-b', userId: 'PractitionerRole/doctor-2' });
      b.advance(DAY + 1000);
      await card(ED, { nhsNumber, encounterId: 'enc-c' });
      expect((await sheffieldFeed()).filter((n) => n.nhsNumber === nhsNumber)).toHaveLength(3);
    });

    it('a retried encounter-start (the same hookInstance) is the same check, never a second', async () => {
      const nhsNumber = personas.activeChildProtectionPlan.nhsNumber;
      const hookInstance = randomUUID();
      const first = await card(ED, { nhsNumber, hookInstance });
      const retry = await card(ED, { nhsNumber, hookInstance });
      expect(retry.detail).toBe(first.detail);
      expect((await sheffieldFeed()).filter((n) => n.nhsNumber === nhsNumber)).toHaveLength(1);
    });

    it('from a scheduled-care EHR, patient-view and encounter-start are silent reads', async () => {
      const nhsNumber = personas.activeChildProtectionPlan.nhsNumber;
      for (const hookName of ['patient-view', 'encounter-start'] as const) {
        const c = await card(GP, { hook: hookName, nhsNumber });
        expect(c.indicator).toBe('critical');
        expect(c.detail).toContain('a scheduled check is a silent read');
      }
      expect((await sheffieldFeed()).filter((n) => n.nhsNumber === nhsNumber)).toEqual([]);
    });

    it('never checks an unverified, missing or invalid NHS number: a warning card says why', async () => {
      const nhsNumber = personas.activeChildProtectionPlan.nhsNumber;
      const cases: [unknown[], RegExp][] = [
        [[{ system: NHS, value: nhsNumber }], /not verified/],
        [
          [
            {
              system: NHS,
              value: nhsNumber,
              extension: [
                {
                  ...VERIFIED,
                  valueCodeableConcept: {
                    coding: [{ ...VERIFIED.valueCodeableConcept.coding[0], code: '02' }],
                  },
                },
              ],
            },
          ],
          /not verified/,
        ],
        [[], /no NHS number/],
        [[{ system: NHS, value: '9990001376', extension: [VERIFIED] }], /not a valid NHS number/],
      ];
      for (const [identifier, why] of cases) {
        const c = await card(ED, { patient: patientResource(nhsNumber, 'pat-1', identifier) });
        expect(c.indicator).toBe('warning');
        expect(c.source.topic.code).toBe('not-checkable');
        expect(c.summary).toMatch(why);
      }
      expect((await sheffieldFeed()).filter((n) => n.nhsNumber === nhsNumber)).toEqual([]);
    });

    it('never checks a prefetched Patient other than the one the hook names', async () => {
      const c = await card(ED, {
        patient: patientResource(personas.activeChildProtectionPlan.nhsNumber, 'someone-else'),
      });
      expect(c.indicator).toBe('warning');
      expect(c.source.topic.code).toBe('not-checked');
    });

    it('is a not-allowed warning for an EHR user who is not a practitioner', async () => {
      const c = await card(ED, {
        userId: 'Patient/pat-1',
        user: { resourceType: 'Patient', id: 'pat-1' },
      });
      expect(c.indicator).toBe('warning');
      expect(c.source.topic.code).toBe('not-allowed');
    });
  });

  describe('without a prefetched Patient', () => {
    let fhir: Server;
    let fhirBase: string;
    beforeAll(async () => {
      fhir = createServer((req, res) => {
        if (req.url === '/fhir/Patient/pat-1' && req.headers.authorization === 'Bearer ehr-token') {
          res.writeHead(200, { 'content-type': 'application/fhir+json' });
          res.end(JSON.stringify(patientResource(personas.noRecord.nhsNumber)));
        } else res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => fhir.listen(0, '127.0.0.1', resolve));
      fhirBase = `http://127.0.0.1:${(fhir.address() as AddressInfo).port}/fhir`;
    });
    afterAll(() => fhir.close());

    it('reads the Patient from the EHR FHIR server with its fhirAuthorization', async () => {
      const c = await card(ED, { patient: null, fhirServer: fhirBase });
      expect(c.indicator).toBe('info');
    });

    it('answers a warning card saying so when the Patient cannot be read', async () => {
      for (const fhirServer of [`${fhirBase}/elsewhere`, undefined]) {
        const c = await card(ED, {
          patient: null,
          ...(fhirServer !== undefined && { fhirServer }),
        });
        expect(c.indicator).toBe('warning');
        expect(c.summary).toMatch(/^CP-IS not checked: the patient could not be read/);
      }
    });
  });

  describe('refusals', () => {
    const body = () => hookBody({ nhsNumber: personas.activeChildProtectionPlan.nhsNumber });
    const call = (token: string | null, id = 'cpis-encounter-start', payload: unknown = body()) =>
      b.call('POST', `/cds-services/${id}`, {
        body: payload,
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
      });

    it('refuses a call without a JWT, or with a /v1 bearer token, with 401', async () => {
      const none = await call(null);
      expect(none.status).toBe(401);
      expect(none.header('www-authenticate')).toMatch(/^Bearer/);
      const v1 = await b.call('POST', '/cds-services/cpis-encounter-start', {
        as: 'edNurse',
        body: body(),
      });
      expect(v1.status).toBe(401);
    });

    it('refuses a reused jti with 401', async () => {
      const token = await jwt(ED, serviceUrl('cpis-encounter-start'));
      expect((await call(token)).status).toBe(200);
      expect((await call(token)).status).toBe(401);
    });

    it('refuses a JWT made for another service (its aud) with 401', async () => {
      const token = await jwt(ED, serviceUrl('cpis-patient-view'));
      expect((await call(token, 'cpis-encounter-start')).status).toBe(401);
      expect(
        (await call(await jwt(ED, serviceUrl('cpis-encounter-start')), 'no-such-service')).status,
      ).toBe(401);
    });

    it('refuses a body for another hook, or without the patient, with 400', async () => {
      const view = { ...body(), hook: 'patient-view' };
      const wrong = await call(
        await jwt(ED, serviceUrl('cpis-encounter-start')),
        'cpis-encounter-start',
        view,
      );
      expect(wrong.status).toBe(400);
      const { context } = body() as { context: Record<string, unknown> };
      const noPatient = await call(
        await jwt(ED, serviceUrl('cpis-encounter-start')),
        'cpis-encounter-start',
        {
          ...body(),
          context: { userId: context['userId'], encounterId: 'enc-1' },
        },
      );
      expect(noPatient.status).toBe(400);
      expect(
        noPatient.json<{ errors: { field: string }[] }>().errors.map((e) => e.field),
      ).toContain('/context/patientId');
    });

    it('refuses a development JWT for an EHR that is not a development EHR, or for a path that is not a service', async () => {
      const notEhr = await b.call('POST', '/v1/dev/cds-hooks-tokens', {
        body: { iss: 'https://evil.example', path: serviceUrl('cpis-patient-view') },
      });
      expect(notEhr.status).toBe(400);
      const notService = await b.call('POST', '/v1/dev/cds-hooks-tokens', {
        body: { iss: ED, path: '/elsewhere/cds-services/cpis-patient-view' },
      });
      expect(notService.status).toBe(400);
    });
  });

  describe('feedback', () => {
    it('accepts accepted and overridden feedback, with its reason, authenticated as a hook call', async () => {
      const uuid = randomUUID();
      const feedback = (outcome: string) => ({
        feedback: [
          {
            card: uuid,
            outcome,
            ...(outcome === 'overridden' && {
              overrideReason: {
                reason: { code: 'seen', system: 'urn:example' },
                userComment: 'Checked by phone.',
              },
            }),
            outcomeTimestamp: '2026-03-02T10:00:00Z',
          },
        ],
      });
      for (const outcome of ['accepted', 'overridden']) {
        const token = await jwt(ED, `${serviceUrl('cpis-patient-view')}/feedback`);
        const answer = await b.call('POST', '/cds-services/cpis-patient-view/feedback', {
          body: feedback(outcome),
          headers: { authorization: `Bearer ${token}` },
        });
        expect(answer.status, answer.text).toBe(200);
      }
      expect(
        (
          await b.call('POST', '/cds-services/cpis-patient-view/feedback', {
            body: feedback('accepted'),
          })
        ).status,
      ).toBe(401);
    });
  });
}

forEachEngine(() => {
  describe('CDS Hooks on the reference server', () => cds(serverBackend));
});
describe('CDS Hooks on the mock', () => cds(mockBackend));
