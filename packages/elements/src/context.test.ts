import { afterEach, describe, expect, it } from 'vitest';
import { ContextEvent } from '@lit/context';
import { personas } from '@cpis/mock';
import './define.js';
import { cpisClientContext } from './context.js';
import { cleanPage, mockClient, mount, provide, until } from './internal/testing.test-helper.js';

afterEach(cleanPage);

const attrs = {
  'nhs-number': personas.noRecord.nhsNumber,
  'nhs-number-verified': true,
  'access-context': 'unscheduled',
  'auto-check': true,
  reason: 'clinical-review',
};

describe('cpisClientContext', () => {
  it('uses a global symbol, so two copies of the kit share it', () => {
    expect(cpisClientContext).toBe(Symbol.for('cpis-client'));
  });

  it('answers a context request from another copy of the protocol', async () => {
    const { client } = await mockClient();
    const root = document.createElement('div');
    document.body.append(root);
    provide(root, client);
    const child = document.createElement('span');
    root.append(child);
    let got: unknown;
    // A request built as a foreign copy would: its own event, the same key.
    child.dispatchEvent(
      new ContextEvent(
        Symbol.for('cpis-client') as unknown as typeof cpisClientContext,
        child,
        (v) => (got = v),
      ),
    );
    expect(got).toBe(client);
  });
});

describe('provideCpisClient', () => {
  it('serves elements on document.body of a page without Lit', async () => {
    const { client } = await mockClient();
    provide(document.body, client);
    const el = await mount('cpis-flag-banner', attrs);
    await until(() => el.state, 'no-record');
  });

  it('serves elements that connected before it existed', async () => {
    const { client } = await mockClient();
    const el = await mount('cpis-flag-banner', attrs);
    expect(el.state).toBe('unconfigured');
    provide(document.body, client);
    await until(() => el.state, 'no-record');
  });

  it('lets a nearer provider win', async () => {
    const far = await mockClient({ scenario: 'forbidden' });
    const near = await mockClient();
    provide(document.body, far.client);
    const section = document.createElement('section');
    document.body.append(section);
    provide(section, near.client);
    const el = await mount('cpis-flag-banner', attrs, {}, section);
    await until(() => el.state, 'no-record');
    expect(far.requests).toHaveLength(0);
  });
});
