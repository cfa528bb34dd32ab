import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setupServer } from 'msw/node';
import { createCpisClient } from '@cpis/sdk';
import { createCpisMockService, createMockFetch, personas, principals } from '@cpis/mock';
import { expect } from 'vitest';

const checkRequest = {
  nhsNumber: personas.lookedAfterOutOfArea.nhsNumber,
  nhsNumberVerified: true,
  accessContext: 'unscheduled',
  reason: { code: 'unscheduled-attendance' },
} as const;

/** The msw major that @cpis/mock itself resolves, read from that msw's package.json. */
export function mswMajorSeenByTheMock(): number {
  const fromMock = createRequire(createRequire(import.meta.url).resolve('@cpis/mock'));
  const entry = fromMock.resolve('msw');
  let dir = dirname(entry);
  while (!dir.endsWith(join('node_modules', 'msw'))) dir = dirname(dir);
  return Number(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version.split('.')[0]);
}

/**
 * A check through `createMockFetch`, then (with `globalFetch`) through msw/node's
 * `setupServer` and the global `fetch`.
 */
export async function proveTheMock({ globalFetch }: { globalFetch: boolean }): Promise<void> {
  const service = createCpisMockService();
  const viaMockFetch = await createCpisClient({
    baseUrl: service.baseUrl,
    getToken: () => service.tokenFor(principals.edNurse),
    fetch: createMockFetch(service.handlers),
  }).checks.create(checkRequest);
  expect(viaMockFetch.outcome).toBe('record-found');

  if (!globalFetch) return;
  const server = setupServer(...service.handlers);
  server.listen({ onUnhandledRequest: 'error' });
  try {
    const viaGlobalFetch = await createCpisClient({
      baseUrl: service.baseUrl,
      getToken: () => service.tokenFor(principals.edNurse),
    }).checks.create(checkRequest);
    expect(viaGlobalFetch.outcome).toBe('record-found');
  } finally {
    server.close();
  }
}
