import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isValidNhsNumber, validatePlan, type components } from '@cpis/domain';
import {
  authorities,
  personas,
  principals,
  syntheticPopulation,
  type PersonaKey,
} from './fixtures.js';
import { TODAY, harness } from './test-helpers.js';

type CheckResult = components['schemas']['CheckResult'];

/** What checking each persona must answer (unscheduled, by an ED nurse). */
const expectedOutcome: Record<PersonaKey, CheckResult['outcome']> = {
  activeChildProtectionPlan: 'record-found',
  lookedAfterOutOfArea: 'record-found',
  pregnantWithUnbornPlan: 'record-found',
  recentlyEndedPlan: 'record-found',
  plansFromTwoAuthorities: 'record-found',
  manyEarlierAccesses: 'record-found',
  noRecord: 'no-record',
  planEndedOverAYearAgo: 'no-record',
  hostileAuthorityName: 'record-found',
  unverifiedNumber: 'no-record',
};

describe('personas', () => {
  it.each(Object.values(personas))(
    '$key: NHS number $nhsNumber is Modulus 11 valid, in the 999 range',
    ({ nhsNumber }) => {
      expect(isValidNhsNumber(nhsNumber)).toBe(true);
      expect(nhsNumber.startsWith('999')).toBe(true);
    },
  );

  it('each has its own NHS number, and its key is its name', () => {
    const numbers = Object.values(personas).map((p) => p.nhsNumber);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const [key, persona] of Object.entries(personas)) expect(persona.key).toBe(key);
  });

  it.each(Object.keys(expectedOutcome) as PersonaKey[])(
    '%s: checking it answers as expected',
    async (key) => {
      const h = harness();
      const a = await h.check<CheckResult>(principals.edNurse, key);
      expect(a.status).toBe(201);
      expect(a.body.outcome).toBe(expectedOutcome[key]);
      expect(a.body.plans.length > 0).toBe(expectedOutcome[key] === 'record-found');
    },
  );

  it('lookedAfterOutOfArea: lives in Hackney, and Tower Hamlets is the responsible LA', async () => {
    const a = await harness().check<CheckResult>(principals.edNurse, 'lookedAfterOutOfArea');
    expect(personas.lookedAfterOutOfArea.livesIn).toBe('Hackney');
    expect(a.body.plans.map((p) => p.responsibleAuthority.odsCode)).toEqual([
      authorities.towerHamlets.odsCode,
    ]);
  });

  it('manyEarlierAccesses: has more than 25 earlier accesses, of which 25 are shown', async () => {
    const population = syntheticPopulation(TODAY);
    const earlier = population.accesses.filter(
      (a) => a.nhsNumber === personas.manyEarlierAccesses.nhsNumber,
    );
    expect(earlier.length).toBeGreaterThan(25);
    const a = await harness().check<CheckResult>(principals.edNurse, 'manyEarlierAccesses');
    expect(a.body.accessHistory).toHaveLength(25);
  });

  it('hostileAuthorityName: the authority name survives byte for byte', async () => {
    const h = harness();
    const check = await h.check<CheckResult>(principals.edNurse, 'hostileAuthorityName');
    const read = await h.call<{ name: string }>(
      'GET',
      `/v1/authorities/${authorities.hostile.odsCode}`,
      {
        as: principals.edNurse,
      },
    );
    expect(check.body.plans[0]?.responsibleAuthority.name).toBe(authorities.hostile.name);
    expect(read.body.name).toBe(authorities.hostile.name);
    expect(await read.response.text()).toContain(JSON.stringify(authorities.hostile.name));
    expect(authorities.hostile.name).toContain('<script>');
  });
});

describe('the population', () => {
  const population = syntheticPopulation(TODAY);

  it.each(population.plans)('plan $planId is a plan an LA could upload today', (plan) => {
    const { authority: _authority, planId: _planId, ...input } = plan;
    expect(validatePlan(input, TODAY)).toEqual([]);
  });

  it('names only authorities that have both phone numbers', () => {
    const known = new Map(population.authorities.map((a) => [a.odsCode, a]));
    for (const plan of population.plans) {
      const authority = known.get(plan.authority);
      expect(authority?.officeHoursPhone).toBeTruthy();
      expect(authority?.emergencyDutyPhone).toBeTruthy();
    }
  });

  it('is dated relative to today', () => {
    expect(syntheticPopulation('2030-06-01').plans[0]?.startDate).toBe('2030-02-01');
  });
});

describe('principals', () => {
  it.each(Object.values(principals))('$key gets a token the mock accepts', async (principal) => {
    const h = harness();
    const a = await h.call('GET', `/v1/authorities/${authorities.towerHamlets.odsCode}`, {
      as: principal,
    });
    expect(a.status).toBe(principal.odsCode === authorities.sheffield.odsCode ? 403 : 200);
  });
});

describe('the fixtures module', () => {
  it('imports nothing but @cpis/domain, so `@cpis/mock/fixtures` never pulls in msw', () => {
    const importsOf = (url: URL) =>
      [...readFileSync(url, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(importsOf(new URL('./fixtures.ts', import.meta.url))).toEqual(['@cpis/population']);
    const population = new URL('../../population/src/', import.meta.url);
    expect(importsOf(new URL('index.ts', population))).toEqual(['./population.js']);
    expect(importsOf(new URL('population.ts', population))).toEqual(['@cpis/domain']);
  });
});
