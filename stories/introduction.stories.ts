import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { personas, principals, type PersonaKey } from '@cpis/mock/fixtures';
import { STORY_START } from './.storybook/clock.ts';

/**
 * Prose for designers and integrators, and the banner where it lives: inside an EPR's
 * patient header. Plain stories, no MDX.
 */
const meta = {
  title: 'Introduction',
  parameters: { layout: 'fullscreen', controls: { disable: true } },
} satisfies Meta;

export default meta;
type Story = StoryObj;

const when = (instant: string): string =>
  new Date(instant).toLocaleString('en-GB', {
    timeZone: 'Europe/London',
    hour: '2-digit',
    minute: '2-digit',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });

const born = (date: string): string =>
  new Date(`${date}T12:00:00Z`).toLocaleDateString('en-GB', {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  });

const prose = html`<style>
  .cpis-prose {
    max-width: 46rem;
    padding: 1.5rem;
    font-family: Arial, sans-serif;
    line-height: 1.5;
    color: #212b32;
  }
  .cpis-prose code {
    font-size: 0.95em;
  }
</style>`;

export const StartHere: Story = {
  name: 'Start here',
  render: () =>
    html`${prose}
      <main class="cpis-prose">
        <h1>CP-IS Embed Kit: the elements</h1>
        <p>
          Child Protection – Information Sharing tells an emergency department, an urgent treatment
          centre or a maternity unit that the child in front of them is on a child protection plan,
          is looked after, or that a pregnant woman's unborn child has a protection plan — with the
          responsible local authority and both of its phone numbers.
        </p>
        <h2>How these stories work</h2>
        <ul>
          <li>
            Every story has its own CP-IS, in memory (<code>@cpis/mock</code>, through
            <code>createMockFetch</code>): the synthetic population, the contract's rules, and
            nothing shared with the story before. Nothing leaves the browser.
          </li>
          <li>
            A story names its fault scenario and who is signed in with
            <code>parameters.cpis = { scenario, principal, checks }</code>; the global decorator in
            <code>stories/.storybook/preview.ts</code> builds the client and provides it with
            <code>provideCpisClient</code>, as an EPR page would.
          </li>
          <li>
            Every story starts at the same moment, ${when(STORY_START)} (London time), so a check
            always says "checked 10-Mar-2026 14:02" and the plans' dates never drift.
          </li>
          <li>
            The Accessibility panel runs axe on each story; the end-to-end test
            (<code>test/e2e/storybook.test.ts</code>) opens every story in Chromium and fails on any
            violation or console error.
          </li>
        </ul>
        <h2>The rule that matters most</h2>
        <p>
          A failed check is never shown as "no record", and "no record" never means "safe". Compare
          <em>Flag banner › State: failed</em> with <em>State: no record</em>.
        </p>
        <h2>Try it</h2>
        <p>This banner is live: press Check CP-IS, give a reason, and see Maya Okafor's record.</p>
        <cpis-flag-banner
          nhs-number=${personas.lookedAfterOutOfArea.nhsNumber}
          nhs-number-verified
          access-context="unscheduled"
        ></cpis-flag-banner>
      </main>`,
};

const header = html`<style>
  .epr {
    font-family: Arial, sans-serif;
    color: #212b32;
    background: #f0f4f5;
    min-height: 100vh;
  }
  .epr__bar {
    display: flex;
    justify-content: space-between;
    padding: 0.5rem 1.5rem;
    background: #005eb8;
    color: #fff;
  }
  .epr__bar p {
    margin: 0;
  }
  .epr__patient {
    display: grid;
    gap: 0.75rem;
    margin: 1rem 1.5rem;
    padding: 1rem 1.25rem;
    background: #fff;
    border: 1px solid #d8dde0;
  }
  .epr__patient h1 {
    margin: 0;
    font-size: 1.5rem;
  }
  .epr__demographics {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 1.5rem;
    margin: 0;
  }
  .epr__demographics div {
    display: flex;
    gap: 0.4rem;
  }
  .epr__demographics dt {
    color: #4c6272;
  }
  .epr__demographics dd {
    margin: 0;
    font-weight: 700;
  }
</style>`;

function patientHeader(key: PersonaKey): Story {
  const p = personas[key];
  const nurse = principals.edNurse;
  const nhs = `${p.nhsNumber.slice(0, 3)} ${p.nhsNumber.slice(3, 6)} ${p.nhsNumber.slice(6)}`;
  return {
    render: () =>
      html`${header}
        <div class="epr">
          <header class="epr__bar">
            <p><strong>${nurse.orgName}</strong> · patient view</p>
            <p>${nurse.name} · ${nurse.role}</p>
          </header>
          <main class="epr__patient">
            <h1>${p.familyName.toUpperCase()}, ${p.givenName}</h1>
            <dl class="epr__demographics">
              <div>
                <dt>Born</dt>
                <dd>${born(p.dateOfBirth)}</dd>
              </div>
              <div>
                <dt>NHS No.</dt>
                <dd>${nhs}</dd>
              </div>
              <div>
                <dt>PDS trace</dt>
                <dd>${p.nhsNumberVerified ? 'Verified' : 'Not verified'}</dd>
              </div>
            </dl>
            <cpis-flag-banner
              nhs-number=${p.nhsNumber}
              ?nhs-number-verified=${p.nhsNumberVerified}
              access-context="unscheduled"
              auto-check
              reason="unscheduled-attendance"
            ></cpis-flag-banner>
          </main>
        </div>`,
  };
}

/** The case CP-IS was built for: a child placed out of area, checked in the area she lives in. */
export const InPatientHeader: Story = {
  ...patientHeader('lookedAfterOutOfArea'),
  name: 'In an EPR patient header',
};

/** The banner belongs on adults' records too: a UCPP sits on the pregnant woman's own record. */
export const InPatientHeaderAdult: Story = {
  ...patientHeader('pregnantWithUnbornPlan'),
  name: 'In an EPR patient header: a pregnant woman',
};
