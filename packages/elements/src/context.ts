/**
 * How a CP-IS client reaches the elements: the Context Community Protocol (`@lit/context`)
 * with a global-symbol key, so a provider from one copy of the kit serves elements from
 * another copy on the same page. An element's own `client` property wins over context.
 */
import { ContextEvent, ContextProvider, createContext } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CpisCheckClient } from '@cpis/sdk';

export const cpisClientContext = createContext<CpisCheckClient | undefined>(
  Symbol.for('cpis-client'),
);

export type CpisClientProvider = ContextProvider<typeof cpisClientContext>;

/**
 * Provides `client` to every CP-IS element inside `root`, which may be any element — for
 * example `document.body` of a page without Lit. Elements already on the page when this is
 * called pick the client up too. Call `setValue(next)` on the returned provider to swap
 * the client (another user signed in); the elements re-render with the new one.
 *
 * Any client of the SDK serves the banner: this kit's `/v1` (`createCpisClient`), NHS
 * England's CP-IS FHIR API (`createCpisFhirClient`) or its Patient Flags API
 * (`createPatientFlagsClient`). The inbox needs a `/v1` client, which reads notifications.
 */
export function provideCpisClient(root: HTMLElement, client: CpisCheckClient): CpisClientProvider {
  const provider = new ContextProvider(root, { context: cpisClientContext, initialValue: client });
  // A Lit host announces its provider when it connects; any other root does it now, so
  // that elements which asked before the provider existed ask again.
  if (!('addController' in root)) provider.hostConnected();
  return provider;
}

/**
 * The client from context, for an element. Unlike a plain `@consume`, it asks again when
 * a provider appears after the element connected (a page that registers the elements
 * before it creates its client), by listening for the protocol's `context-provider` event.
 */
export class CpisClientController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  #value: CpisCheckClient | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(host: ReactiveControllerHost & HTMLElement) {
    this.#host = host;
    host.addController(this);
  }

  /** The client from context, if a provider answered. */
  get value(): CpisCheckClient | undefined {
    return this.#value;
  }

  hostConnected(): void {
    window.addEventListener('context-provider', this.#onProvider);
    this.#request();
  }

  hostDisconnected(): void {
    window.removeEventListener('context-provider', this.#onProvider);
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  #request(): void {
    this.#host.dispatchEvent(new ContextEvent(cpisClientContext, this.#host, this.#receive, true));
  }

  readonly #receive = (value: CpisCheckClient | undefined, unsubscribe?: () => void): void => {
    if (this.#unsubscribe && this.#unsubscribe !== unsubscribe) this.#unsubscribe();
    this.#unsubscribe = unsubscribe;
    if (value !== this.#value) {
      this.#value = value;
      this.#host.requestUpdate();
    }
  };

  readonly #onProvider = (event: Event): void => {
    const { context } = event as Event & { context?: unknown };
    if (context !== cpisClientContext || this.#unsubscribe) return;
    this.#request();
  };
}
