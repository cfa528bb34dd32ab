export { createCpisClient } from './client.js';
export type { CallOptions, CpisClient, CpisClientOptions, PageOptions } from './client.js';
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
