import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { withActions } from 'storybook/actions/decorator';
import { html, nothing } from 'lit';
import { personas, type PersonaKey } from '@cpis/mock/fixtures';
import type { ScenarioName } from '@cpis/mock';
import type { CpisParameters } from '../.storybook/cpis.ts';
import type { CpisFlagBanner } from '@cpis/elements';

/**
 * `<cpis-flag-banner>` in each of its states, for each person of the synthetic population,
 * and behind each of the mock's fault scenarios. Every story has its own in-memory CP-IS
 * (see stories/.storybook/preview.ts); stories with `auto-check` check as they open.
 */
interface BannerArgs {
  'nhs-number'?: string;
  'nhs-number-verified'?: boolean;
  'access-context'?: string;
  'auto-check'?: boolean;
  reason?: string;
}

const maya = personas.lookedAfterOutOfArea;

const banner = (args: BannerArgs) =>
  html`<cpis-flag-banner
    nhs-number=${args['nhs-number'] ?? nothing}
    ?nhs-number-verified=${args['nhs-number-verified']}
    access-context=${args['access-context'] ?? nothing}
    ?auto-check=${args['auto-check']}
    reason=${args.reason ?? nothing}
  ></cpis-flag-banner>`;

/** The banner, and under it what a tester should expect to see. */
const bannerExpecting = (expected: string) => (args: BannerArgs) =>
  html`${banner(args)}
    <p><strong>Expected:</strong> ${expected}</p>`;

const meta = {
  title: 'Elements/Flag banner',
  component: 'cpis-flag-banner',
  // The banner's events show in the Actions panel; Controls set its attributes.
  decorators: [withActions],
  parameters: {
    actions: { handles: ['cpis-check-start', 'cpis-check-complete', 'cpis-check-error'] },
    controls: {
      include: ['nhs-number', 'nhs-number-verified', 'access-context', 'auto-check', 'reason'],
    },
  },
  args: {
    'nhs-number': maya.nhsNumber,
    'nhs-number-verified': true,
    'access-context': 'unscheduled',
    'auto-check': false,
    reason: 'unscheduled-attendance',
  },
  argTypes: {
    'nhs-number': { control: 'text' },
    'access-context': { control: 'inline-radio', options: ['unscheduled', 'scheduled'] },
    reason: {
      control: 'select',
      options: ['unscheduled-attendance', 'safeguarding-concern', 'clinical-review'],
    },
  },
  render: (args) => banner(args),
} satisfies Meta<BannerArgs>;

export default meta;
type Story = StoryObj<BannerArgs>;

const cpis = (parameters: CpisParameters): { cpis: CpisParameters } => ({ cpis: parameters });
const checkOnOpen = { 'auto-check': true } satisfies BannerArgs;

// ---------------------------------------------------------------------------- states

/** No client was provided: a developer-facing error, never silence. */
export const Unconfigured: Story = {
  name: 'State: unconfigured (no client)',
  parameters: cpis({ provide: false }),
};

/** `access-context` is never defaulted: without it the banner refuses to check. */
export const UnconfiguredNoAccessContext: Story = {
  name: 'State: unconfigured (no access-context)',
  args: { 'access-context': undefined },
};

/** `auto-check` with a misspelt reason: a set-up error for the developer, never a quiet fallback to the button. */
export const UnconfiguredInvalidReason: Story = {
  name: 'State: unconfigured (auto-check, misspelt reason)',
  args: { ...checkOnOpen, reason: 'unscheduled-attendence' },
};

export const NotCheckableMissing: Story = {
  name: 'State: not checkable (no NHS number)',
  args: { 'nhs-number': undefined },
};

export const NotCheckableInvalid: Story = {
  name: 'State: not checkable (fails Modulus 11)',
  args: { 'nhs-number': '999 000 2747' },
};

export const NotCheckableUnverified: Story = {
  name: 'State: not checkable (not verified on PDS)',
  args: { 'nhs-number-verified': false },
};

/** A verified number and no check yet: the clinician's Check CP-IS opens the reason dialog. */
export const NotChecked: Story = {
  name: 'State: not checked',
};

/** Check CP-IS pressed: the reason dialog is open, nothing has been sent yet. */
export const ReasonDialogOpen: Story = {
  name: 'State: not checked, reason dialog open',
  play: async ({ canvasElement }) => {
    const banner = canvasElement.querySelector<CpisFlagBanner>('cpis-flag-banner');
    await banner?.updateComplete;
    banner?.shadowRoot?.querySelector<HTMLButtonElement>('.actions button')?.click();
    await banner?.shadowRoot?.querySelector('cpis-access-reason-dialog')?.updateComplete;
  },
};

