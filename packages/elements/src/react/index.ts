/**
 * React wrappers (`@lit/react`), named like the element classes: properties are set as
 * properties, and the banner's events are `onCheckStart`, `onCheckComplete` and
 * `onCheckError`. Importing this module registers the tags, so a React app needs nothing
 * else.
 */
import * as React from 'react';
import { createComponent, type EventName } from '@lit/react';
import { defineCpisElements } from '../elements.js';
import { CpisAccessHistory as AccessHistoryElement } from '../access-history/access-history.js';
import { CpisAccessReasonDialog as AccessReasonDialogElement } from '../access-reason-dialog/access-reason-dialog.js';
import type {
  CpisCheckCompleteEvent,
  CpisCheckErrorEvent,
  CpisCheckStartEvent,
} from '../events.js';
import { CpisFlagBanner as FlagBannerElement } from '../flag-banner/flag-banner.js';
import { CpisNotificationInbox as NotificationInboxElement } from '../notification-inbox/notification-inbox.js';

// Here rather than through define.ts, so the registering call stays in this entry and
// never lands in a chunk shared with the side-effect-free index.
defineCpisElements();

export const CpisFlagBanner = createComponent({
  react: React,
  tagName: 'cpis-flag-banner',
  elementClass: FlagBannerElement,
  displayName: 'CpisFlagBanner',
  events: {
    onCheckStart: 'cpis-check-start' as EventName<CpisCheckStartEvent>,
    onCheckComplete: 'cpis-check-complete' as EventName<CpisCheckCompleteEvent>,
    onCheckError: 'cpis-check-error' as EventName<CpisCheckErrorEvent>,
  },
});

export const CpisAccessReasonDialog = createComponent({
  react: React,
  tagName: 'cpis-access-reason-dialog',
  elementClass: AccessReasonDialogElement,
  displayName: 'CpisAccessReasonDialog',
});

export const CpisAccessHistory = createComponent({
  react: React,
  tagName: 'cpis-access-history',
  elementClass: AccessHistoryElement,
  displayName: 'CpisAccessHistory',
});

export const CpisNotificationInbox = createComponent({
  react: React,
  tagName: 'cpis-notification-inbox',
  elementClass: NotificationInboxElement,
  displayName: 'CpisNotificationInbox',
});
