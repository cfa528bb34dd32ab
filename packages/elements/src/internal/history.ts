import type { CheckResult } from '@cpis/sdk';

/**
 * NHS England's Patient Flags API gives no access history: its empty `accessHistory` means
 * "not known", never "no one looked".
 */
export const historyNotGiven = (result: CheckResult): boolean =>
  result.answeredBy === 'nhs-patient-flags';
