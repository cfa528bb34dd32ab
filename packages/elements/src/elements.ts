/**
 * Every CP-IS tag and its class, and the function that registers them. Calling it is the
 * side effect; importing this module has none (`define.ts` and the React entry call it).
 */
import { CpisAccessHistory } from './access-history/access-history.js';
import { CpisAccessReasonDialog } from './access-reason-dialog/access-reason-dialog.js';
import { CpisFlagBanner } from './flag-banner/flag-banner.js';
import { defineElement } from './internal/define-element.js';
import { CpisNotificationInbox } from './notification-inbox/notification-inbox.js';

/** The tags and their classes. */
export const cpisElements = {
  'cpis-flag-banner': CpisFlagBanner,
  'cpis-access-reason-dialog': CpisAccessReasonDialog,
  'cpis-access-history': CpisAccessHistory,
  'cpis-notification-inbox': CpisNotificationInbox,
} as const;

/**
 * Registers every tag not yet defined. Safe to call more than once, and alongside another
 * copy of the kit: a tag already defined is left as it is.
 */
export function defineCpisElements(): void {
  for (const [tag, element] of Object.entries(cpisElements)) defineElement(tag, element);
}
