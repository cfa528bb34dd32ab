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
  formatNhsNumber,
  isReasonCode,
  isValidNhsNumber,
  normalizeNhsNumber,
  type AccessContext,
  type AccessReason,
} from '@cpis/domain';
import {
  CpisContractError,
  isCpisApiError,
  type CheckResult,
  type CpisClient,
  type Plan,
} from '@cpis/sdk';
import { CpisAccessHistory } from '../access-history/access-history.js';
import { CpisAccessReasonDialog } from '../access-reason-dialog/access-reason-dialog.js';
import { CpisClientController } from '../context.js';
import { CpisCheckCompleteEvent, CpisCheckErrorEvent, CpisCheckStartEvent } from '../events.js';
import { defineElement } from '../internal/define-element.js';
import { calendarDateText, isoOrEmpty, londonTimeMaybeDay, telHref } from '../internal/format.js';
import { criticalIcon, infoIcon, setupIcon, warningIcon } from '../internal/icons.js';
import { PLAN_TYPE_LABELS } from '../internal/words.js';
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

type ErrorState = 'failed' | 'signed-out' | 'forbidden';

/** Who is checked, with which client, in which context: a change of any of them is a new patient view. */
interface Target {
  client: CpisClient;
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
  | { request: CheckRequest; error: unknown; state: ErrorState; at: Date };

type NotCheckable = 'missing' | 'invalid' | 'unverified';

type View =
  | { state: 'unconfigured'; problem: 'no-client' | 'no-context' | 'bad-context' }
  | { state: 'not-checkable'; why: NotCheckable; raw: string; nhsNumber: string }
  | { state: 'not-checked' | 'checking'; nhsNumber: string }
  | { state: 'record-found' | 'no-record'; nhsNumber: string; result: CheckResult }
  | {
      state: ErrorState;
      nhsNumber: string;
      accessContext: AccessContext;
      at: Date;
      userInitiated: boolean;
    };

const ACCESS_CONTEXTS: readonly string[] = ['unscheduled', 'scheduled'];

const FAILED = 'CP-IS check failed — status unknown. Follow your local safeguarding procedure.';
const SIGNED_OUT = 'Your session has ended — sign in again. CP-IS not checked.';
const NO_RECORD_MEANING = 'This does not mean there are no safeguarding concerns.';

/**
 * @summary Shows whether CP-IS holds a child protection plan, a looked-after-child record
 * or an unborn child protection plan for the patient, with the responsible local
 * authority's phone numbers — and says so in words when it could not check.
 *
 * @tag cpis-flag-banner
 *
 * @attr nhs-number - The patient's NHS number (spaces and dashes allowed).
 * @attr nhs-number-verified - Present when the host has traced the number on PDS. Without it the banner never checks.
 * @attr access-context - `unscheduled` (notifies the local authority) or `scheduled` (a silent read). Never defaulted.
 * @attr auto-check - Check as soon as the banner is configured, with `reason` as the reason.
 * @attr reason - The reason code for `auto-check`; any code except `other`.
 *
 * @event cpis-check-start - A check has started. `detail: { nhsNumber, accessContext }`.
 * @event cpis-check-complete - A check answered. `detail: { outcome, checkId }`.
 * @event cpis-check-error - A check failed. `detail: { error, state }`.
 *
 * @csspart banner - The region: band, body and border.
 * @csspart heading - The banner's heading.
 * @csspart plan - One plan of a record found.
 * @csspart phone - A local authority phone link.
 * @csspart button - The Check CP-IS and Try again buttons.
 * @csspart history - The disclosure holding the earlier accesses.
 *
 * @cssprop --cpis-color-text - Text. Default `#212b32`.
 * @cssprop --cpis-color-primary - Information band and links. Default `#005eb8`.
 * @cssprop --cpis-color-critical - Record found and failed band. Default `#d5281b`.
 * @cssprop --cpis-color-warning - Not-checked band. Default `#ffeb3b`.
 * @cssprop --cpis-color-warning-background - Failed and not-checked body. Default `#fff9c4`.
 * @cssprop --cpis-color-background - Body. Default `#ffffff`.
 * @cssprop --cpis-color-plan-background - Behind each plan. Default `#f0f4f5`.
 * @cssprop --cpis-color-secondary - Ended plans, set-up band. Default `#4c6272`.
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
    nhsNumberVerified: { type: Boolean, attribute: 'nhs-number-verified' },
    accessContext: { attribute: 'access-context' },
    autoCheck: { type: Boolean, attribute: 'auto-check' },
    reason: {},
    client: { attribute: false },
    request: { state: true, attribute: false },
  };

  /** The patient's NHS number; spaces and dashes are ignored. */
  declare nhsNumber?: string;

