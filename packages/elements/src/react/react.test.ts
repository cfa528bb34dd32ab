import { afterEach, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { act } from 'react';
import { personas } from '@cpis/mock';
import type { CpisCheckCompleteEvent } from '../events.js';
import { CpisFlagBanner } from './index.js';
import type { CpisFlagBanner as FlagBannerElement } from '../flag-banner/flag-banner.js';
import { cleanPage, mockClient, until } from '../internal/testing.test-helper.js';

let root: Root | undefined;
afterEach(() => {
  root?.unmount();
  root = undefined;
  cleanPage();
});

describe('React wrappers', () => {
  it('sets properties and maps events to onCheckComplete', async () => {
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
    const { client } = await mockClient();
    const completed: CpisCheckCompleteEvent[] = [];
    const host = document.createElement('div');
    document.body.append(host);
    root = createRoot(host);
    await act(async () => {
      root!.render(
        createElement(CpisFlagBanner, {
          client,
          nhsNumber: personas.activeChildProtectionPlan.nhsNumber,
          nhsNumberVerified: true,
          accessContext: 'unscheduled',
          autoCheck: true,
          reason: 'unscheduled-attendance',
          onCheckComplete: (e: CpisCheckCompleteEvent) => completed.push(e),
        }),
      );
    });
    const el = host.querySelector('cpis-flag-banner') as FlagBannerElement;
    expect(el).toBeInstanceOf(customElements.get('cpis-flag-banner')!);
    await until(() => el.state, 'record-found');
    expect(completed.map((e) => e.detail.outcome)).toEqual(['record-found']);
  });
});
