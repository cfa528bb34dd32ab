/**
 * Loads a population (the synthetic one of `@cpis/population`, or a test's own) into an
 * empty store, in one transaction: the development server's seed and the mock's state.
 */
import type { Population } from '@cpis/population';
import { randomUuid } from './ids.js';
import type { AccessRecord, Authority, PlanRecord, Storage } from './storage.js';

export interface SeedRecords {
  authorities: Authority[];
  plans: PlanRecord[];
  accesses: AccessRecord[];
}

/** A population as the records a store holds, written at `at`. */
export function seedRecords(population: Population, at: string): SeedRecords {
  return {
    authorities: population.authorities.map((a) => ({ ...a })),
    plans: population.plans.map((p) => ({
      authority: p.authority,
      planId: p.planId,
      nhsNumber: p.nhsNumber,
      type: p.type,
      startDate: p.startDate,
      endDate: p.endDate ?? null,
      expectedDeliveryDate: p.expectedDeliveryDate ?? null,
      createdAt: at,
      updatedAt: at,
      deletedAt: null,
    })),
    accesses: population.accesses.map((a) => ({
      entryId: randomUuid(),
      checkId: null,
      nhsNumber: a.nhsNumber,
      accessedAt: a.accessedAt,
      settingOds: a.setting.odsCode,
      settingName: a.setting.name,
      userRole: a.userRole,
      userSub: null,
    })),
  };
}

/** Seeds `population` when the store holds no authority yet; says whether it did. */
export async function seedIfEmpty(
  store: Storage,
  population: Population,
  now: Date,
): Promise<boolean> {
  if (!(await store.isEmpty())) return false;
  const records = seedRecords(population, now.toISOString());
  await store.transaction(async (tx) => {
    for (const authority of records.authorities)
      await tx.insertAuthority(authority, now.toISOString());
    await tx.upsertPlans(records.plans);
    await tx.insertAccessEntries(records.accesses);
  });
  return true;
}