  /** Whether the host traced the NHS number on PDS. The banner never checks an unverified number. */
  declare nhsNumberVerified: boolean;

  /** `unscheduled` notifies the responsible local authority; `scheduled` is a silent read. */
  declare accessContext?: AccessContext;

  /** Check on open, without the dialog, using `reason`. */
  declare autoCheck: boolean;

  /** The reason code for `auto-check` (not `other`, which needs a comment). */
  declare reason?: string;

  /** The CP-IS client; wins over one provided by context. */
  declare client?: CpisClient;

  declare private request?: CheckRequest;

  readonly #context = new CpisClientController(this);
  /** Whom the open dialog is asking about. */
  #dialogTarget?: Target;
  #view: View = { state: 'unconfigured', problem: 'no-client' };

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
    if (this.request && !(target && sameTarget(this.request, target))) {
      this.request = undefined;
    }
    if (this.#dialogTarget && !(target && sameTarget(this.#dialogTarget, target))) {
      this.#dialog()?.close();
    }
    const reason = this.#autoReason();
    if (!this.request && target && reason) {
      this.request = {
        ...target,
        reason,
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

  protected override render(): TemplateResult {
    const view = this.#view;
    return html`${this.#renderBanner(view)}
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
      this.dispatchEvent(
        new CpisCheckCompleteEvent({ outcome: result.outcome, checkId: result.checkId }),
      );
      return { request, result };
    } catch (error) {
      // Superseded by a new patient view or a new check: the task drops this run.
      if (signal.aborted) throw error;
      const state = errorState(error);
      this.dispatchEvent(new CpisCheckErrorEvent({ error, state }));
      return { request, error, state, at: new Date() };
    }
  }

  /** Whom the banner may check, or why it may not. */
  #setup(): Target | Extract<View, { state: 'unconfigured' | 'not-checkable' }> {
    const client = this.client ?? this.#context.value;
    const accessContext = this.accessContext;
    if (!client) return { state: 'unconfigured', problem: 'no-client' };
    if (!accessContext) return { state: 'unconfigured', problem: 'no-context' };
    if (!ACCESS_CONTEXTS.includes(accessContext)) {
      return { state: 'unconfigured', problem: 'bad-context' };
    }
    const raw = (this.nhsNumber ?? '').trim();
    const nhsNumber = normalizeNhsNumber(raw);
    const why: NotCheckable | undefined =
      raw === ''
        ? 'missing'
        : !isValidNhsNumber(nhsNumber)
          ? 'invalid'
          : !this.nhsNumberVerified
            ? 'unverified'
            : undefined;
    return why
      ? { state: 'not-checkable', why, raw, nhsNumber }
      : { client, nhsNumber, accessContext };
  }

  #target(): Target | undefined {
    const setup = this.#setup();
    return 'client' in setup ? setup : undefined;
  }

  #autoReason(): AccessReason | undefined {
    if (!this.autoCheck || !isReasonCode(this.reason) || this.reason === 'other') return undefined;
    return { code: this.reason };
  }

  #deriveView(): View {
    const target = this.#setup();
    if (!('client' in target)) return target;
    const { nhsNumber } = target;
    const request = this.request;
    if (!request || !sameTarget(request, target)) {
      return { state: 'not-checked', nhsNumber };
    }
    const outcome = this.#task.status === TaskStatus.COMPLETE ? this.#task.value : undefined;
    if (!outcome || outcome.request !== request) return { state: 'checking', nhsNumber };
    if ('result' in outcome) {
      if (outcome.result.nhsNumber !== nhsNumber) {
        // Unreachable through #check; kept so no path can show another patient's answer.
        return { ...errorView(request, new Date()), state: 'failed' };
      }
      return { state: outcome.result.outcome, nhsNumber, result: outcome.result };
    }
    return { ...errorView(request, outcome.at), state: outcome.state };
  }

  async #onCheckClick(): Promise<void> {
    const target = this.#target();
    const dialog = this.#dialog();
    if (!target || !dialog) return;
    this.#dialogTarget = target;
    const reason = await dialog.show().finally(() => (this.#dialogTarget = undefined));
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

  #renderBanner(view: View): TemplateResult {
    switch (view.state) {
      case 'unconfigured':
        return this.#frame('setup', setupIcon, 'CP-IS banner not configured', false, [
          html`<p>CP-IS has not been checked: this banner is not set up.</p>`,
          html`<p>For the developer: ${unconfiguredText(view.problem, this.accessContext)}</p>`,
        ]);
      case 'not-checkable':
        return this.#frame('attention', warningIcon, 'CP-IS not checked', false, [
          html`<p class="lead">CP-IS not checked: ${notCheckableText(view)}</p>`,
        ]);
      case 'not-checked':
        return this.#frame('info', infoIcon, 'CP-IS has not been checked for this patient', false, [
          html`<p>
            CP-IS has not been checked for this patient, ${nhsNumberText(view.nhsNumber)}.
          </p>`,
          html`<div class="actions">
            <button type="button" class="button" part="button" @click=${this.#onCheckClick}>
              Check CP-IS
            </button>
          </div>`,
        ]);
      case 'checking':
        return this.#frame('info', infoIcon, 'Checking CP-IS', false, [
          html`<p>Checking CP-IS for ${nhsNumberText(view.nhsNumber)}…</p>`,
          html`<progress aria-labelledby="heading"></progress>`,
        ]);
      case 'record-found':
        return this.#frame('critical', criticalIcon, 'CP-IS record found', true, [
          html`<p class="meta">
            ${nhsNumberText(view.nhsNumber)}, checked ${checkedAt(view.result.checkedAt)}.
          </p>`,
          html`<ul class="plans">
            ${view.result.plans.map((plan) => renderPlan(plan))}
          </ul>`,
          html`<p>${notifiedText(view.result)}</p>`,
          html`<details part="history">
            <summary>
              <span
                >Accesses to this record from unscheduled care
                (${view.result.accessHistory.length})</span
              >
            </summary>
            <cpis-access-history .result=${view.result}></cpis-access-history>
          </details>`,
        ]);
      case 'no-record':
        return this.#frame('info', infoIcon, 'No CP-IS record', false, [
          html`<p class="lead">
            No CP-IS record for ${nhsNumberText(view.nhsNumber)}, checked
            ${checkedAt(view.result.checkedAt)}.
          </p>`,
          html`<p>
            ${NO_RECORD_MEANING} CP-IS only holds child protection plans, looked-after-child records
            and unborn child protection plans that local authorities have shared.
          </p>`,
        ]);
      case 'failed':
        return this.#frame('failed', warningIcon, 'CP-IS check failed', true, [
          this.#alertIf(
            view.userInitiated,
            html`<p class="lead">${FAILED}</p>
              <p>${nhsNumberText(view.nhsNumber)}, tried ${timeText(view.at)}.</p>`,
          ),
          this.#retryButton(),
        ]);
      case 'signed-out':
        return this.#frame('attention', warningIcon, 'Your session has ended', false, [
          this.#alertIf(
            view.userInitiated,
            html`<p class="lead">${SIGNED_OUT}</p>
              <p>${nhsNumberText(view.nhsNumber)}, tried ${timeText(view.at)}.</p>`,
          ),
          this.#retryButton(),
        ]);
      case 'forbidden':
        return this.#frame('attention', warningIcon, 'CP-IS check not allowed', false, [
          this.#alertIf(
            view.userInitiated,
            html`<p class="lead">
                Your role cannot make
                ${view.accessContext === 'scheduled' ? 'a scheduled' : 'an unscheduled'} CP-IS
                check. CP-IS not checked.
              </p>
              <p>${nhsNumberText(view.nhsNumber)}, tried ${timeText(view.at)}.</p>
              <p>Ask a colleague whose role can check CP-IS, or your system administrator.</p>`,
          ),
        ]);
    }
  }

  #frame(
    tone: 'info' | 'critical' | 'failed' | 'attention' | 'setup',
    icon: SVGTemplateResult,
    heading: string,
    important: boolean,
    body: unknown[],
  ): TemplateResult {
    return html`<section
      class="banner banner--${tone}"
      part="banner"
      role="region"
      aria-labelledby="heading"
    >
      <div class="header">
        ${icon}
        <h2 id="heading" part="heading" tabindex="-1">
          ${important ? html`<span class="visually-hidden">Important: </span>` : nothing}${heading}
        </h2>
      </div>
      <div class="body">${body}</div>
    </section>`;
  }

  #alertIf(alert: boolean, content: TemplateResult): TemplateResult {
    return alert ? html`<div role="alert">${content}</div>` : html`<div>${content}</div>`;
  }

  #retryButton(): TemplateResult {
    return html`<div class="actions">
      <button type="button" class="button" part="button" @click=${this.#onRetry}>Try again</button>
    </div>`;
  }
}

function sameTarget(a: Target, b: Target): boolean {
  return (
    a.client === b.client && a.nhsNumber === b.nhsNumber && a.accessContext === b.accessContext
  );
}

function errorState(error: unknown): ErrorState {
  if (isCpisApiError(error, 401)) return 'signed-out';
  if (isCpisApiError(error, 403)) return 'forbidden';
  return 'failed';
}

function errorView(
  request: CheckRequest,
  at: Date,
): { nhsNumber: string; accessContext: AccessContext; at: Date; userInitiated: boolean } {
  return {
    nhsNumber: request.nhsNumber,
    accessContext: request.accessContext,
    at,
    userInitiated: request.userInitiated,
  };
}

function nhsNumberText(nhsNumber: string): TemplateResult {
  return html`<span class="nhs-number">NHS No. ${formatNhsNumber(nhsNumber)}</span>`;
}

function timeText(at: Date): TemplateResult {
  return html`<time datetime=${isoOrEmpty(at)}>${londonTimeMaybeDay(at)}</time>`;
}

function checkedAt(checkedAt: string): TemplateResult {
  return timeText(new Date(checkedAt));
}

function renderPlan(plan: Plan): TemplateResult {
  const authority = plan.responsibleAuthority;
  const active = plan.status === 'active';
  return html`<li class="plan ${active ? '' : 'plan--ended'}" part="plan">
    <h3>${PLAN_TYPE_LABELS[plan.type]}</h3>
    <p>
      ${
        active
          ? html`<strong class="tag tag--active">Active</strong> since
              ${calendarDateText(plan.startDate)}`
          : html`<strong class="tag tag--ended">Ended</strong>
              ${plan.endDate ? calendarDateText(plan.endDate) : ''} (started
              ${calendarDateText(plan.startDate)})`
      }
    </p>
    ${
      plan.type === 'UCPP' && plan.expectedDeliveryDate
        ? html`<p>Expected delivery date: ${calendarDateText(plan.expectedDeliveryDate)}</p>`
        : nothing
    }
    <p>Responsible local authority: <strong>${authority.name}</strong></p>
    <ul class="phones">
      <li>
        Office hours:
        <a part="phone" href=${telHref(authority.officeHoursPhone)}
          >${authority.officeHoursPhone}</a
        >
      </li>
      <li>
        Emergency duty (out of hours):
        <a part="phone" href=${telHref(authority.emergencyDutyPhone)}
          >${authority.emergencyDutyPhone}</a
        >
      </li>
    </ul>
  </li>`;
}

function notifiedText(result: CheckResult): string {
  const names = result.notifiedAuthorities.map((odsCode) => {
    const plan = result.plans.find((p) => p.responsibleAuthority.odsCode === odsCode);
    return plan ? plan.responsibleAuthority.name : `the local authority with ODS code ${odsCode}`;
  });
  if (names.length === 1) return `${names[0]} has been told about this check.`;
  if (names.length > 1)
    return `These local authorities have been told about this check: ${names.join('; ')}.`;
  return result.accessContext === 'scheduled'
    ? 'No local authority was told about this check: a scheduled check is a silent read.'
    : 'No local authority was told about this check: it repeats one made by you from this setting in the last 24 hours, which they were told about.';
}

function notCheckableText(view: { why: NotCheckable; raw: string; nhsNumber: string }): string {
  switch (view.why) {
    case 'missing':
      return 'there is no NHS number for this patient.';
    case 'invalid':
      return `“${view.raw}” is not a valid NHS number.`;
    case 'unverified':
      return `the NHS number ${formatNhsNumber(view.nhsNumber)} has not been verified on PDS (the Personal Demographics Service). Trace the patient on PDS first.`;
  }
}

function unconfiguredText(
  problem: 'no-client' | 'no-context' | 'bad-context',
  accessContext?: string,
): string {
  switch (problem) {
    case 'no-client':
      return 'there is no CP-IS client. Call provideCpisClient(root, client) on an ancestor, or set the client property.';
    case 'no-context':
      return 'set access-context to "unscheduled" or "scheduled"; it is never defaulted.';
    case 'bad-context':
      return `access-context is “${accessContext}”; it must be "unscheduled" or "scheduled".`;
  }
}

function announcement(view: View): string {
  switch (view.state) {
    case 'checking':
      return `Checking CP-IS for NHS No. ${formatNhsNumber(view.nhsNumber)}.`;
    case 'record-found':
      return `Important: CP-IS record found for NHS No. ${formatNhsNumber(view.nhsNumber)}.`;
    case 'no-record':
      return `No CP-IS record for NHS No. ${formatNhsNumber(view.nhsNumber)}, checked ${londonTimeMaybeDay(new Date(view.result.checkedAt))}. ${NO_RECORD_MEANING}`;
    case 'failed':
      // A failure the user just caused is announced by its role="alert" instead.
      return view.userInitiated ? '' : `Important: ${FAILED}`;
    case 'signed-out':
      return view.userInitiated ? '' : SIGNED_OUT;
    case 'forbidden':
      return view.userInitiated
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
