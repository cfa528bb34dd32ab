import {
  LitElement,
  html,
  nothing,
  type PropertyDeclarations,
  type PropertyValues,
  type SVGTemplateResult,
  type TemplateResult,
} from 'lit';
import { Task, TaskStatus, initialState } from '@lit/task';
import {
  CHECK_FAILED,
  CPIS_SCOPE,
  NO_RECORD_MEANING,
  PLAN_TYPE_LABELS,
  REASON_CODES,
  calendarDateText,
  isoOrEmpty,
  londonDateTime,
  telHref,
  formatNhsNumber,
  isReasonCode,
  isValidNhsNumber,
  normalizeNhsNumber,
  notifiedText,
  type AccessContext,
  type AccessReason,
  type ReasonCode,
} from '@cpis/domain';
import { CpisContractError, type CheckResult, type CpisCheckClient, type Plan } from '@cpis/sdk';
import { CpisAccessHistory } from '../access-history/access-history.js';
import { historyNotGiven } from '../internal/history.js';
import { CpisAccessReasonDialog } from '../access-reason-dialog/access-reason-dialog.js';
import { CpisClientController } from '../context.js';
import { CpisCheckCompleteEvent, CpisCheckErrorEvent, CpisCheckStartEvent } from '../events.js';
import { defineElement } from '../internal/define-element.js';
import {
  clockIcon,
  criticalIcon,
  failedIcon,
  infoIcon,
  questionIcon,
  setupIcon,
  warningIcon,
} from '../internal/icons.js';
import { problemState, type ProblemState } from '../internal/problem-state.js';
import { flagBannerStyles } from './flag-banner.styles.js';

/** The banner's states: design.md's table, exactly. */
export type FlagBannerState =
  | 'unconfigured'
  | 'not-checkable'
  | 'not-checked'
  | 'checking'
  | 'record-found'
  | 'no-record'
  | 'failed'
  | 'signed-out'
  | 'forbidden';

/** Who is checked, with which client, in which context: a change of any of them is a new patient view. */
interface Target {
  client: CpisCheckClient;
  nhsNumber: string;
  accessContext: AccessContext;
}

interface CheckRequest extends Target {
  reason: AccessReason;
  /** One key for the check and every "Try again" of it, so a lost answer never notifies twice. */
  idempotencyKey: string;
  /** The user pressed a button for it (the dialog, or Try again), rather than `auto-check`. */
  userInitiated: boolean;
}

type CheckOutcome =
  | { request: CheckRequest; result: CheckResult }
  | { request: CheckRequest; error: unknown; state: ProblemState; at: Date };

/** What the banner shows; `text` says, in words, why it cannot check. */
type View =
  | { state: 'unconfigured' | 'not-checkable'; text: string }
  | { state: 'not-checked' | 'checking'; nhsNumber: string }
  | {
      state: 'record-found' | 'no-record';
      nhsNumber: string;
      result: CheckResult;
      outcome: CheckOutcome;
    }
  | {
      state: ProblemState;
      nhsNumber: string;
      request: CheckRequest;
      at: Date;
      outcome?: CheckOutcome;
    };

/** A band's colour and icon; `pending`, `progress` and `info` never look alike (hazard H14). */
type Tone = 'pending' | 'progress' | 'info' | 'critical' | 'failed' | 'attention' | 'setup';

/** Each state's tone (the band's colour) and heading. */
const FRAMES: Record<FlagBannerState, [Tone, string]> = {
  unconfigured: ['setup', 'CP-IS banner not configured'],
  'not-checkable': ['attention', 'CP-IS not checked'],
  'not-checked': ['pending', 'CP-IS has not been checked for this patient'],
  checking: ['progress', 'Checking CP-IS'],
  'record-found': ['critical', 'CP-IS record found'],
  'no-record': ['info', 'No CP-IS record'],
  failed: ['failed', 'CP-IS check failed'],
  'signed-out': ['attention', 'Your session has ended'],
  forbidden: ['attention', 'CP-IS check not allowed'],
};

