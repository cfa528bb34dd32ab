/**
 * Development seed: the synthetic population of `@cpis/mock` (999-range NHS numbers,
 * invented people and phones), loaded into an empty database in one transaction.
 */
import { randomUUID } from 'node:crypto';
import type { Population } from '@cpis/mock/fixtures';
import type { Store } from './store.js';

/** Seeds `population` when the database holds no authority yet; says whether it did. */
export async function seedIfEmpty(
  store: Store,
  population: Population,
  now: Date,
): Promise<boolean> {
  if (!(await store.isEmpty())) return false;
  const at = now.toISOString();
  await store.transaction(async (trx) => {
    for (const authority of population.authorities) {
      await store.insertAuthority(trx, authority, at);
    }
    await store.upsertPlans(
      trx,
      population.plans.map((p) => ({
        authority_ods: p.authority,
        plan_id: p.planId,
        nhs_number: p.nhsNumber,
        type: p.type,
        start_date: p.startDate,
        end_date: p.endDate ?? null,
        expected_delivery_date: p.expectedDeliveryDate ?? null,
        created_at: at,
        updated_at: at,
        deleted_at: null,
      })),
    );
    await store.insertAccessEntries(
      trx,
      population.accesses.map((a) => ({
        entry_id: randomUUID(),
        check_id: null,
        nhs_number: a.nhsNumber,
        accessed_at: a.accessedAt,
        setting_ods: a.setting.odsCode,
        setting_name: a.setting.name,
        user_role: a.userRole,
        user_sub: null,
      })),
    );
  });
  return true;
}
