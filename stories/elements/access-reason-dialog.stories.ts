import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import type { CpisAccessReasonDialog } from '@cpis/elements';

/**
 * The modal that asks why the user is checking CP-IS. Most stories open it in their play
 * function (`show()`), as the banner's "Check CP-IS" button does.
 */
const meta = {
  title: 'Elements/Access reason dialog',
  component: 'cpis-access-reason-dialog',
  parameters: { controls: { include: ['access-context'] } },
  args: { 'access-context': 'unscheduled' },
  argTypes: {
    'access-context': { control: 'inline-radio', options: ['unscheduled', 'scheduled'] },
  },
  render: (args) =>
    html`<cpis-access-reason-dialog
      access-context=${args['access-context'] ?? nothing}
    ></cpis-access-reason-dialog>`,
} satisfies Meta;

export default meta;
type Story = StoryObj;

function dialogIn(canvas: HTMLElement): CpisAccessReasonDialog {
  const dialog = canvas.querySelector('cpis-access-reason-dialog');
  if (!dialog) throw new Error('no <cpis-access-reason-dialog> in the story');
  return dialog;
}

async function open(canvas: HTMLElement): Promise<CpisAccessReasonDialog> {
  const dialog = dialogIn(canvas);
  await dialog.updateComplete;
  // The promise settles when the user answers; the story only needs the dialog open.
  void dialog.show();
  await dialog.updateComplete;
  return dialog;
}

async function submit(dialog: CpisAccessReasonDialog): Promise<void> {
  dialog.shadowRoot?.querySelector<HTMLButtonElement>('button[type="submit"]')?.click();
  await dialog.updateComplete;
}

/** Opened from an emergency department: says the local authority will be told. */
export const Unscheduled: Story = {
  play: async ({ canvasElement }) => {
    await open(canvasElement);
  },
};

/** Opened for a scheduled (silent) check: recorded, the local authority not told. */
export const Scheduled: Story = {
  args: { 'access-context': 'scheduled' },
  play: async ({ canvasElement }) => {
    await open(canvasElement);
  },
};

/** Opened without an access context: the notice covers both kinds of check. */
export const NoAccessContext: Story = {
  args: { 'access-context': undefined },
  play: async ({ canvasElement }) => {
    await open(canvasElement);
  },
};

/** Submitted with no reason chosen: the error summary takes focus. */
export const NoReasonChosen: Story = {
  play: async ({ canvasElement }) => {
    await submit(await open(canvasElement));
  },
};

/** "Other" needs a comment saying why. */
export const OtherWithoutComment: Story = {
  play: async ({ canvasElement }) => {
    const dialog = await open(canvasElement);
    const radios = dialog.shadowRoot?.querySelectorAll<HTMLInputElement>('input[name="code"]');
    [...(radios ?? [])].find((radio) => radio.value === 'other')?.click();
    await submit(dialog);
  },
};

/** Closed, with a button that opens it and prints what `show()` resolved with. */
export const Interactive: Story = {
  render: (args) => {
    const ask = async (event: Event): Promise<void> => {
      const root = (event.target as HTMLElement).parentElement;
      const dialog = root?.querySelector('cpis-access-reason-dialog');
      const output = root?.querySelector('output');
      if (!dialog || !output) return;
      const reason = await dialog.show();
      output.textContent = reason ? JSON.stringify(reason) : 'null (cancelled)';
    };
    return html`<div>
      <button type="button" @click=${ask}>Check CP-IS</button>
      <p>show() resolved with: <output>nothing yet</output></p>
      <cpis-access-reason-dialog
        access-context=${args['access-context'] ?? nothing}
      ></cpis-access-reason-dialog>
    </div>`;
  },
};
