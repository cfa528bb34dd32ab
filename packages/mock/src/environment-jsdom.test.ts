// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { expectDevTokenThenCheckToWork } from './environment-proof.test-helper.js';

describe("the mock under Vitest's jsdom environment", () => {
  it('issues a dev token, answers a check with it and refuses a forged token (jsdom)', async () => {
    expect(navigator.userAgent).toContain('jsdom');
    await expectDevTokenThenCheckToWork();
  });
});
