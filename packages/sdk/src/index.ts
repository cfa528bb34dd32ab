/**
 * The typed CP-IS client: `createCpisClient`, its errors and the contract's types.
 * @module @cpis/sdk
 */
export { createCpisClient } from './client.js';
export type {
  CallOptions,
  CpisCheckClient,
  CpisClient,
  CpisClientOptions,
  PageOptions,
} from './client.js';
export {
  CpisApiError,
  CpisAuthError,
  CpisContractError,
  CpisError,
  CpisNetworkError,
  CpisTimeoutError,
  CpisValidationError,
  isCpisApiError,
} from './errors.js';
export type * from './types.js';
export { formatNhsNumber, isValidNhsNumber, normalizeNhsNumber } from '@cpis/domain';
