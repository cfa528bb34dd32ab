import { describe, expect, it } from 'vitest';
import {
  CpisAccessHistory,
  CpisAccessReasonDialog,
  CpisFlagBanner,
  CpisNotificationInbox,
} from './index.js';
import { defineCpisElements } from './define.js';
import type * as DefineModule from './define.js';
import { defineElement } from './internal/define-element.js';

const tags = {
  'cpis-flag-banner': CpisFlagBanner,
  'cpis-access-reason-dialog': CpisAccessReasonDialog,
  'cpis-access-history': CpisAccessHistory,
  'cpis-notification-inbox': CpisNotificationInbox,
};

describe('registration', () => {
  it('registers every tag to its class', () => {
    for (const [tag, element] of Object.entries(tags)) {
      expect(customElements.get(tag)).toBe(element);
    }
  });

  it('is harmless to call again', () => {
    expect(() => defineCpisElements()).not.toThrow();
    expect(customElements.get('cpis-flag-banner')).toBe(CpisFlagBanner);
  });

  it('runs its registration again harmlessly (a second instance of the module)', async () => {
    // The query makes the browser evaluate define.ts a second time.
    const url = `${new URL('./define.ts', import.meta.url).href}?again`;
    const again = (await import(/* @vite-ignore */ url)) as typeof DefineModule;
    expect(customElements.get('cpis-flag-banner')).toBe(CpisFlagBanner);
    expect(() => again.defineCpisElements()).not.toThrow();
  });

  it('keeps the first definition when another copy of the kit defines the same tag', () => {
    class OtherCopy extends HTMLElement {}
    expect(() => defineElement('cpis-flag-banner', OtherCopy)).not.toThrow();
    expect(customElements.get('cpis-flag-banner')).toBe(CpisFlagBanner);
  });

  it('is harmless to import again', async () => {
    await import('./define.js');
    expect(customElements.get('cpis-notification-inbox')).toBe(CpisNotificationInbox);
  });
});
