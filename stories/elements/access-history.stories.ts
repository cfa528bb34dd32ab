import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { CheckResult } from '@cpis/sdk';
import type { CpisParameters } from '../.storybook/cpis.ts';

/**
 * The table of earlier accesses a check returns. Each story makes a real check against
 * the in-memory mock first (`parameters.cpis.checks`) and shows its `accessHistory`.
 */
const meta = {
  title: 'Elements/Access history',
  component: 'cpis-access-history',
  // Its one input is the `result` property, a CheckResult: made by each story's check.
  parameters: { controls: { disable: true } },
  render: (_args, { loaded }) =>
    html`<cpis-access-history
      .result=${(loaded.cpis as { result: CheckResult }).result}
    ></cpis-access-history>`,
} satisfies Meta;

export default meta;
type Story = StoryObj;

const after = (checks: CpisParameters['checks']): { cpis: CpisParameters } => ({
  cpis: { checks },
});

/** A first look at a child with a record: only this access is listed, as "This check (you)". */
export const FirstAccess: Story = {
  parameters: after([{ persona: 'activeChildProtectionPlan' }]),
};

/** Maya Okafor: one earlier access at another emergency department, then this one, marked as yours. */
export const OneEarlierAccess: Story = {
  parameters: after([{ persona: 'lookedAfterOutOfArea' }]),
};

/** Noah Price: 30 earlier accesses and this one; the newest 25 are shown. */
export const NewestTwentyFive: Story = {
  parameters: after([{ persona: 'manyEarlierAccesses' }]),
};

/** The same nurse again within 24 hours: no entry is written, so no row is this check. */
export const RepeatWithin24Hours: Story = {
  parameters: after([{ persona: 'lookedAfterOutOfArea' }, { persona: 'lookedAfterOutOfArea' }]),
};

/** A `no-record` answer carries no history (nothing leaks about plans no longer shown). */
export const NoRecord: Story = {
  parameters: after([{ persona: 'noRecord' }]),
};
