/**
 * The CP-IS elements' classes, events, context helpers and types. Importing this module
 * registers nothing: import `@cpis/elements/define`, or call `defineCpisElements()`.
 */
export { CpisAccessHistory } from './access-history/access-history.js';
export { CpisAccessReasonDialog } from './access-reason-dialog/access-reason-dialog.js';
export { CpisFlagBanner, type FlagBannerState } from './flag-banner/flag-banner.js';
export {
  CpisNotificationInbox,
  type NotificationInboxState,
} from './notification-inbox/notification-inbox.js';
export {
  CpisCheckCompleteEvent,
  CpisCheckErrorEvent,
  CpisCheckStartEvent,
  type CpisCheckCompleteDetail,
  type CpisCheckErrorDetail,
  type CpisCheckStartDetail,
} from './events.js';
export { cpisElements, defineCpisElements } from './elements.js';
export {
  cpisClientContext,
  provideCpisClient,
  CpisClientController,
  type CpisClientProvider,
} from './context.js';
export type { AccessContext, AccessReason, ReasonCode } from '@cpis/domain';
export type { CheckResult, CpisClient, Notification, Plan } from '@cpis/sdk';
