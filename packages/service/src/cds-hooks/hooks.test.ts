import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../memory-store.js';
import { createService, type ServiceOptions } from '../service.js';
import type { Storage } from '../storage.js';
import { hs256Tokens } from '../tokens.js';
import { nhsNumberIdentifier } from './resources.js';

const NOW = new Date('2026-03-02T10:00:00Z');
const now = () => NOW;
const BASE = 'http://cpis.test';
const ED = {
  iss: 'urn:test:ed',
  odsCode: 'RQXM1',
  orgName: 'Homerton ED',
  setting: 'unscheduled',
} as const;
const NHS_NUMBER = '9990001375';

async function seeded(): Promise<MemoryStore> {
  const store = new MemoryStore();
  await store.transaction(async (tx) => {
    await tx.insertAuthority(
      {
        odsCode: '211',
        name: 'Tower Hamlets',
        officeHoursPhone: '020 7946 0211',
        emergencyDutyPhone: '020 7946 0876',
      },
      NOW.toISOString(),
    );
    await tx.upsertPlans([
      {
        authority: '211',
        planId: 'P1',
        nhsNumber: NHS_NUMBER,
        type: 'CPP',
        startDate: '2025-01-15',
        endDate: null,
        expectedDeliveryDate: null,
        createdAt: NOW.toISOString(),
        updatedAt: NOW.toISOString(),
        deletedAt: null,
      },
    ]);
  });
  return store;
}

function core(store: Storage, more: Partial<ServiceOptions> = {}, checkTimeoutMs?: number) {
  const tokens = hs256Tokens({
    secret: 'a-test-secret-of-enough-length!!',
    issuer: 'i',
    audience: 'a',
    now,
  });
  return createService({
    store,
    verifyToken: tokens.verify,
    now,
    cdsHooks: {
      trust: [],
      developmentEhrs: [ED],
      publicUrl: BASE,
      bannerUrl: `${BASE}/banner/`,
      ...(checkTimeoutMs !== undefined && { checkTimeoutMs }),
    },
    ...more,
  });
}

async function call(
  service: ReturnType<typeof core>,
  path: string,
  body: unknown,
): Promise<Response> {
  const aud = `${BASE}${path}`;
  const signed = await service.handle(
    new Request(`${BASE}/v1/dev/cds-hooks-tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ iss: ED.iss, path }),
    }),
  );
  const { token } = (await signed.json()) as { token: string };
  return service.handle(
    new Request(aud, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    }),
  );
}

const encounterStart = {
  hook: 'encounter-start',
  hookInstance: '0b7b2f4e-7d8a-4f7e-9b3e-2a3c1d5e6f70',
  context: { userId: 'PractitionerRole/r1', patientId: 'p1', encounterId: 'e1' },
  prefetch: {
    patient: {
      resourceType: 'Patient',
      id: 'p1',
      identifier: [nhsNumberIdentifier(NHS_NUMBER)],
    },
  },
};

type Cards = {
  cards: { indicator: string; summary: string; source: { topic: { code: string } } }[];
};

describe('CDS Hooks in the core', () => {
  it('answers a check that fails with a warning card, never an empty list or an error', async () => {
    const store = await seeded();
    // Every write fails; reads (and the JWT's jti) still work.
    const broken = new Proxy(store, {
      get(target, property) {
        if (property === 'transaction') return () => Promise.reject(new Error('disk on fire'));
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    }) as Storage;
    const logged: unknown[] = [];
    const service = core(broken, { log: { error: (o) => logged.push(o), warn: () => undefined } });
    const answer = await call(service, '/cds-services/cpis-encounter-start', encounterStart);
    expect(answer.status).toBe(200);
    const { cards } = (await answer.json()) as Cards;
    expect(cards).toHaveLength(1);
    expect(cards[0]).toMatchObject({ indicator: 'warning', source: { topic: { code: 'failed' } } });
    expect(cards[0]?.summary).toBe(
      'CP-IS check failed — status unknown. Follow your local safeguarding procedure.',
    );
    // The fault is reported for the operator, and never in the card.
    expect(JSON.stringify(cards)).not.toContain('disk on fire');
    expect(logged).toHaveLength(1);
  });

  it('answers a check that does not finish in time with a timed-out warning card', async () => {
    const service = core(
      await seeded(),
      { checkDelay: () => new Promise((resolve) => setTimeout(resolve, 300)) },
      20,
    );
    const answer = await call(service, '/cds-services/cpis-encounter-start', encounterStart);
    const { cards } = (await answer.json()) as Cards;
    expect(cards).toHaveLength(1);
    expect(cards[0]).toMatchObject({
      indicator: 'warning',
      source: { topic: { code: 'timed-out' } },
    });
  });

  it('records accepted and overridden cards, with the override reason, in the audit', async () => {
    const store = await seeded();
    const service = core(store);
    const answer = await call(service, '/cds-services/cpis-patient-view/feedback', {
      feedback: [
        {
          card: 'c-1',
          outcome: 'accepted',
          acceptedSuggestions: [{ id: 's-1' }],
          outcomeTimestamp: '2026-03-02T10:00:00Z',
        },
        {
          card: 'c-2',
          outcome: 'overridden',
          overrideReason: {
            reason: { code: 'seen', system: 'urn:x' },
            userComment: 'Rang the LA.',
          },
          outcomeTimestamp: '2026-03-02T10:01:00Z',
        },
      ],
    });
    expect(answer.status).toBe(200);
    expect(store.state.audit.map((a) => [a.operation, a.sub, a.organisation, a.details])).toEqual([
      [
        'cds-hooks.card.accepted',
        ED.iss,
        ED.odsCode,
        {
          target: 'c-1',
          service: 'cpis-patient-view',
          outcomeTimestamp: '2026-03-02T10:00:00Z',
          acceptedSuggestions: ['s-1'],
        },
      ],
      [
        'cds-hooks.card.overridden',
        ED.iss,
        ED.odsCode,
        {
          target: 'c-2',
          service: 'cpis-patient-view',
          outcomeTimestamp: '2026-03-02T10:01:00Z',
          overrideReason: {
            reason: { code: 'seen', system: 'urn:x' },
            userComment: 'Rang the LA.',
          },
        },
      ],
    ]);
  });

  it('has no CDS Hooks surface at all (404) when the service is not given one', async () => {
    const tokens = hs256Tokens({
      secret: 'a-test-secret-of-enough-length!!',
      issuer: 'i',
      audience: 'a',
      now,
    });
    const service = createService({ store: new MemoryStore(), verifyToken: tokens.verify, now });
    for (const [method, path] of [
      ['GET', '/cds-services'],
      ['POST', '/cds-services/cpis-patient-view'],
      ['POST', '/v1/dev/cds-hooks-tokens'],
    ] as const) {
      expect((await service.handle(new Request(`${BASE}${path}`, { method }))).status).toBe(404);
    }
  });
});
