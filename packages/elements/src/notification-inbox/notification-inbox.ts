import {
  LitElement,
  html,
  nothing,
  type PropertyDeclarations,
  type PropertyValues,
  type TemplateResult,
} from 'lit';
import {
  NO_REASON_GIVEN_WORDS,
  REASON_LABELS,
  formatNhsNumber,
  isoOrEmpty,
  londonDateTime,
  londonTime,
} from '@cpis/domain';
import type { CpisCheckClient, CpisClient, Notification } from '@cpis/sdk';
import { streamNotifications } from '@cpis/sdk/stream';
import { CpisClientController } from '../context.js';
import { infoIcon, setupIcon, warningIcon } from '../internal/icons.js';
import { problemState } from '../internal/problem-state.js';
import { notificationInboxStyles } from './notification-inbox.styles.js';

/** What the inbox shows now. */
export type NotificationInboxState =
  'unconfigured' | 'loading' | 'ready' | 'failed' | 'signed-out' | 'forbidden';

type Live = 'off' | 'live' | 'stopped';

/** The first screen: the newest notifications. */
const FIRST_PAGE = 50;
/** Older items beyond this are dropped from view, so a long shift does not grow without end. */
const MAX_ITEMS = 500;

interface Source {
  client: CpisClient;
  odsCode: string;
}

/**
 * @summary A local authority's access notifications — who looked at a child's CP-IS record,
 * where, when and why — newest first, with new ones arriving live and announced.
 *
 * @tag cpis-notification-inbox
 *
 * @attr ods-code - The local authority's ODS code.
 *
 * @csspart inbox - The inbox region.
 * @csspart heading - The inbox heading.
 * @csspart status - The line saying whether the inbox is live, loading or failed.
 * @csspart notification - One notification.
 * @csspart button - The Try again button.
 *
 * @cssprop --cpis-color-text - Text. Default `#212b32`.
 * @cssprop --cpis-color-primary - Notification edge and live status. Default `#005eb8`.
 * @cssprop --cpis-color-critical - Problem status edge. Default `#d5281b`.
 * @cssprop --cpis-color-warning-background - Problem status background. Default `#fff9c4`.
 * @cssprop --cpis-color-border - Notification border. Default `#d8dde0`.
 * @cssprop --cpis-font-family - Font. Default `'Frutiger W01', Arial, sans-serif`.
 * @cssprop --cpis-font-size - Base size, never below 14px. Default `16px`.
 */
export class CpisNotificationInbox extends LitElement {
  static override styles = notificationInboxStyles;

  static override properties: PropertyDeclarations = {
    odsCode: { attribute: 'ods-code' },
    client: { attribute: false },
    phase: { state: true },
    items: { state: true },
    live: { state: true },
    announcement: { state: true },
  };

  /** The local authority whose notifications are shown. */
  declare odsCode?: string;

  /** The CP-IS client; wins over one provided by context. */
  declare client?: CpisClient;

  declare private phase: Exclude<NotificationInboxState, 'unconfigured'>;
  declare private items: Notification[];
  declare private live: Live;
  declare private announcement: string;

  readonly #context = new CpisClientController(this);
  #source?: Source;
  #run?: AbortController;

  constructor() {
    super();
    this.phase = 'loading';
    this.items = [];
    this.live = 'off';
    this.announcement = '';
  }

  /** What the inbox shows now. Also on the host as `data-state`. */
  get state(): NotificationInboxState {
    return this.#currentSource() ? this.phase : 'unconfigured';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Lit does not update on reconnection; the feed must restart after a move in the DOM.
    if (this.hasUpdated) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stop();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const source = this.#currentSource();
    const same =
      source && this.#source?.client === source.client && this.#source.odsCode === source.odsCode;
    if (!same && this.isConnected) {
      this.#stop();
      if (source) this.#start(source);
    }
  }

  protected override update(changed: PropertyValues<this>): void {
    if (this.getAttribute('data-state') !== this.state) this.setAttribute('data-state', this.state);
    super.update(changed);
  }

  protected override render(): TemplateResult {
    return html`<section class="inbox" part="inbox" aria-labelledby="heading">
      <h2 id="heading" part="heading">Access notifications</h2>
      ${this.#renderBody()}
      <div class="visually-hidden" aria-live="polite" aria-atomic="true">${this.announcement}</div>
    </section>`;
  }

  #currentSource(): Source | undefined {
    const client = this.client ?? readsNotifications(this.#context.value);
    const odsCode = this.odsCode?.trim();
    return client && odsCode ? { client, odsCode } : undefined;
  }