/** The request is in flight (here it never answers). */
export const Checking: Story = {
  name: 'State: checking',
  tags: ['cpis-pending'],
  args: checkOnOpen,
  parameters: cpis({
    scenario: 'timeout',
    client: { timeoutMs: 3_600_000, deadlineMs: 3_600_000, retries: 0 },
  }),
};

export const RecordFound: Story = {
  name: 'State: record found',
  args: checkOnOpen,
};

export const NoRecord: Story = {
  name: 'State: no record',
  args: { ...checkOnOpen, 'nhs-number': personas.noRecord.nhsNumber },
};

/** At least as prominent as a record: the status is unknown, never "no record". */
export const Failed: Story = {
  name: 'State: failed',
  args: checkOnOpen,
  parameters: cpis({ scenario: 'unavailable' }),
};

export const SignedOut: Story = {
  name: 'State: signed out',
  args: checkOnOpen,
  parameters: cpis({ scenario: 'signed-out' }),
};

/** A receptionist (no CP-IS activity) opens a child's record; the real mock answers 403. */
export const Forbidden: Story = {
  name: 'State: forbidden (no CP-IS activity)',
  args: checkOnOpen,
  parameters: cpis({ principal: 'receptionist' }),
};

/** A GP's scheduled check: a silent read, so no local authority is told. */
export const RecordFoundScheduled: Story = {
  name: 'State: record found, scheduled (silent read)',
  args: { ...checkOnOpen, 'access-context': 'scheduled', reason: 'clinical-review' },
  parameters: cpis({ principal: 'gp' }),
};

/** The same nurse checked Maya an hour ago: nobody is told twice within 24 hours. */
export const RecordFoundRepeat: Story = {
  name: 'State: record found, repeat within 24 hours',
  args: checkOnOpen,
  parameters: cpis({ checks: [{ persona: 'lookedAfterOutOfArea' }] }),
};

/** A new patient while the check is in flight: the old answer is dropped, never shown. */
export const PatientChangedWhileChecking: Story = {
  name: 'State: patient changed while checking',
  args: checkOnOpen,
  parameters: cpis({ scenario: 'slow' }),
  play: async ({ canvasElement }) => {
    const banner = canvasElement.querySelector<CpisFlagBanner>('cpis-flag-banner');
    await banner?.updateComplete;
    banner?.setAttribute('nhs-number', personas.noRecord.nhsNumber);
    await banner?.updateComplete;
  },
};

/** The host's own look through `--cpis-*` custom properties; the meaning stays in words. */
export const Themed: Story = {
  name: 'Theming: custom properties',
  args: checkOnOpen,
  render: (args) =>
    html`<div
      style="--cpis-font-family: Georgia, serif; --cpis-font-size: 18px; --cpis-color-primary: #330072; --cpis-color-critical: #8a1538; --cpis-border-width: 6px;"
    >
      ${banner(args)}
    </div>`,
};

// -------------------------------------------------------------------------- personas

function persona(key: PersonaKey): Story {
  const p = personas[key];
  return {
    args: {
      ...checkOnOpen,
      'nhs-number': p.nhsNumber,
      'nhs-number-verified': p.nhsNumberVerified,
    },
    render: bannerExpecting(p.expect),
  };
}

export const ActiveChildProtectionPlan: Story = {
  ...persona('activeChildProtectionPlan'),
  name: 'Persona: Oliver Bennett (active child protection plan)',
};
export const LookedAfterOutOfArea: Story = {
  ...persona('lookedAfterOutOfArea'),
  name: 'Persona: Maya Okafor (looked after, placed out of area)',
};
export const PregnantWithUnbornPlan: Story = {
  ...persona('pregnantWithUnbornPlan'),
  name: 'Persona: Chloe Harper (plan for her unborn child)',
};
export const RecentlyEndedPlan: Story = {
  ...persona('recentlyEndedPlan'),
  name: 'Persona: Leo Marsh (plan ended 60 days ago)',
};
export const PlansFromTwoAuthorities: Story = {
  ...persona('plansFromTwoAuthorities'),
  name: 'Persona: Ava Khan (plans from two authorities)',
};
export const ManyEarlierAccesses: Story = {
  ...persona('manyEarlierAccesses'),
  name: 'Persona: Noah Price (30 earlier accesses)',
};
export const NoRecordPersona: Story = {
  ...persona('noRecord'),
  name: 'Persona: Isla Reed (no record)',
};
export const PlanEndedOverAYearAgo: Story = {
  ...persona('planEndedOverAYearAgo'),
  name: 'Persona: Ruby Hale (plan ended over a year ago)',
};
export const HostileAuthorityName: Story = {
  ...persona('hostileAuthorityName'),
  name: 'Persona: Theo Grant (authority name holds HTML)',
};
export const UnverifiedNumber: Story = {
  ...persona('unverifiedNumber'),
  name: 'Persona: Alex Unknown (NHS number not verified)',
};