const ICONS: Record<Tone, SVGTemplateResult> = {
  pending: questionIcon,
  progress: clockIcon,
  info: infoIcon,
  critical: criticalIcon,
  failed: failedIcon,
  attention: warningIcon,
  setup: setupIcon,
};

const SIGNED_OUT = 'Your session has ended — sign in again. CP-IS not checked.';
const CONTEXTS = '"unscheduled" or "scheduled"';
/** `other` needs a comment, which only the dialog can ask for. */
const AUTO_REASONS = REASON_CODES.filter((code) => code !== 'other');

/**
 * @summary Shows whether CP-IS holds a child protection plan, a looked-after-child record
 * or an unborn child protection plan for the patient, with the responsible local
 * authority's phone numbers — and says so in words when it could not check.
 *
 * @tag cpis-flag-banner
 *
 * @attr nhs-number - The patient's NHS number (spaces and dashes allowed).
 * @attr nhs-number-verified - Present when the host has traced the number on PDS. Without it the banner never checks. Unlike a plain HTML boolean, the value `"false"` also means not verified, so `setAttribute('nhs-number-verified', String(traced))` can never check an untraced number.
 * @attr access-context - `unscheduled` (notifies the local authority) or `scheduled` (a silent read). Never defaulted.
 * @attr auto-check - Check as soon as the banner is configured, with `reason` as the reason.
 * @attr reason - The reason code for `auto-check`; any code except `other`. With `auto-check`, a missing or invalid one shows `unconfigured`. Without it, it only preselects the dialog's answer.
 *
 * @event cpis-check-start - A check has started. `detail: { nhsNumber, accessContext }`.
 * @event cpis-check-complete - A check answered, and the answer is on screen (`state` already says it). `detail: { outcome, checkId }`.
 * @event cpis-check-error - A check failed, and the failure is on screen. `detail: { error, state }`; `error` is the SDK's, e.g. `CpisAuthError` when `getToken()` threw (state `signed-out`).
 *
 * @csspart banner - The region: band, body and border.
 * @csspart heading - The banner's heading.
 * @csspart plan - One plan of a record found.
 * @csspart phone - A local authority phone link.
 * @csspart button - The Check CP-IS and Try again buttons.
 * @csspart history - The disclosure holding the earlier accesses.
 *
 * @cssprop --cpis-color-text - Text. Default `#212b32`.
 * @cssprop --cpis-color-primary - No-record band and links. Default `#005eb8`.
 * @cssprop --cpis-color-critical - Record-found band. Default `#d5281b`.
 * @cssprop --cpis-color-failed - Failed band. Default `#8a1538`.
 * @cssprop --cpis-color-pending - Not-checked band (dark text). Default `#e8edee`.
 * @cssprop --cpis-color-progress - Checking band (dark text). Default `#41b6e6`.
 * @cssprop --cpis-color-warning - Band of not-checkable, signed-out and forbidden. Default `#ffeb3b`.
 * @cssprop --cpis-color-warning-background - Body of failed, not-checkable, signed-out and forbidden. Default `#fff9c4`.
 * @cssprop --cpis-color-background - Body. Default `#ffffff`.
 * @cssprop --cpis-color-plan-background - Behind each plan. Default `#f0f4f5`.
 * @cssprop --cpis-color-secondary - Ended plans, set-up band, not-checked border. Default `#4c6272`.
 * @cssprop --cpis-color-button - Primary button. Default `#007f3b`.
 * @cssprop --cpis-color-focus - Focus highlight. Default `#ffeb3b`.
 * @cssprop --cpis-font-family - Font. Default `'Frutiger W01', Arial, sans-serif`.
 * @cssprop --cpis-font-size - Base size, never below 14px. Default `16px`.
 * @cssprop --cpis-border-width - Banner border. Default `4px`.
 * @cssprop --cpis-space-3 - Padding. Default `16px`.
 */
export class CpisFlagBanner extends LitElement {
  static override styles = flagBannerStyles;

