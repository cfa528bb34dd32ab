/**
 * The one-file build for a page without a bundler (`<script type="module"
 * src="cpis-elements.js">`): every tag registered, the elements' API, and the SDK's
 * client and errors, with lit and the SDK inside.
 */
import './define.js';

export * from './index.js';
export {
  createCpisClient,
  CpisApiError,
  CpisContractError,
  CpisError,
  CpisNetworkError,
  CpisTimeoutError,
  CpisValidationError,
  formatNhsNumber,
  isCpisApiError,
  isValidNhsNumber,
  normalizeNhsNumber,
} from '@cpis/sdk';