// ------------------------------------------------------------------------- scenarios

function scenario(name: ScenarioName, expected: string): Story {
  return {
    args: checkOnOpen,
    parameters: cpis({ scenario: name }),
    render: bannerExpecting(expected),
  };
}

export const ScenarioOk: Story = {
  ...scenario('ok', 'The service as it is: Maya’s record.'),
  name: 'Scenario: ok',
};
export const ScenarioSlow: Story = {
  ...scenario('slow', 'Every answer after 1.5 s: checking, then the record.'),
  name: 'Scenario: slow',
};
export const ScenarioUnavailable: Story = {
  ...scenario('unavailable', 'Every request 503: failed.'),
  name: 'Scenario: unavailable',
};
export const ScenarioTimeout: Story = {
  ...scenario(
    'timeout',
    'No answer ever: checking until the SDK’s 8-second deadline, then failed — never "no record".',
  ),
  name: 'Scenario: timeout',
};
export const ScenarioSignedOut: Story = {
  ...scenario('signed-out', '401: signed out, not checked.'),
  name: 'Scenario: signed-out',
};
export const ScenarioForbidden: Story = {
  ...scenario('forbidden', '403: this role cannot check.'),
  name: 'Scenario: forbidden',
};
export const ScenarioFlaky: Story = {
  ...scenario(
    'flaky',
    'The first check answers 503; the SDK retries with the same Idempotency-Key: the record.',
  ),
  name: 'Scenario: flaky',
};
export const ScenarioMalformed: Story = {
  ...scenario(
    'malformed',
    'A 201 that breaks the contract: the SDK refuses it, the banner shows failed.',
  ),
  name: 'Scenario: malformed',
};
export const ScenarioWrongPatient: Story = {
  ...scenario(
    'wrong-patient',
    'A well-formed answer about another NHS number: refused, failed — never another patient’s plan.',
  ),
  name: 'Scenario: wrong-patient',
};

// --------------------------------------------------------------------------- sources

/**
 * The same banner given each of the SDK's clients, over the same in-memory CP-IS: the mock
 * answers this kit's `/v1` and NHS England's two APIs through one service core. Each finds
 * Maya's record through its own API and says, quietly, which service answered.
 */
function source(
  parameters: CpisParameters,
  args: BannerArgs,
  expected: string,
): Pick<Story, 'args' | 'parameters' | 'render'> {
  return {
    args: { ...checkOnOpen, ...args },
    parameters: cpis(parameters),
    render: bannerExpecting(expected),
  };
}

export const SourceKitApi: Story = {
  ...source(
    { source: 'v1' },
    {},
    'POST /v1/checks: Maya’s record; Tower Hamlets named as told. "Answered by the CP-IS Embed Kit service."',
  ),
  name: 'Source: this kit’s /v1 API',
};

/** `createCpisFhirClient`: CareTeam, then AuditEvent with the PractitionerRole include. */
export const SourceCpisFhirApi: Story = {
  ...source(
    { source: 'cpis-fhir' },
    {},
    'GET /cpis/FHIR/R4/CareTeam with IsUnscheduledAccessEvent: true, then AuditEvent: Maya’s record and its accesses. The national service tells the authority but does not say whom, so none is named as told. "Answered by NHS England’s CP-IS FHIR API."',
  ),
  name: 'Source: NHS England’s CP-IS FHIR API',
};

/** `createPatientFlagsClient`: scheduled care only (a GP, B0170), a silent read. */
export const SourcePatientFlagsApi: Story = {
  ...source(
    { source: 'patient-flags', principal: 'gp' },
    { 'access-context': 'scheduled', reason: 'clinical-review' },
    'GET /patient-flags-api/FHIR/R4/PatientFlag: Maya’s record from Flag, CarePlan and CareTeam; scheduled, so no authority is told; the API gives no access history. "Answered by NHS England’s Patient Flags API."',
  ),
  name: 'Source: NHS England’s Patient Flags API (scheduled, silent)',
};
