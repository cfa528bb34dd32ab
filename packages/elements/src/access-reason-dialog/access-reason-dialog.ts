import {
  LitElement,
  html,
  nothing,
  type PropertyDeclarations,
  type PropertyValues,
  type TemplateResult,
} from 'lit';
import {
  REASON_CODES,
  REASON_COMMENT_MAX_LENGTH,
  REASON_LABELS,
  validateReason,
  type AccessContext,
  type AccessReason,
  type ReasonCode,
} from '@cpis/domain';
import { infoIcon } from '../internal/icons.js';
import { accessReasonDialogStyles } from './access-reason-dialog.styles.js';

/** The message shown for each field in error, in the order the fields come on the form. */
type ShownErrors = Partial<Record<'code' | 'comment', string>>;

const MAX_LENGTH = REASON_COMMENT_MAX_LENGTH;

const REASON_HINTS: Partial<Record<ReasonCode, string>> = {
  'unscheduled-attendance': 'The patient is here now for urgent or unplanned care.',
  other: 'Say why in the comment.',
};

/** How long typing must pause before the remaining characters are announced (GOV.UK). */
const COUNT_ANNOUNCE_DELAY_MS = 1000;

/**
 * @summary Asks why the user is checking CP-IS, in a modal dialog, before a check is made:
 * a reason code and, for "Other", a comment. Says beforehand that an unscheduled check
 * tells the child's local authority and is recorded.
 *
 * @tag cpis-access-reason-dialog
 *
 * @attr access-context - `unscheduled` or `scheduled`: which notice the dialog gives.
 *
 * @csspart dialog - The native `<dialog>`.
 * @csspart heading - The dialog's heading.
 * @csspart notice - What happens when the check is made.
 * @csspart error-summary - The list of problems shown after a refused submit.
 * @csspart button - The submit and cancel buttons.
 *
 * @cssprop --cpis-color-primary - The dialog's top rule. Default `#005eb8`.
 * @cssprop --cpis-color-critical - Error colour. Default `#d5281b`.
 * @cssprop --cpis-color-warning - Notice border. Default `#ffeb3b`.
 * @cssprop --cpis-color-warning-background - Notice background. Default `#fff9c4`.
 * @cssprop --cpis-color-button - Submit button. Default `#007f3b`.
 * @cssprop --cpis-color-focus - Focus highlight. Default `#ffeb3b`.
 * @cssprop --cpis-color-backdrop - Backdrop. Default `rgba(33, 43, 50, 0.6)`.
 */
export class CpisAccessReasonDialog extends LitElement {
  static override styles = accessReasonDialogStyles;

  static override properties: PropertyDeclarations = {
    accessContext: { attribute: 'access-context' },
    code: { state: true },
    comment: { state: true },
    errors: { state: true },
    announcedCount: { state: true },
  };

  /** Which kind of check the reason is for; decides the notice. */
  declare accessContext?: AccessContext;

  // The inputs are the form's own (uncontrolled); these follow them, for the count and checks.
  declare private code?: ReasonCode;
  declare private comment: string;
  declare private errors: ShownErrors;
  declare private announcedCount: string;

  #resolve?: (reason: AccessReason | null) => void;
  #pending?: Promise<AccessReason | null>;
  #answer: AccessReason | null = null;
  #opener: HTMLElement | null = null;
  #countTimer?: ReturnType<typeof setTimeout>;
  #focusSummary = false;

  constructor() {
    super();
    this.comment = '';
    this.errors = {};
    this.announcedCount = '';
  }

