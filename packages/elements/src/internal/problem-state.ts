import { CpisAuthError, isCpisApiError } from '@cpis/sdk';

/** What an element shows for a failed call: 401 and 403 have their own states, all else fails. */
export type ProblemState = 'failed' | 'signed-out' | 'forbidden';

/** A 401, or a host `getToken()` that threw (`CpisAuthError`), is signed out. */
export function problemState(error: unknown): ProblemState {
  if (isCpisApiError(error, 401) || error instanceof CpisAuthError) return 'signed-out';
  if (isCpisApiError(error, 403)) return 'forbidden';
  return 'failed';
}
