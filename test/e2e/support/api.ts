import { createCpisClient, type CpisClient } from '@cpis/sdk';
import type { DevPrincipal } from '@cpis/mock/fixtures';

/** A development token from the reference server for `principal` (optionally another `sub`). */
export async function devToken(
  baseUrl: string,
  principal: DevPrincipal,
  sub?: string,
): Promise<string> {
  const { key: _key, ...claims } = principal;
  const response = await fetch(`${baseUrl}/v1/dev/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(sub === undefined ? claims : { ...claims, sub }),
  });
  if (!response.ok) throw new Error(`POST /v1/dev/tokens answered ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

/** An SDK client signed in as `principal` at the reference server. */
export async function clientFor(
  baseUrl: string,
  principal: DevPrincipal,
  sub?: string,
): Promise<CpisClient> {
  const token = await devToken(baseUrl, principal, sub);
  return createCpisClient({ baseUrl, getToken: () => token });
}
