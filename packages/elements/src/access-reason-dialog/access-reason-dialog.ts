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
  validateReason,
  type AccessContext,
  type AccessReason,
  type ReasonCode,
} from '@cpis/domain';
import { REASON_LABELS } from '../internal/words.js';
import { accessReasonDialogStyles } from './access-reason-dialog.styles.js';

type Field = 'code' | 'comment';

interface ShownError {
  field: Field;
  message: string;
}

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
    code: { state: true, attribute: false },
    comment: { state: true, attribute: false },
    errors: { state: true, attribute: false },
    announcedCount: { state: true, attribute: false },
  };

  /** Which kind of check the reason is for; decides the notice. */
  declare accessContext?: AccessContext;

  // The inputs are the form's own (uncontrolled); these follow them, for the count and checks.
  declare private code?: ReasonCode;
  declare private comment: string;
  declare private errors: ShownError[];
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
    this.errors = [];
    this.announcedCount = '';
  }

  private get dialog(): HTMLDialogElement {
    return this.renderRoot.querySelector('dialog') as HTMLDialogElement;
  }

  /** Whether the dialog is open. */
  get open(): boolean {
    return this.renderRoot?.querySelector('dialog')?.open ?? false;
  }

  /**
   * Opens the dialog as a modal and resolves with the reason given, or `null` when the
   * user cancels (Cancel or Escape). Focus returns to what had it before. Calling it while
   * open returns the same promise.
   */
  async show(): Promise<AccessReason | null> {
    if (this.#pending) return this.#pending;
    this.#opener = deepActiveElement();
    this.#answer = null;
    this.code = undefined;
    this.comment = '';
    this.errors = [];
    this.announcedCount = '';
    this.#pending = new Promise((resolve) => (this.#resolve = resolve));
    const pending = this.#pending;
    await this.updateComplete;
    this.renderRoot.querySelector('form')?.reset();
    this.dialog.showModal();
    this.#radio(0)?.focus();
    return pending;
  }

  /** Closes the dialog as if cancelled. */
  close(): void {
    if (this.open) this.dialog.close();
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
      this.renderRoot.querySelector<HTMLElement>('.error-summary')?.focus();
    }
  }

  protected override render(): TemplateResult {
    const codeError = this.errors.find((e) => e.field === 'code');
    const commentError = this.errors.find((e) => e.field === 'comment');
    const length = [...this.comment].length;
    const remaining = REASON_COMMENT_MAX_LENGTH - length;
    return html`<dialog
      part="dialog"
      aria-labelledby="title"
      aria-describedby="notice"
      @close=${this.#onClose}
      @keydown=${this.#onKeydown}
    >
      <form novalidate @submit=${this.#onSubmit}>
        <h2 id="title" part="heading">Why are you checking CP-IS?</h2>
        <div id="notice" class="notice" part="notice">
          ${infoIcon}
          <p>${this.#noticeText()}</p>
        </div>
        ${this.errors.length > 0 ? this.#renderSummary() : nothing}
        <div class="form-group ${codeError ? 'form-group--error' : ''}">
          <fieldset aria-describedby=${codeError ? 'code-error' : nothing}>
            <legend>Reason for checking</legend>
            ${
              codeError
                ? html`<span id="code-error" class="error-message"
                    ><span class="visually-hidden">Error:</span> ${codeError.message}</span
                  >`
                : nothing
            }
            ${REASON_CODES.map((code, i) => this.#renderRadio(code, i))}
          </fieldset>
        </div>
        <div class="form-group ${commentError ? 'form-group--error' : ''}">
          <label class="field-label" for="comment">Comment</label>
          <div id="comment-hint" class="hint">
            Required when the reason is Other. You can enter up to ${REASON_COMMENT_MAX_LENGTH}
            characters.
          </div>
          ${
            commentError
              ? html`<span id="comment-error" class="error-message"
                  ><span class="visually-hidden">Error:</span> ${commentError.message}</span
                >`
              : nothing
          }
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
        <div class="actions">
          <button type="submit" class="button" part="button">Check CP-IS</button>
          <button type="button" class="button button--secondary" part="button" @click=${this.close}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>`;
  }

  #renderRadio(code: ReasonCode, index: number): TemplateResult {
    const hint = REASON_HINTS[code];
    const id = `code-${index}`;
    return html`<div class="radio">
      <input
        type="radio"
        id=${id}
        name="code"
        value=${code}
        aria-describedby=${hint ? `${id}-hint` : nothing}
        @change=${() => this.#onCodeChange(code)}
      />
      <div>
        <label for=${id}>${REASON_LABELS[code]}</label>
        ${hint ? html`<div id="${id}-hint" class="hint">${hint}</div>` : nothing}
      </div>
    </div>`;
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
        ${this.errors.map(
          (e) =>
            html`<li>
              <a
                href="#${e.field === 'code' ? 'code-0' : 'comment'}"
                @click=${(event: Event) => this.#focusField(event, e.field)}
                >${e.message}</a
              >
            </li>`,
        )}
      </ul>
    </div>`;
  }

  /**
   * `showModal()` makes the page inert, but Tab from the last control still leaves for the
   * browser's own toolbar. Wrap it, so keyboard focus stays in the dialog until it closes.
   */
  #onKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Tab') return;
    const stops = this.#tabStops();
    const first = stops[0];
    const last = stops[stops.length - 1];
    const active = this.renderRoot instanceof ShadowRoot ? this.renderRoot.activeElement : null;
    if (!first || !last) return;
    if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    } else if (event.shiftKey && (active === first || !stops.includes(active as HTMLElement))) {
      event.preventDefault();
      last.focus();
    }
  }

  /** The dialog's Tab stops in order; a radio group is one stop (its checked or first radio). */
  #tabStops(): HTMLElement[] {
    const all = [...this.dialog.querySelectorAll<HTMLElement>('a[href], input, textarea, button')];
    const radios = all.filter(
      (e): e is HTMLInputElement => e instanceof HTMLInputElement && e.type === 'radio',
    );
    const radioStop = radios.find((r) => r.checked) ?? radios[0];
    return all.filter((e) => !radios.includes(e as HTMLInputElement) || e === radioStop);
  }

  #noticeText(): string {
    switch (this.accessContext) {
      case 'unscheduled':
        return "Checking CP-IS now tells the child's local authority who looked, where and when. The check is recorded.";
      case 'scheduled':
        return 'This is a scheduled check: it is recorded, and the local authority is not told.';
      default:
        return "An unscheduled check tells the child's local authority who looked, where and when. Every check is recorded.";
    }
  }

  #onCodeChange(code: ReasonCode): void {
    this.code = code;
    if (this.errors.length > 0) this.errors = this.#validate();
  }

  #onCommentInput(event: Event): void {
    this.comment = (event.target as HTMLTextAreaElement).value;
    clearTimeout(this.#countTimer);
    this.#countTimer = setTimeout(() => {
      this.announcedCount = countText(REASON_COMMENT_MAX_LENGTH - [...this.comment].length);
    }, COUNT_ANNOUNCE_DELAY_MS);
  }

  #onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    this.errors = this.#validate();
    if (this.errors.length > 0) {
      this.#focusSummary = true;
      return;
    }
    const comment = this.comment.trim();
    this.#answer = { code: this.code as ReasonCode, ...(comment ? { comment } : {}) };
    this.dialog.close();
  }

  #validate(): ShownError[] {
    const comment = this.comment.trim();
    const reason = { code: this.code, ...(comment ? { comment } : {}) };
    const shown: ShownError[] = [];
    for (const error of validateReason(reason)) {
      if (error.field === '/reason/code') {
        shown.push({ field: 'code', message: 'Select why you are checking CP-IS' });
      } else if (error.field === '/reason/comment') {
        shown.push({
          field: 'comment',
          message:
            [...comment].length > REASON_COMMENT_MAX_LENGTH
              ? `Comment must be ${REASON_COMMENT_MAX_LENGTH} characters or fewer`
              : 'Enter a comment saying why you are checking CP-IS',
        });
      } else {
        shown.push({ field: 'code', message: error.message });
      }
    }
    return shown;
  }

  #focusField(event: Event, field: Field): void {
    event.preventDefault();
    const target =
      field === 'code'
        ? (this.#checkedRadio() ?? this.#radio(0))
        : this.renderRoot.querySelector<HTMLTextAreaElement>('#comment');
    target?.focus();
  }

  #radio(index: number): HTMLInputElement | null {
    return this.renderRoot.querySelector<HTMLInputElement>(`#code-${index}`);
  }

  #checkedRadio(): HTMLInputElement | null {
    return this.renderRoot.querySelector<HTMLInputElement>('input[name="code"]:checked');
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

function countText(remaining: number): string {
  if (remaining >= 0) {
    return `You have ${remaining} character${remaining === 1 ? '' : 's'} remaining`;
  }
  const over = -remaining;
  return `You have ${over} character${over === 1 ? '' : 's'} too many`;
}

/** The focused element, looking through open shadow roots. */
function deepActiveElement(): HTMLElement | null {
  let active: Element | null = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active instanceof HTMLElement && active !== document.body ? active : null;
}

const infoIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
  <circle cx="12" cy="12" r="10" fill="currentColor"></circle>
  <path d="M11 10h2v7h-2zM11 6.5h2v2h-2z" fill="#ffffff"></path>
</svg>`;

declare global {
  interface HTMLElementTagNameMap {
    'cpis-access-reason-dialog': CpisAccessReasonDialog;
  }
}
