/** The words the elements use for the contract's codes. */
import type { PlanType, ReasonCode } from '@cpis/domain';

export const REASON_LABELS: Record<ReasonCode, string> = {
  'unscheduled-attendance': 'Unscheduled attendance',
  'safeguarding-concern': 'Safeguarding concern',
  'clinical-review': 'Clinical review',
  other: 'Other',
};

/**
 * A notification without a reason: the look-up came through NHS England's national CP-IS
 * service, which takes none. Said as it is; a reason is never made up.
 */
export const NO_REASON_GIVEN =
  'No reason given (looked up through the national CP-IS service, which does not ask for one)';

/**
 * A UCPP sits on the pregnant woman's own record but is about her unborn child: the words
 * must never read as a plan for the patient herself (hazard 5).
 */
export const PLAN_TYPE_LABELS: Record<PlanType, string> = {
  CPP: 'Child protection plan',
  LAC: 'Looked after child',
  UCPP: 'Protection plan for the unborn child of this patient',
};
