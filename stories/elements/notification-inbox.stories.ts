import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import { authorities } from '@cpis/mock/fixtures';
import type { CpisLoaded, CpisParameters } from '../.storybook/cpis.ts';
import type { CpisNotificationInbox } from '@cpis/elements';

/**
 * `<cpis-notification-inbox>` as Tower Hamlets' social worker sees it. Notifications come
 * from real checks made against the story's in-memory CP-IS before it renders
 * (`parameters.cpis.checks`); the `Live` story makes one after, and it arrives by the stream.
 */
interface InboxArgs {
  'ods-code'?: string;
}

const meta = {
  title: 'Elements/Notification inbox',
  component: 'cpis-notification-inbox',
  parameters: { controls: { include: ['ods-code'] } },
  args: { 'ods-code': authorities.towerHamlets.odsCode },
  argTypes: { 'ods-code': { control: 'text' } },
  render: (args) =>
    html`<cpis-notification-inbox
      ods-code=${args['ods-code'] ?? nothing}
    ></cpis-notification-inbox>`,
} satisfies Meta<InboxArgs>;

export default meta;
type Story = StoryObj<InboxArgs>;

/** Signed in as Tower Hamlets' social worker, with `extra` on top. */
const asTowerHamlets = (extra: CpisParameters = {}): { cpis: CpisParameters } => ({
  cpis: { principal: 'towerHamletsSocialWorker', ...extra },
});

/** Two Tower Hamlets children looked at from emergency departments this morning. */
const twoChecks: CpisParameters['checks'] = [
  { persona: 'manyEarlierAccesses', principal: 'edDoctor' },
  { persona: 'lookedAfterOutOfArea', principal: 'edNurse' },
];

async function inboxIn(canvas: HTMLElement): Promise<CpisNotificationInbox> {
  const inbox = canvas.querySelector('cpis-notification-inbox');
  if (!inbox) throw new Error('no <cpis-notification-inbox> in the story');
  await inbox.updateComplete;
  return inbox;
}

/** Waits (bounded) until the inbox shows `count` notifications. */
async function untilShown(inbox: CpisNotificationInbox, count: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((inbox.shadowRoot?.querySelectorAll('[part="notification"]').length ?? 0) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the inbox did not show ${count} notifications within 5 s`);
}

// ---------------------------------------------------------------------------- states

export const Unconfigured: Story = {
  name: 'State: unconfigured (no client)',
  parameters: { cpis: { provide: false } satisfies CpisParameters },
};

export const UnconfiguredNoOdsCode: Story = {
  name: 'State: unconfigured (no ods-code)',
  args: { 'ods-code': undefined },
  parameters: asTowerHamlets(),
};

/** The first page is on its way (here it never answers). */
export const Loading: Story = {
  name: 'State: loading',
  tags: ['cpis-pending'],
  parameters: asTowerHamlets({
    scenario: 'timeout',
    client: { timeoutMs: 3_600_000, deadlineMs: 3_600_000, retries: 0 },
  }),
};

export const Empty: Story = {
  name: 'State: ready, no notifications yet',
  parameters: asTowerHamlets(),
};

export const Ready: Story = {
  name: 'State: ready, newest first',
  parameters: asTowerHamlets({ checks: twoChecks }),
};

/** A notification made after the inbox opened arrives through the stream, at the top. */
export const Live: Story = {
  name: 'State: ready, a notification arrives live',
  parameters: asTowerHamlets({ checks: twoChecks }),
  play: async ({ canvasElement, loaded }) => {
    const inbox = await inboxIn(canvasElement);
    await untilShown(inbox, 2);
    await (loaded.cpis as CpisLoaded).check({
      persona: 'lookedAfterOutOfArea',
      principal: 'edDoctor',
      reason: { code: 'safeguarding-concern' },
    });
    await untilShown(inbox, 3);
  },
};

/** Reason comments are free text from another organisation: always shown as text. */
export const CommentWithHtml: Story = {
  name: 'State: ready, a comment holding HTML (shown as text)',
  parameters: asTowerHamlets({
    checks: [
      {
        persona: 'lookedAfterOutOfArea',
        reason: {
          code: 'other',
          comment: 'Brought in by police <img src=x onerror="window.__cpisXss=1"> <b>not bold</b>',
        },
      },
    ],
  }),
};

export const Failed: Story = {
  name: 'State: failed',
  parameters: asTowerHamlets({ scenario: 'unavailable' }),
};

export const SignedOut: Story = {
  name: 'State: signed out',
  parameters: asTowerHamlets({ scenario: 'signed-out' }),
};

/** Sheffield's social worker asking for Tower Hamlets' notifications: the mock answers 403. */
export const Forbidden: Story = {
  name: 'State: forbidden (another authority)',
  parameters: { cpis: { principal: 'sheffieldSocialWorker' } satisfies CpisParameters },
};

// ------------------------------------------------------------------------- scenarios
// `flaky`, `malformed` and `wrong-patient` change only checks; the inbox sees `ok`.

export const ScenarioSlow: Story = {
  name: 'Scenario: slow',
  parameters: asTowerHamlets({ scenario: 'slow', checks: twoChecks }),
};

export const ScenarioTimeout: Story = {
  name: 'Scenario: timeout (failed after the SDK’s deadline)',
  parameters: asTowerHamlets({ scenario: 'timeout' }),
};

export const ScenarioForbidden: Story = {
  name: 'Scenario: forbidden',
  parameters: asTowerHamlets({ scenario: 'forbidden' }),
};