  static override properties: PropertyDeclarations = {
    nhsNumber: { attribute: 'nhs-number' },
    nhsNumberVerified: {
      type: Boolean,
      attribute: 'nhs-number-verified',
      converter: {
        fromAttribute: verifiedFromAttribute,
        toAttribute: (v: boolean) => (v ? '' : null),
      },
    },
    accessContext: { attribute: 'access-context' },
    autoCheck: { type: Boolean, attribute: 'auto-check' },
    reason: {},
    client: { attribute: false },
    request: { state: true },
  };

  /** The patient's NHS number; spaces and dashes are ignored. */
  declare nhsNumber?: string;

  /** Whether the host traced the NHS number on PDS. The banner never checks an unverified number. */
  declare nhsNumberVerified: boolean;

  /** `unscheduled` notifies the responsible local authority; `scheduled` is a silent read. */
  declare accessContext?: AccessContext;

  /** Check on open, without the dialog, using `reason`. */
  declare autoCheck: boolean;

  /**
   * The reason code for `auto-check` (not `other`, which needs a comment). With
   * `auto-check`, a missing or invalid one shows `unconfigured`, never a silent fallback.
   */
  declare reason?: ReasonCode;

  /** The CP-IS client; wins over one provided by context. */
  declare client?: CpisCheckClient;

  declare private request?: CheckRequest;

  readonly #context = new CpisClientController(this);
  /** Whom the open dialog is asking about. */
  #dialogTarget?: Target;
  #view: View = { state: 'unconfigured', text: '' };
  /** The last outcome an event told the host about. */
  #told?: CheckOutcome;

