import { describe, expect, it } from 'vitest';
import { expectDevTokenThenCheckToWork } from '../environment-proof.test-helper.js';

describe('the mock in Chromium', () => {
  it('issues a dev token, answers a check with it and refuses a forged token (Chromium)', async () => {
    expect(navigator.userAgent).toContain('Chrome');
    await expectDevTokenThenCheckToWork();
  });
});