  #start(source: Source): void {
    const run = new AbortController();
    this.#run = run;
    this.#source = source;
    this.items = [];
    this.phase = 'loading';
    this.live = 'off';
    this.announcement = '';
    void this.#feed(source, run.signal);
  }

  #stop(): void {
    this.#run?.abort();
    this.#run = undefined;
    this.#source = undefined;
  }

  #restart(): void {
    this.#stop();
    this.requestUpdate();
  }

  async #feed({ client, odsCode }: Source, signal: AbortSignal): Promise<void> {
    let after: string;
    try {
      const page = await client.notifications.list(odsCode, {
        order: 'desc',
        limit: FIRST_PAGE,
        signal,
      });
      if (signal.aborted) return;
      this.items = unique(page.items);
      after = page.nextCursor;
      this.phase = 'ready';
    } catch (error) {
      if (!signal.aborted) this.phase = problemState(error);
      return;
    }
    this.live = 'live';
    try {
      for await (const notification of streamNotifications(client, odsCode, { after, signal })) {
        if (signal.aborted) return;
        if (this.items.some((n) => n.notificationId === notification.notificationId)) continue;
        this.items = [notification, ...this.items].slice(0, MAX_ITEMS);
        this.announcement = `New access notification: ${notification.setting.name} at ${londonTime(
          new Date(notification.accessedAt),
        )}`;
      }
      if (!signal.aborted) this.live = 'stopped';
    } catch {
      if (!signal.aborted) this.live = 'stopped';
    }
  }

  #renderBody(): TemplateResult {
    const source = this.#currentSource();
    if (!source) {
      return status(
        'setup',
        html`Access notifications are not shown: this inbox is not set up. For the developer:
        ${
          this.odsCode?.trim()
            ? html`there is no CP-IS client that reads notifications (an NHS England API client only
                checks). Call <code>provideCpisClient(root, createCpisClient(…))</code> on an
                ancestor, or set the inbox's <code>client</code> property.`
            : html`set <code>ods-code</code> to the local authority's ODS code.`
        }`,
      );
    }
    switch (this.phase) {
      case 'loading':
        return status('info', html`Loading access notifications…`);
      case 'failed':
        return status(
          'problem',
          html`Access notifications could not be loaded. They are not lost: try again, and if this
          keeps happening, contact your system administrator.`,
          this.#retryButton(),
        );
      case 'signed-out':
        return status(
          'problem',
          html`Your session has ended — sign in again. Access notifications are not shown.`,
          this.#retryButton(),
        );
      case 'forbidden':
        return status(
          'problem',
          html`Your account cannot see the access notifications of ${source.odsCode}.`,
        );
      case 'ready':
        return html`${
          this.live === 'stopped'
            ? status(
                'problem',
                html`Live updates have stopped: new notifications will not appear until you try
                again.`,
                this.#retryButton(),
              )
            : status('info', html`Live: new notifications appear at the top as they arrive.`)
        }
        ${
          this.items.length === 0
            ? html`<p>No access notifications yet.</p>`
            : html`<ol class="items">
                ${this.items.map(renderNotification)}
              </ol>`
        }`;
    }
  }

  #retryButton(): TemplateResult {
    return html`<div class="actions">
      <button type="button" class="button" part="button" @click=${this.#restart}>Try again</button>
    </div>`;
  }
}

function status(
  tone: 'info' | 'problem' | 'setup',
  text: TemplateResult,
  action: TemplateResult | typeof nothing = nothing,
): TemplateResult {
  const icon = tone === 'info' ? infoIcon : tone === 'setup' ? setupIcon : warningIcon;
  return html`<div class="status status--${tone}" part="status">
    ${icon}
    <div>
      <p>
        ${tone === 'problem' ? html`<span class="visually-hidden">Important: </span>` : nothing}${text}
      </p>
      ${action}
    </div>
  </div>`;
}

function renderNotification(n: Notification): TemplateResult {
  const at = new Date(n.accessedAt);
  return html`<li class="item" part="notification">
    <h3>${n.setting.name}</h3>
    <p class="when"><time datetime=${isoOrEmpty(at)}>${londonDateTime(at)}</time></p>
    <dl>
      <dt>NHS No.</dt>
      <dd><span class="nhs-number">${formatNhsNumber(n.nhsNumber)}</span></dd>
      <dt>Who</dt>
      <dd>${n.user.name}, ${n.user.role}</dd>
      <dt>Reason</dt>
      <dd>
        ${
          n.reason === null
            ? NO_REASON_GIVEN_WORDS
            : `${REASON_LABELS[n.reason.code] ?? n.reason.code}${n.reason.comment ? `: ${n.reason.comment}` : ''}`
        }
      </dd>
      <dt>Plans</dt>
      <dd>${n.planIds.join(', ')}</dd>
    </dl>
  </li>`;
}

function unique(items: Notification[]): Notification[] {
  const seen = new Set<string>();
  return items.filter((n) => !seen.has(n.notificationId) && seen.add(n.notificationId));
}

declare global {
  interface HTMLElementTagNameMap {
    'cpis-notification-inbox': CpisNotificationInbox;
  }
}

/** A provided client serves the inbox only if it reads this kit's notification feed. */
function readsNotifications(client: CpisCheckClient | undefined): CpisClient | undefined {
  return client && 'notifications' in client ? (client as CpisClient) : undefined;
}