  get #dialog(): HTMLDialogElement {
    return this.#find('dialog') as HTMLDialogElement;
  }

  /** Whether the dialog is open. */
  get open(): boolean {
    return this.renderRoot?.querySelector('dialog')?.open ?? false;
  }

  /**
   * Opens the dialog as a modal and resolves with the reason given, or `null` when the
   * user cancels (Cancel or Escape). Focus returns to what had it before. Calling it while
   * open returns the same promise. `preselect` ticks a reason the host has already
   * decided on (the banner's `reason` attribute); the user still confirms it.
   */
  async show(preselect?: ReasonCode): Promise<AccessReason | null> {
    if (this.#pending) return this.#pending;
    this.#opener = deepActiveElement();
    this.#answer = null;
    this.code = preselect;
    this.comment = '';
    this.errors = {};
    this.announcedCount = '';
    const pending = (this.#pending = new Promise((resolve) => (this.#resolve = resolve)));
    await this.updateComplete;
    this.#find<HTMLFormElement>('form')?.reset();
    const chosen = preselect && this.#find<HTMLInputElement>(`input[value="${preselect}"]`);
    if (chosen) chosen.checked = true;
    this.#dialog.showModal();
    (chosen || this.#find('#code-0'))?.focus();
    return pending;
  }

  /** Closes the dialog as if cancelled. */
  close(): void {
    if (this.open) this.#dialog.close();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#countTimer);
    this.#settle();
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (this.#focusSummary) {
      this.#focusSummary = false;
      this.#find('.error-summary')?.focus();
    }
  }

  protected override render(): TemplateResult {
    const { code: codeError, comment: commentError } = this.errors;
    const remaining = MAX_LENGTH - [...this.comment].length;
    return html`<dialog
      part="dialog"
      aria-labelledby="title"
      aria-describedby="notice"
      @close=${this.#onClose}
      @keydown=${this.#onKeydown}
    >
      <form novalidate @submit=${this.#onSubmit}>
        <div class="body">
          <h2 id="title" part="heading">Why are you checking CP-IS?</h2>
          <div id="notice" class="notice" part="notice">
            ${infoIcon}
            <p>${noticeText(this.accessContext)}</p>
          </div>
          ${codeError || commentError ? this.#renderSummary() : nothing}
          <div class="form-group ${codeError ? 'form-group--error' : ''}">
            <fieldset
              aria-describedby=${codeError ? 'code-error' : nothing}
              @change=${this.#onCodeChange}
            >
              <legend>Reason for checking</legend>
              ${errorMessage('code-error', codeError)} ${REASON_CODES.map(renderRadio)}
            </fieldset>
          </div>
          <div class="form-group ${commentError ? 'form-group--error' : ''}">
            <label class="field-label" for="comment">Comment</label>
            <div id="comment-hint" class="hint">
              Required when the reason is Other. You can enter up to ${MAX_LENGTH} characters.
            </div>
            ${errorMessage('comment-error', commentError)}
            <textarea
              id="comment"
              name="comment"
              rows="4"
              class=${commentError ? 'error' : ''}
              aria-describedby=${commentError ? 'comment-hint comment-error' : 'comment-hint'}
              aria-invalid=${commentError ? 'true' : 'false'}
              @input=${this.#onCommentInput}
            ></textarea>
            <div class="count ${remaining < 0 ? 'over' : ''}" aria-hidden="true">
              ${countText(remaining)}
            </div>
            <div class="visually-hidden" aria-live="polite">${this.announcedCount}</div>
          </div>
        </div>
        <div class="actions">
          <button type="submit" class="button" part="button">Check CP-IS</button>
          <button type="button" class="button button--secondary" part="button" @click=${this.close}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>`;
  }

  #renderSummary(): TemplateResult {
    return html`<div
      class="error-summary"
      part="error-summary"
      role="alert"
      tabindex="-1"
      aria-labelledby="error-summary-title"
    >
      <h3 id="error-summary-title">There is a problem</h3>
      <ul>
        ${Object.entries(this.errors).map(
          ([field, message]) =>
            html`<li>
              <a
                href="#${field === 'code' ? 'code-0' : 'comment'}"
                @click=${(event: Event) => {
                  event.preventDefault();
                  (field === 'code'
                    ? (this.#find('input:checked') ?? this.#find('#code-0'))
                    : this.#find('#comment')
                  )?.focus();
                }}
                >${message}</a
              >
            </li>`,
        )}
      </ul>
    </div>`;
  }

  #find<T extends HTMLElement = HTMLElement>(selector: string): T | null {
    return this.renderRoot.querySelector<T>(selector);
  }

  /**
   * `showModal()` makes the page inert, but Tab from the last control still leaves for the
   * browser's own toolbar. Wrap it, so keyboard focus stays in the dialog until it closes.
   */
  #onKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Tab') return;
    const all = [...this.#dialog.querySelectorAll<HTMLElement>('a[href], input, textarea, button')];
    // A radio group is one Tab stop: its checked radio, or its first.
    const radios = all.filter((e) => (e as HTMLInputElement).type === 'radio');
    const radioStop = radios.find((r) => (r as HTMLInputElement).checked) ?? radios[0];
    const stops = all.filter((e) => !radios.includes(e) || e === radioStop);
    const first = stops[0];
    const last = stops[stops.length - 1];
    const active = (this.renderRoot as ShadowRoot).activeElement as HTMLElement | null;
    if (!first || !last) return;
    if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    } else if (event.shiftKey && (active === first || !stops.includes(active as HTMLElement))) {
      event.preventDefault();
      last.focus();
    }
  }

  #onCodeChange(event: Event): void {
    const target = event.target as HTMLInputElement;
    if (target.type !== 'radio') return;
    this.code = target.value as ReasonCode;
    if (this.errors.code || this.errors.comment) this.errors = this.#validate();
  }

  #onCommentInput(event: Event): void {
    this.comment = (event.target as HTMLTextAreaElement).value;
    clearTimeout(this.#countTimer);
    this.#countTimer = setTimeout(() => {
      this.announcedCount = countText(MAX_LENGTH - [...this.comment].length);
    }, COUNT_ANNOUNCE_DELAY_MS);
  }

  #onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    this.errors = this.#validate();
    if (this.errors.code || this.errors.comment) {
      this.#focusSummary = true;
      return;
    }
    this.#answer = this.#reason() as AccessReason;
    this.#dialog.close();
  }

  /** The reason as the form holds it, the comment trimmed (and left out when empty). */
  #reason(): { code?: ReasonCode; comment?: string } {
    const comment = this.comment.trim();
    return { code: this.code, ...(comment ? { comment } : {}) };
  }

  #validate(): ShownErrors {
    const reason = this.#reason();
    const shown: ShownErrors = {};
    for (const { field } of validateReason(reason)) {
      if (field === '/reason/comment') {
        shown.comment =
          [...(reason.comment ?? '')].length > MAX_LENGTH
            ? `Comment must be ${MAX_LENGTH} characters or fewer`
            : 'Enter a comment saying why you are checking CP-IS';
      } else {
        shown.code = 'Select why you are checking CP-IS';
      }
    }
    return shown;
  }

  #onClose(): void {
    clearTimeout(this.#countTimer);
    const opener = this.#opener;
    this.#opener = null;
    this.#settle();
    if (opener?.isConnected) opener.focus();
  }

  #settle(): void {
    const resolve = this.#resolve;
    const answer = this.#answer;
    this.#resolve = undefined;
    this.#pending = undefined;
    this.#answer = null;
    resolve?.(answer);
  }
}

