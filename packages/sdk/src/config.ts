/**
 * What `@cpis/sdk/stream` needs from a client, kept on the client under a registered
 * symbol. Non-enumerable, so it never shows in logs, spreads or JSON; `Symbol.for`, so
 * both entries (and an ESM and a CJS copy of the SDK) agree on the key. This module stays
 * tiny because both entries import it.
 */
export const CLIENT_CONFIG: unique symbol = Symbol.for('@cpis/sdk/client-config');

export interface ClientConfig {
  baseUrl: string;
  getToken: () => string | Promise<string>;
  /** Looks `globalThis.fetch` up at call time unless the host gave its own. */
  fetch: (request: Request) => Promise<Response>;
}

export function attachConfig<T extends object>(client: T, config: ClientConfig): T {
  return Object.defineProperty(client, CLIENT_CONFIG, { value: config });
}

export function configOf(client: object): ClientConfig {
  const config = (client as { [CLIENT_CONFIG]?: ClientConfig })[CLIENT_CONFIG];
  if (!config) throw new TypeError('Expected a client made by createCpisClient()');
  return config;
}
