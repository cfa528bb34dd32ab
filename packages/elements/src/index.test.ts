import { describe, expect, it } from 'vitest';
import * as kit from './index.js';

// This file imports only the index (each browser test file runs in its own page).
describe('the index', () => {
  it('registers no tag when imported', () => {
    for (const tag of [
      'cpis-flag-banner',
      'cpis-access-reason-dialog',
      'cpis-access-history',
      'cpis-notification-inbox',
    ]) {
      expect(customElements.get(tag)).toBeUndefined();
    }
  });

  it('exports the classes, events and context helpers', () => {
    expect(Object.keys(kit).sort()).toEqual([
      'CpisAccessHistory',
      'CpisAccessReasonDialog',
      'CpisCheckCompleteEvent',
      'CpisCheckErrorEvent',
      'CpisCheckStartEvent',
      'CpisClientController',
      'CpisFlagBanner',
      'CpisNotificationInbox',
      'cpisClientContext',
      'cpisElements',
      'defineCpisElements',
      'provideCpisClient',
    ]);
  });

  it('lets a class be registered under another tag, with its parts', async () => {
    customElements.define('x-banner', class extends kit.CpisFlagBanner {});
    const el = document.createElement('x-banner') as kit.CpisFlagBanner;
    document.body.append(el);
    await el.updateComplete;
    expect(el.state).toBe('unconfigured');
    // The banner registers the dialog and history it renders, when it is first created.
    expect(customElements.get('cpis-access-reason-dialog')).toBe(kit.CpisAccessReasonDialog);
    el.remove();
  });
});
