import { expect, it } from 'vitest';
import { page } from 'vitest/browser';
import { personas } from '@cpis/mock';
import '../src/define.js';
import { mockClient, mount, until } from '../src/internal/testing.test-helper.js';

const shots: [string, string, Record<string, unknown>][] = [
  ['banner-record-found', personas.lookedAfterOutOfArea.nhsNumber, {}],
  ['banner-no-record', personas.noRecord.nhsNumber, {}],
  [
    'banner-failed',
    personas.noRecord.nhsNumber,
    { scenario: 'unavailable', client: { retries: 0 } },
  ],
  // Before and during a check: neither may look like "no record" (hazard H14).
  ['banner-not-checked', personas.noRecord.nhsNumber, {}],
  [
    'banner-checking',
    personas.noRecord.nhsNumber,
    { scenario: 'slow', scenarioOptions: { delayMs: 60_000 } },
  ],
];

it.each(shots)('%s', async (name, nhsNumber, options) => {
  document.body.replaceChildren();
  document.body.style.cssText = 'margin:0;padding:16px;background:#f0f4f5;width:720px';
  const { client } = await mockClient(options);
  const el = await mount(
    'cpis-flag-banner',
    {
      'nhs-number': nhsNumber,
      'nhs-number-verified': true,
      'access-context': 'unscheduled',
      'auto-check': name !== 'banner-not-checked',
      reason: 'unscheduled-attendance',
    },
    { client },
  );
  await until(() => el.state, name.replace('banner-', ''));
  el.style.margin = '0';
  await page.screenshot({ path: `../../../docs/images/${name}.png`, element: el });
  expect(el.isConnected).toBe(true);
});