function noticeText(accessContext?: string): string {
  if (accessContext === 'unscheduled') {
    return "Checking CP-IS now tells the child's local authority who looked, where and when. The check is recorded.";
  }
  if (accessContext === 'scheduled') {
    return 'This is a scheduled check: it is recorded, and the local authority is not told.';
  }
  return "An unscheduled check tells the child's local authority who looked, where and when. Every check is recorded.";
}

function renderRadio(code: ReasonCode, index: number): TemplateResult {
  const hint = REASON_HINTS[code];
  const id = `code-${index}`;
  return html`<div class="radio">
    <input
      type="radio"
      id=${id}
      name="code"
      value=${code}
      aria-describedby=${hint ? `${id}-hint` : nothing}
    />
    <div>
      <label for=${id}>${REASON_LABELS[code]}</label>
      ${hint ? html`<div id="${id}-hint" class="hint">${hint}</div>` : nothing}
    </div>
  </div>`;
}

function errorMessage(id: string, message: string | undefined): TemplateResult | typeof nothing {
  return message
    ? html`<span id=${id} class="error-message"
        ><span class="visually-hidden">Error:</span> ${message}</span
      >`
    : nothing;
}

function countText(remaining: number): string {
  const count = Math.abs(remaining);
  return `You have ${count} character${count === 1 ? '' : 's'} ${remaining < 0 ? 'too many' : 'remaining'}`;
}

/** The focused element, looking through open shadow roots. */
function deepActiveElement(): HTMLElement | null {
  let active: Element | null = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active instanceof HTMLElement && active !== document.body ? active : null;
}

declare global {
  interface HTMLElementTagNameMap {
    'cpis-access-reason-dialog': CpisAccessReasonDialog;
  }
}
