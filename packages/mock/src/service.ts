import type { HttpHandler } from 'msw';
import { londonDate } from '@cpis/domain';
import { syntheticPopulation, type Population } from './fixtures.js';
import { createHandlers } from './handlers.js';
import { MockStore, type Clock, type MockState } from './store.js';
import { signMockToken, type TokenOptions, type TokenPrincipal } from './tokens.js';

export interface CpisMockServiceOptions {
  /** Where the handlers answer; `http://cpis.test` unless set. A path (`/api`) works in a browser. */
  baseUrl?: string;
  /**
   * The Europe/London calendar day the mock lives on: the population's dates are relative
   * to it and plan visibility is judged on it. Unless set, the day `now()` falls on.
   */
  today?: string;
  /** The clock for `checkedAt`, the 24-hour collapse and token expiry; the real one unless set. */
  now?: () => Date;
  /** Who is in CP-IS; `syntheticPopulation(today)` unless set. `reset()` restores it. */
  population?: Population;
  /**
   * How long each check takes inside the mock (0 unless set). While it runs, its
   * `Idempotency-Key` is in progress: a retry with that key gets 409.
   */
  checkDurationMs?: number;
  /** How often an open notification stream sends a keep-alive comment; 15 s unless set. */
  keepAliveMs?: number;
}

export interface CpisMockService {
  baseUrl: string;
  /** MSW handlers for every operation of the contract, over this service's state. */
  handlers: HttpHandler[];
  /** What the mock holds, for assertions. Refilled in place by `reset()`. */
  state: MockState;
  /** Back to the seeded population: no checks, accesses beyond the seed, or notifications. */
  reset(): void;
  /** A bearer token for `principal` that this mock accepts, or refuses as `flaw` says. */
  tokenFor(principal: TokenPrincipal, options?: TokenOptions): Promise<string>;
}

/** An in-memory CP-IS that implements the contract, seeded with the synthetic population. */
export function createCpisMockService(options: CpisMockServiceOptions = {}): CpisMockService {
  const now = options.now ?? (() => new Date());
  const clock: Clock = { now, today: () => options.today ?? londonDate(now()) };
  const store = new MockStore(
    clock,
    () => options.population ?? syntheticPopulation(clock.today()),
  );
  const baseUrl = (options.baseUrl ?? 'http://cpis.test').replace(/\/+$/, '');
  return {
    baseUrl,
    handlers: createHandlers({
      baseUrl,
      store,
      clock,
      checkDurationMs: options.checkDurationMs ?? 0,
      keepAliveMs: options.keepAliveMs ?? 15_000,
    }),
    state: store.state,
    reset: () => store.reset(),
    tokenFor: (principal, tokenOptions) => signMockToken(principal, now(), tokenOptions),
  };
}