  readonly #task = new Task<[CheckRequest | undefined], CheckOutcome>(this, {
    args: () => [this.request],
    task: ([request], { signal }) => (request ? this.#check(request, signal) : initialState),
  });

  constructor() {
    super();
    this.nhsNumberVerified = false;
    this.autoCheck = false;
    // The banner's own parts; registering here, not at import, keeps imports free of side effects.
    defineElement('cpis-access-reason-dialog', CpisAccessReasonDialog);
    defineElement('cpis-access-history', CpisAccessHistory);
  }

  /** What the banner shows now. Also on the host as `data-state`. */
  get state(): FlagBannerState {
    return this.#deriveView().state;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const target = this.#target();
    // A new patient view: drop the old check at once. The task then aborts its request.
    if (this.request && !sameTarget(this.request, target)) {
      this.request = undefined;
    }
    if (this.#dialogTarget && !sameTarget(this.#dialogTarget, target)) {
      this.#dialog()?.close();
    }
    // #setup made sure an auto-check has a reason it can send.
    if (!this.request && target && this.autoCheck) {
      this.request = {
        ...target,
        reason: { code: this.reason as ReasonCode },
        idempotencyKey: crypto.randomUUID(),
        userInitiated: false,
      };
    }
  }

  protected override update(changed: PropertyValues<this>): void {
    // After willUpdate and the task's hostUpdate, so a check just started shows as checking.
    this.#view = this.#deriveView();
    if (this.getAttribute('data-state') !== this.#view.state) {
      this.setAttribute('data-state', this.#view.state);
    }
    super.update(changed);
  }

  /**
   * Tells the host about an answer only once it is on screen, so a listener that reads
   * `state` or `data-state` finds the state the event is about (never `checking`).
   */
  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const { outcome } = this.#view as { outcome?: CheckOutcome };
    if (!outcome || outcome === this.#told) return;
    this.#told = outcome;
    this.dispatchEvent(
      'result' in outcome
        ? new CpisCheckCompleteEvent({
            outcome: outcome.result.outcome,
            checkId: outcome.result.checkId,
          })
        : new CpisCheckErrorEvent({ error: outcome.error, state: outcome.state }),
    );
  }

  protected override render(): TemplateResult {
    const view = this.#view;
    const [tone, heading] = FRAMES[view.state];
    return html`<section
        class="banner banner--${tone}"
        part="banner"
        role="region"
        aria-labelledby="heading"
      >
        <div class="header">
          ${ICONS[tone]}
          <h2 id="heading" part="heading" tabindex="-1">
            ${
              tone === 'critical' || tone === 'failed'
                ? html`<span class="visually-hidden">Important: </span>`
                : nothing
            }${heading}
          </h2>
        </div>
        <div class="body">${this.#renderBody(view)}</div>
      </section>
      <div class="visually-hidden" aria-live="polite" aria-atomic="true">${announcement(view)}</div>
      <cpis-access-reason-dialog
        access-context=${this.accessContext ?? nothing}
      ></cpis-access-reason-dialog>`;
  }

  async #check(request: CheckRequest, signal: AbortSignal): Promise<CheckOutcome> {
    const { client, nhsNumber, accessContext, reason, idempotencyKey } = request;
    this.dispatchEvent(new CpisCheckStartEvent({ nhsNumber, accessContext }));
    try {
      const result = await client.checks.create(
        { nhsNumber, nhsNumberVerified: true, accessContext, reason },
        { signal, idempotencyKey },
      );
      // The SDK checks this too; a banner never shows one patient's answer for another.
      if (result.nhsNumber !== nhsNumber) {
        throw new CpisContractError('nhsNumber is not the one asked about');
      }
      signal.throwIfAborted();
      return { request, result };
    } catch (error) {
      // Superseded by a new patient view or a new check: the task drops this run.
      if (signal.aborted) throw error;
      return { request, error, state: problemState(error), at: new Date() };
    }
  }

  /** Whom the banner may check, or, in words, why it may not. */
  #setup(): Target | Extract<View, { text: string }> {
    const client = this.client ?? this.#context.value;
    const { accessContext } = this;
    if (!client) {
      return unconfigured(
        'there is no CP-IS client. Call provideCpisClient(root, client) on an ancestor, or set the client property.',
      );
    }
    if (!accessContext) {
      return unconfigured(`set access-context to ${CONTEXTS}; it is never defaulted.`);
    }
    if (accessContext !== 'unscheduled' && accessContext !== 'scheduled') {
      return unconfigured(
        `access-context is “${accessContext as string}”; it must be ${CONTEXTS}.`,
      );
    }
    const raw = (this.nhsNumber ?? '').trim();
    const nhsNumber = normalizeNhsNumber(raw);
    const text = !raw
      ? 'there is no NHS number for this patient.'
      : !isValidNhsNumber(nhsNumber)
        ? `“${raw}” is not a valid NHS number.`
        : !this.nhsNumberVerified
          ? `NHS No. ${formatNhsNumber(nhsNumber)} has not been verified on PDS (the Personal Demographics Service). Trace the patient on PDS first.`
          : '';
    if (text) return { state: 'not-checkable', text };
    const { reason } = this;
    if (this.autoCheck && !(AUTO_REASONS as readonly unknown[]).includes(reason)) {
      return unconfigured(
        `with auto-check, reason must be ${AUTO_REASONS.map((c) => `“${c}”`).join(', ')}; it is ${reason ? `“${reason as string}”` : 'not set'}.`,
      );
    }
    return { client, nhsNumber, accessContext };
  }

  #target(): Target | undefined {
    const setup = this.#setup();
    return 'client' in setup ? setup : undefined;
  }

  #deriveView(): View {
    const target = this.#setup();
    if (!('client' in target)) return target;
    const { nhsNumber } = target;
    const request = this.request;
    if (!request || !sameTarget(request, target)) return { state: 'not-checked', nhsNumber };
    const outcome = this.#task.status === TaskStatus.COMPLETE ? this.#task.value : undefined;
    if (outcome?.request !== request) return { state: 'checking', nhsNumber };
    if (!('result' in outcome)) return { ...outcome, nhsNumber, outcome };
    // Unreachable through #check; kept so no path can show another patient's answer.
    return outcome.result.nhsNumber === nhsNumber
      ? { state: outcome.result.outcome, nhsNumber, result: outcome.result, outcome }
      : { state: 'failed', nhsNumber, request, at: new Date() };
  }

  async #onCheckClick(): Promise<void> {
    const target = this.#target();
    const dialog = this.#dialog();
    if (!target || !dialog) return;
    this.#dialogTarget = target;
    const preselect = isReasonCode(this.reason) ? this.reason : undefined;
    const reason = await dialog.show(preselect).finally(() => (this.#dialogTarget = undefined));
    const now = this.#target();
    // Cancelled, or the patient changed while the dialog was open.
    if (!reason || !now || !sameTarget(now, target)) return;
    this.request = { ...now, reason, idempotencyKey: crypto.randomUUID(), userInitiated: true };
    await this.#focusHeading();
  }

  async #onRetry(): Promise<void> {
    const request = this.request;
    if (!request) return;
    this.request = { ...request, userInitiated: true };
    await this.#focusHeading();
  }

  /** The button the user pressed is gone once the state changes; keep focus in the banner. */
  async #focusHeading(): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('#heading')?.focus();
  }

  #dialog(): CpisAccessReasonDialog | null {
    return this.renderRoot.querySelector('cpis-access-reason-dialog');
  }

  #renderBody(view: View): TemplateResult {
    switch (view.state) {
      case 'unconfigured':
        return html`<p>CP-IS has not been checked: this banner is not set up.</p>
          <p>For the developer: ${view.text}</p>`;
      case 'not-checkable':
        return html`<p class="lead">CP-IS not checked: ${view.text}</p>`;
      case 'not-checked':
        return html`<p>
            CP-IS has not been checked for this patient, ${nhsNumberText(view.nhsNumber)}.
          </p>
          ${this.#button('Check CP-IS', this.#onCheckClick)}`;
      case 'checking':
        return html`<p>Checking CP-IS for ${nhsNumberText(view.nhsNumber)}…</p>
          <progress aria-labelledby="heading"></progress>`;
      case 'record-found': {
        const { result } = view;
        return html`<p class="meta">
            ${nhsNumberText(view.nhsNumber)}, checked ${timeText(new Date(result.checkedAt))}.
          </p>
          <ul class="plans">
            ${result.plans.map(renderPlan)}
          </ul>
          <p>${notifiedText(result)}</p>
          <details part="history">
            <summary>
              <span
                >Accesses to this record from unscheduled care
                (${historyNotGiven(result) ? 'not known' : result.accessHistory.length})</span
              >
            </summary>
            <cpis-access-history .result=${result}></cpis-access-history>
          </details>
          ${sourceText(result)}`;
      }
      case 'no-record':
        return html`<p class="lead">
            No CP-IS record for ${nhsNumberText(view.nhsNumber)}, checked
            ${timeText(new Date(view.result.checkedAt))}.
          </p>
          <p>${NO_RECORD_MEANING} ${CPIS_SCOPE}</p>
          ${sourceText(view.result)}`;
      default: {
        // failed, signed-out, forbidden. role="alert" only for a failure the user just caused.
        const forbidden = view.state === 'forbidden';
        const scheduled = view.request.accessContext === 'scheduled';
        return html`<div role=${view.request.userInitiated ? 'alert' : nothing}>
            <p class="lead">
              ${
                view.state === 'failed'
                  ? CHECK_FAILED
                  : view.state === 'signed-out'
                    ? SIGNED_OUT
                    : `Your role cannot make ${scheduled ? 'a scheduled' : 'an unscheduled'} CP-IS check. CP-IS not checked.`
              }
            </p>
            <p>${nhsNumberText(view.nhsNumber)}, tried ${timeText(view.at)}.</p>
            ${
              forbidden
                ? html`<p>
                    Ask a colleague whose role can check CP-IS, or your system administrator.
                  </p>`
                : nothing
            }
          </div>
          ${forbidden ? nothing : this.#button('Try again', this.#onRetry)}`;
      }
    }
  }

  #button(label: string, onClick: () => Promise<void>): TemplateResult {
    return html`<div class="actions">
      <button type="button" class="button" part="button" @click=${onClick}>${label}</button>
    </div>`;
  }
}

