/**
 * The banner's events: one `Event` subclass each with a typed `detail`, bubbling and
 * composed so a host page hears them from outside any shadow root (Web Awesome `events/`).
 */
import type { CheckResult } from '@cpis/sdk';
import type { AccessContext } from '@cpis/domain';

export interface CpisCheckStartDetail {
  /** The NHS number being checked (ten digits). */
  nhsNumber: string;
  accessContext: AccessContext;
}

export interface CpisCheckCompleteDetail {
  outcome: CheckResult['outcome'];
  checkId: string;
}

export interface CpisCheckErrorDetail {
  /** What the SDK threw: a `CpisError` subclass (`CpisAuthError` when `getToken()` threw), or another error. */
  error: unknown;
  /** What the banner now shows for it. */
  state: 'failed' | 'signed-out' | 'forbidden';
}

const init: EventInit = { bubbles: true, composed: true };

/** A check has started (the request is on its way). */
export class CpisCheckStartEvent extends Event {
  static readonly eventName = 'cpis-check-start';
  readonly detail: CpisCheckStartDetail;
  constructor(detail: CpisCheckStartDetail) {
    super(CpisCheckStartEvent.eventName, init);
    this.detail = detail;
  }
}

/** A check answered (`record-found` or `no-record`), and the banner already shows it. */
export class CpisCheckCompleteEvent extends Event {
  static readonly eventName = 'cpis-check-complete';
  readonly detail: CpisCheckCompleteDetail;
  constructor(detail: CpisCheckCompleteDetail) {
    super(CpisCheckCompleteEvent.eventName, init);
    this.detail = detail;
  }
}

/** A check failed, and the banner already shows it; `detail.state` says how. */
export class CpisCheckErrorEvent extends Event {
  static readonly eventName = 'cpis-check-error';
  readonly detail: CpisCheckErrorDetail;
  constructor(detail: CpisCheckErrorDetail) {
    super(CpisCheckErrorEvent.eventName, init);
    this.detail = detail;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'cpis-check-start': CpisCheckStartEvent;
    'cpis-check-complete': CpisCheckCompleteEvent;
    'cpis-check-error': CpisCheckErrorEvent;
  }
}
