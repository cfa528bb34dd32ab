// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { expectDevTokenThenCheckToWork } from './environment-proof.test-helper.js';

describe("the mock under Vitest's node environment", () => {
  it('issues a dev token, answers a check with it and refuses a forged token (node)', async () => {
    expect(typeof document).toBe('undefined');
    await expectDevTokenThenCheckToWork();
  });
});
