// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { expectDevTokenThenCheckToWork } from './environment-proof.test-helper.js';

describe("the mock under Vitest's happy-dom environment", () => {
  it('issues a dev token, answers a check with it and refuses a forged token (happy-dom)', async () => {
    expect(navigator.userAgent).toContain('HappyDOM');
    await expectDevTokenThenCheckToWork();
  });
});