function unconfigured(text: string): Extract<View, { text: string }> {
  return { state: 'unconfigured', text };
}

function sameTarget(a: Target, b: Target | undefined): boolean {
  return (
    a.client === b?.client && a.nhsNumber === b.nhsNumber && a.accessContext === b.accessContext
  );
}

function nhsNumberText(nhsNumber: string): TemplateResult {
  return html`<span class="nhs-number">NHS No. ${formatNhsNumber(nhsNumber)}</span>`;
}

function timeText(at: Date): TemplateResult {
  return html`<time datetime=${isoOrEmpty(at)}>${londonDateTime(at)}</time>`;
}

function renderPlan(plan: Plan): TemplateResult {
  const { responsibleAuthority: authority, startDate, endDate } = plan;
  const active = plan.status === 'active';
  return html`<li class="plan ${active ? '' : 'plan--ended'}" part="plan">
    <h3>${PLAN_TYPE_LABELS[plan.type]}</h3>
    <p>
      ${
        active
          ? html`<strong class="tag tag--active">Active</strong> since
              ${calendarDateText(startDate)}`
          : html`<strong class="tag tag--ended">Ended</strong>
              ${endDate ? calendarDateText(endDate) : ''} (started ${calendarDateText(startDate)})`
      }
    </p>
    ${
      plan.type === 'UCPP'
        ? html`<p>Expected delivery date: ${expectedDeliveryText(plan)}</p>`
        : nothing
    }
    <p>Responsible local authority: <strong>${authority.name}</strong></p>
    <ul class="phones">
      <li>Office hours: ${phoneLink(authority.officeHoursPhone)}</li>
      <li>Emergency duty (out of hours): ${phoneLink(authority.emergencyDutyPhone)}</li>
    </ul>
  </li>`;
}

