/**
 * The words every surface uses for a CP-IS answer: the banner, the inbox and the CDS Hooks
 * cards say the same thing in the same words, from here.
 */
import type { components } from './generated/cpis.js';
import type { ReasonCode } from './reason.js';

type CheckResult = components['schemas']['CheckResult'];
type PlanType = components['schemas']['PlanType'];

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
export const NO_REASON_GIVEN_WORDS =
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

/** What "no record" does not mean: said with every no-record answer, never as "safe". */
export const NO_RECORD_MEANING = 'This does not mean there are no safeguarding concerns.';

/** What CP-IS holds, said after `NO_RECORD_MEANING`. */
export const CPIS_SCOPE =
  'CP-IS only holds child protection plans, looked-after-child records and unborn child protection plans that local authorities have shared.';

/** A failed check: the status is unknown, never "no record". */
export const CHECK_FAILED =
  'CP-IS check failed — status unknown. Follow your local safeguarding procedure.';

/** Who was told about a check, in words. */
export function notifiedText(result: CheckResult): string {
  // NHS England's CP-IS API tells the responsible authority of an unscheduled check but
  // does not say whom it told: never name an authority, and never say that no one was told.
  if (result.notificationsKnown === false) {
    return 'The national CP-IS service tells the responsible local authority about an unscheduled check, but does not say whom it told, so this screen cannot show it.';
  }
  const names = result.notifiedAuthorities.map(
    (odsCode) =>
      result.plans.find((p) => p.responsibleAuthority.odsCode === odsCode)?.responsibleAuthority
        .name ?? `the local authority with ODS code ${odsCode}`,
  );
  if (names.length === 1) return `${names[0]} has been told about this check.`;
  if (names.length > 1)
    return `These local authorities have been told about this check: ${names.join('; ')}.`;
  return result.accessContext === 'scheduled'
    ? 'No local authority was told about this check: a scheduled check is a silent read.'
    : 'No local authority was told about this check: it repeats one made by you from this setting in the last 24 hours, which they were told about.';
}
