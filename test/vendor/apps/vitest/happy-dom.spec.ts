// @vitest-environment happy-dom
import { expect, it } from 'vitest';
import { mswMajorSeenByTheMock, proveTheMock } from './proof.js';

it('checks through createMockFetch and msw/node in happy-dom', async () => {
  expect(navigator.userAgent).toContain('HappyDOM');
  expect(mswMajorSeenByTheMock()).toBe(Number(process.env.EXPECTED_MSW_MAJOR));
  // happy-dom's own fetch sends a CORS preflight (OPTIONS) for the bearer token; msw 2
  // patches that fetch before it does, msw 3 does not, and the mock answers OPTIONS 405.
  // Until the mock answers preflights, msw 3 under happy-dom works through createMockFetch.
  await proveTheMock({ globalFetch: mswMajorSeenByTheMock() === 2 });
});
