import { http, type HttpHandler } from 'msw';
import { londonDate } from '@cpis/domain';
import { cdsHooksEhrs, syntheticPopulation, type Population } from '@cpis/population';
import {
  MemoryStore,
  createService,
  seedRecords,
  type CdsHooksOptions,
  type MemoryState,
} from '@cpis/service';
import { mockTokens, signMockToken, type TokenOptions, type TokenPrincipal } from './tokens.js';

export interface CpisMockServiceOptions {
  /** Where the handlers answer; `http://cpis.test` unless set. A path (`/api`) works in a browser. */
  baseUrl?: string;
  /**
   * The Europe/London calendar day the mock lives on: the population's dates are relative
   * to it. Unless set, the day `now()` falls on.
   */
  today?: string;
  /** The clock for `checkedAt`, the 24-hour collapse, plan visibility and token expiry; the real one unless set. */
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
  /**
   * The CDS Hooks services under `baseUrl` + `/cds-services`: the development EHRs may
   * always call them (`POST /v1/dev/cds-hooks-tokens` signs their JWTs); `trust` adds EHRs
   * whose keys are `keys` (or their JWK Set, fetched). Card links open `bannerUrl`
   * (`baseUrl` + `/epr-patient-view/` unless set).
   */
  cdsHooks?: Partial<
    Pick<CdsHooksOptions, 'trust' | 'keys' | 'fetch' | 'checkTimeoutMs' | 'bannerUrl'>
  >;
}

export interface CpisMockService {
  baseUrl: string;
  /** MSW handlers: every request under `baseUrl` goes to the service core. */
  handlers: HttpHandler[];
  /** What the mock holds, for assertions. Refilled in place by `reset()`. */
  state: MemoryState;
  /** Back to the seeded population: no checks, accesses beyond the seed, or notifications. */
  reset(): void;
  /** A bearer token for `principal` that this mock accepts, or refuses as `flaw` says. */
  tokenFor(principal: TokenPrincipal, options?: TokenOptions): Promise<string>;
}

/**
 * CP-IS in memory: the service core (`@cpis/service`, the same one the reference server
 * runs) over a memory store, seeded with the synthetic population and answered by MSW.
 */
export function createCpisMockService(options: CpisMockServiceOptions = {}): CpisMockService {
  const now = options.now ?? (() => new Date());
  const today = (): string => options.today ?? londonDate(now());
  const baseUrl = (options.baseUrl ?? 'http://cpis.test').replace(/\/+$/, '');
  const basePath = new URL(baseUrl || '/', 'http://base.invalid').pathname.replace(/\/+$/, '');
  const store = new MemoryStore();
  const tokens = mockTokens(now);
  const checkDurationMs = options.checkDurationMs ?? 0;
  const core = createService({
    store,
    verifyToken: tokens.verify,
    devTokens: tokens.sign,
    now,
    basePath,
    ...(options.keepAliveMs !== undefined && { streamHeartbeatMs: options.keepAliveMs }),
    ...(checkDurationMs > 0 && {
      checkDelay: () => new Promise<void>((resolve) => setTimeout(resolve, checkDurationMs)),
    }),
    cdsHooks: {
      trust: [],
      ...options.cdsHooks,
      developmentEhrs: Object.values(cdsHooksEhrs),
      publicUrl: baseUrl,
      bannerUrl: options.cdsHooks?.bannerUrl ?? `${baseUrl}/epr-patient-view/`,
    },
  });
  const reset = (): void => {
    // Open streams end, as they would on a server restart.
    core.closeStreams();
    store.clear();
    store.load(
      seedRecords(options.population ?? syntheticPopulation(today()), now().toISOString()),
    );
  };
  reset();
  return {
    baseUrl,
    handlers: [http.all(`${baseUrl}/*`, ({ request }) => core.handle(request))],
    state: store.state,
    reset,
    tokenFor: (principal, tokenOptions) => signMockToken(principal, now(), tokenOptions),
  };
}
