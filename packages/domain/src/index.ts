/**
 * CP-IS rules as pure functions, and the types generated from the contract.
 * @module @cpis/domain
 */
export * from './access-control.js';
export * from './calendar.js';
export type * from './field-error.js';
export * from './nhs-number.js';
export * from './notification.js';
export * from './patterns.js';
export * from './plan.js';
export * from './reason.js';
export * from './visibility.js';
export type { components, operations, paths } from './generated/cpis.js';
export * from './batch.js';
export * from './limits.js';
export * from './problems.js';
export * from './words.js';
export * from './format.js';
