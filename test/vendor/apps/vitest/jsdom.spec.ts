// @vitest-environment jsdom
import { expect, it } from 'vitest';
import { mswMajorSeenByTheMock, proveTheMock } from './proof.js';

it('checks through createMockFetch and msw/node in jsdom', async () => {
  expect(navigator.userAgent).toContain('jsdom');
  expect(mswMajorSeenByTheMock()).toBe(Number(process.env.EXPECTED_MSW_MAJOR));
  await proveTheMock({ globalFetch: true });
});