/** NHS England's APIs give no expected delivery date: say so, never leave a blank. */
function expectedDeliveryText(plan: Plan): TemplateResult | string {
  return plan.expectedDeliveryDate
    ? calendarDateText(plan.expectedDeliveryDate)
    : 'not known (the answering service does not give it)';
}

function phoneLink(phone: string): TemplateResult {
  return html`<a part="phone" href=${telHref(phone)}>${phone}</a>`;
}

/** Which service answered, said quietly in every result, for support calls. */
const SOURCE_LABELS: Record<NonNullable<CheckResult['answeredBy']>, string> = {
  'cpis-embed-kit': 'the CP-IS Embed Kit service',
  'nhs-cpis-fhir': "NHS England's CP-IS FHIR API",
  'nhs-patient-flags': "NHS England's Patient Flags API",
};

function sourceText(result: CheckResult): TemplateResult {
  return html`<p class="source" part="source">
    Answered by ${SOURCE_LABELS[result.answeredBy ?? 'cpis-embed-kit']}.
  </p>`;
}

function announcement(view: View): string {
  const nhsNumber = 'nhsNumber' in view ? `NHS No. ${formatNhsNumber(view.nhsNumber)}` : '';
  switch (view.state) {
    case 'checking':
      return `Checking CP-IS for ${nhsNumber}.`;
    case 'record-found':
      return `Important: CP-IS record found for ${nhsNumber}.`;
    case 'no-record':
      return `No CP-IS record for ${nhsNumber}, checked ${londonDateTime(new Date(view.result.checkedAt))}. ${NO_RECORD_MEANING}`;
    // A failure the user just caused is announced by its role="alert" instead.
    case 'failed':
      return view.request.userInitiated ? '' : `Important: ${CHECK_FAILED}`;
    case 'signed-out':
      return view.request.userInitiated ? '' : SIGNED_OUT;
    case 'forbidden':
      return view.request.userInitiated
        ? ''
        : 'Your role cannot make this kind of CP-IS check. CP-IS not checked.';
    default:
      return '';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'cpis-flag-banner': CpisFlagBanner;
  }
}

/**
 * `nhs-number-verified` is present, and not "false": a host that writes the attribute from a
 * boolean (`String(traced)`) must never make an untraced number checkable (hazard H8).
 */
function verifiedFromAttribute(value: string | null): boolean {
  return value !== null && value.trim().toLowerCase() !== 'false';
}
