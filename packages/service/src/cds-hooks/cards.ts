/**
 * The CDS Hooks cards of CP-IS. The indicator always says whether the CP-IS status is
 * known: `critical` for a record found, `info` for no record (with the banner's own
 * caveat), `warning` whenever the status is not known (not checked, failed, timed out,
 * not allowed, not checkable). A failed check always gets a card: never an empty list.
 * The words are `@cpis/domain`'s, the banner's own.
 */
import {
  CHECK_FAILED,
  CPIS_SCOPE,
  NO_RECORD_MEANING,
  PLAN_TYPE_LABELS,
  calendarDateText,
  formatNhsNumber,
  londonDateTime,
  notifiedText,
  type components,
} from '@cpis/domain';
import { randomUuid } from '../ids.js';

type CheckResult = components['schemas']['CheckResult'];
type Plan = components['schemas']['Plan'];

/** A card, as the contract (`CdsCard`) has it. */
export type CdsCard = components['schemas']['CdsCard'];
export type CardIndicator = CdsCard['indicator'];
/** What a card says, by kind: `topic.code` of its source names it. */
export type CardKind = CdsCard['source']['topic']['code'];

/** What a card is about. */
export type CardSubject =
  | { kind: 'result'; result: CheckResult }
  /** An unscheduled-care user has not checked CP-IS at this attendance. Reveals nothing. */
  | { kind: 'not-checked-by-you' }
  /** What CP-IS needs could not be had (the patient could not be read from the EHR). */
  | { kind: 'not-checked'; why: string }
  /** The NHS number cannot be checked (missing, invalid, not verified). */
  | { kind: 'not-checkable'; why: string }
  | { kind: 'failed'; why: string }
  | { kind: 'timed-out' }
  | { kind: 'not-allowed'; why: string };

export const CARD_SOURCE_LABEL = 'CP-IS';
export const CARD_TOPIC_SYSTEM = 'urn:cpis:cds-hooks:card';
/** The specification's limit on a summary. */
export const SUMMARY_MAX_LENGTH = 140;

const TOPICS: Record<CardKind, [CardIndicator, string]> = {
  'record-found': ['critical', 'CP-IS record found'],
  'no-record': ['info', 'No CP-IS record'],
  'not-checked-by-you': ['warning', 'CP-IS not checked by you at this attendance'],
  'not-checked': ['warning', 'CP-IS not checked'],
  'not-checkable': ['warning', 'CP-IS not checkable'],
  failed: ['warning', 'CP-IS check failed'],
  'timed-out': ['warning', 'CP-IS check timed out'],
  'not-allowed': ['warning', 'CP-IS check not allowed'],
};

/**
 * The card for `subject`. `bannerUrl` opens the full banner view for this patient (with
 * the NHS number, when there is a checkable one, in the fragment: never sent to a server).
 */
export function cpisCard(subject: CardSubject, bannerUrl: string, nhsNumber?: string): CdsCard {
  const [kind, summary, detail] = words(subject);
  const [indicator, display] = TOPICS[kind];
  const url =
    nhsNumber === undefined
      ? bannerUrl
      : `${bannerUrl}#nhs-number=${encodeURIComponent(nhsNumber)}`;
  return {
    uuid: randomUuid(),
    summary: Array.from(summary).slice(0, SUMMARY_MAX_LENGTH).join(''),
    detail,
    indicator,
    source: { label: CARD_SOURCE_LABEL, topic: { system: CARD_TOPIC_SYSTEM, code: kind, display } },
    links: [
      {
        label:
          kind === 'not-checked-by-you'
            ? 'Check CP-IS (give your reason)'
            : 'Open the CP-IS banner',
        url,
        type: 'absolute',
      },
    ],
  };
}

function words(subject: CardSubject): [CardKind, string, string] {
  switch (subject.kind) {
    case 'result': {
      const { result } = subject;
      const checked = `NHS No. ${formatNhsNumber(result.nhsNumber)}, checked ${londonDateTime(new Date(result.checkedAt))}.`;
      if (result.outcome === 'no-record') {
        return [
          'no-record',
          `No CP-IS record. ${NO_RECORD_MEANING}`,
          `${NO_RECORD_MEANING} ${CPIS_SCOPE}\n\n${checked}`,
        ];
      }
      const [first, ...rest] = result.plans;
      const label = first === undefined ? 'a record' : PLAN_TYPE_LABELS[first.type];
      return [
        'record-found',
        `CP-IS record found: ${label}${rest.length > 0 ? ` and ${rest.length} more` : ''}`,
        [...result.plans.map(planText), escape(notifiedText(result)), checked].join('\n\n'),
      ];
    }
    case 'not-checked-by-you':
      return [
        'not-checked-by-you',
        'CP-IS has not been checked by you at this attendance',
        'Open the CP-IS banner, confirm your reason and check. An unscheduled check tells the responsible local authority.',
      ];
    case 'not-checked':
      return [
        'not-checked',
        `CP-IS not checked: ${subject.why}`,
        `CP-IS was not checked: ${escape(subject.why)}. The status is unknown. Open the CP-IS banner to check, or follow your local safeguarding procedure.`,
      ];
    case 'not-checkable':
      return [
        'not-checkable',
        `CP-IS not checkable: ${subject.why}`,
        `CP-IS cannot be checked: ${escape(subject.why)}. The status is unknown. CP-IS is checked only for an NHS number traced on the Personal Demographics Service (PDS); trace it, then check CP-IS.`,
      ];
    case 'failed':
      return ['failed', CHECK_FAILED, `${CHECK_FAILED}\n\n${escape(subject.why)}.`];
    case 'timed-out':
      return [
        'timed-out',
        'CP-IS check timed out — status unknown. Follow your local safeguarding procedure.',
        'CP-IS did not answer in time: the status is unknown. The local authority may have been told of this check. Open the CP-IS banner to check again.',
      ];
    case 'not-allowed':
      return [
        'not-allowed',
        `CP-IS check not allowed: ${subject.why}`,
        `CP-IS was not checked: ${escape(subject.why)}. Ask a colleague whose role can check CP-IS, or your system administrator.`,
      ];
  }
}

/** One plan in Markdown: its type in words, dates, the local authority and both phones. */
function planText(plan: Plan): string {
  const authority = plan.responsibleAuthority;
  const dates =
    plan.status === 'active'
      ? `active since ${calendarDateText(plan.startDate)}`
      : `ended ${plan.endDate === undefined ? '' : calendarDateText(plan.endDate)} (started ${calendarDateText(plan.startDate)})`;
  const delivery =
    plan.type === 'UCPP'
      ? ` Expected delivery date: ${plan.expectedDeliveryDate === undefined ? 'not known' : calendarDateText(plan.expectedDeliveryDate)}.`
      : '';
  return [
    `**${PLAN_TYPE_LABELS[plan.type]}**, ${dates}.${delivery}`,
    `Responsible local authority: **${escape(authority.name)}**.`,
    `Office hours: ${escape(authority.officeHoursPhone)}. Emergency duty (out of hours): ${escape(authority.emergencyDutyPhone)}.`,
  ].join(' ');
}

/**
 * Text as Markdown that shows it as it is (an authority's name is the LA's own text):
 * emphasis, code, links, HTML and headings are escaped.
 */
function escape(text: string): string {
  return text.replace(/[\\`*_[\]<>~|#]/g, (c) => `\\${c}`);
}
