// The ED patient view: a patient list, a patient header, and CP-IS in that header.
// Plain JavaScript, no build step. What a vendor copies is marked "CP-IS:"; the rest
// stands in for the EPR's own screens.
import {
  createCpisClient,
  createCpisFhirClient,
  createPatientFlagsClient,
  formatNhsNumber,
  provideCpisClient,
} from '/kit/cpis-elements-fhir.js';
import { patients } from './patients.js';

// CP-IS: who is signed in. A real EPR passes the user's own NHS CIS2 / smartcard token;
// this example asks the reference server's development-only route for one, as the ED
// nurse of the synthetic population (B0107: unscheduled checks that notify).
const edNurse = {
  name: 'Priya Shah',
  role: 'Emergency department nurse',
  orgType: 'health',
  odsCode: 'RQXM1',
  orgName: 'Homerton Emergency Department',
  activities: ['B0107'],
};
// The Patient Flags API is for scheduled care: the same nurse at the department's planned
// review clinic, with B0170 (scheduled checks: silent reads, no local authority is told).
const clinicNurse = { ...edNurse, role: 'Review clinic nurse', activities: ['B0170'] };

const tokens = new Map();
function tokenFor(user) {
  if (!tokens.has(user)) {
    tokens.set(
      user,
      fetch('/v1/dev/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(user),
      }).then(async (response) => {
        if (!response.ok) throw new Error(`Sign-in failed: ${response.status}`);
        return (await response.json()).token;
      }),
    );
  }
  return tokens.get(user);
}

// CP-IS: NHS England's APIs take no access reason. The SDK hands it to the host before each
// check, for the host's own audit (here a list in memory; a real EPR writes its audit trail).
const ownAudit = [];
const onAccessReason = (record) => {
  ownAudit.push(record);
};

// CP-IS: the services this page can check, each a client the banner takes as it is. The
// reference server answers all three over the same data: a vendor who calls NHS England's
// APIs points the same clients at https://int.api.service.nhs.uk instead.
const sources = {
  // This kit's own service: POST /v1/checks, with the reason, and says whom it told.
  v1: {
    user: edNurse,
    accessContext: 'unscheduled',
    reason: 'unscheduled-attendance',
    client: (getToken) => createCpisClient({ baseUrl: location.origin, getToken }),
  },
  // NHS England's CP-IS FHIR R4 API (the server's local stand-in): GET CareTeam, sent with
  // IsUnscheduledAccessEvent: true, so the responsible local authority is told.
  'cpis-fhir': {
    user: edNurse,
    accessContext: 'unscheduled',
    reason: 'unscheduled-attendance',
    client: (getToken) =>
      createCpisFhirClient({
        baseUrl: `${location.origin}/cpis/FHIR/R4`,
        getToken,
        onAccessReason,
      }),
  },
  // NHS England's Patient Flags API: scheduled care only, a silent read.
  'patient-flags': {
    user: clinicNurse,
    accessContext: 'scheduled',
    reason: 'clinical-review',
    client: (getToken) =>
      createPatientFlagsClient({
        baseUrl: `${location.origin}/patient-flags-api/FHIR/R4`,
        getToken,
        onAccessReason,
      }),
  },
};

const signedIn = document.getElementById('signed-in');
const header = document.getElementById('patient-header');
const banner = header.querySelector('cpis-flag-banner');
const sourceControl = document.getElementById('cpis-source');
let provider;

// CP-IS: one client for the page, handed to every CP-IS element under <body>. The SDK
// asks getToken() before every request and never keeps the token itself. A new source is
// a new client: provider.setValue() hands it over, and the banner starts again, cleared,
// with any check in flight cancelled, so one service's answer never shows for another.
function useSource(name) {
  const source = sources[name];
  const getToken = () => tokenFor(source.user);
  const client = source.client(getToken);
  banner.setAttribute('access-context', source.accessContext);
  banner.setAttribute('reason', source.reason);
  if (provider) provider.setValue(client);
  else provider = provideCpisClient(document.body, client);
  signedIn.textContent = 'Signing in…';
  getToken().then(
    () => {
      if (sourceControl.value === name) {
        signedIn.textContent = `${source.user.name} · ${source.user.role}`;
      }
    },
    () => (signedIn.textContent = 'Not signed in: is the server in development mode?'),
  );
}

sourceControl.addEventListener('change', () => useSource(sourceControl.value));
useSource(sourceControl.value);

// The EPR's own screen: a list of patients and the header of the chosen one.
const list = document.getElementById('patient-list');

// "12 Apr 2019 (7 y)": the date of birth and the age in whole years, as EPRs show them.
function bornText(date) {
  const born = new Date(`${date}T12:00:00Z`);
  const today = new Date();
  const birthdayPassed =
    today.getMonth() > born.getUTCMonth() ||
    (today.getMonth() === born.getUTCMonth() && today.getDate() >= born.getUTCDate());
  const age = today.getFullYear() - born.getUTCFullYear() - (birthdayPassed ? 0 : 1);
  const day = born.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
  return `${day} (${age} y)`;
}

for (const patient of patients) {
  const button = document.createElement('button');
  button.type = 'button';
  const name = document.createElement('span');
  name.className = 'patient-list__name';
  name.textContent = `${patient.familyName.toUpperCase()}, ${patient.givenName}`;
  const meta = document.createElement('span');
  meta.className = 'patient-list__meta';
  const born = document.createElement('span');
  born.textContent = `Born ${bornText(patient.dateOfBirth)}`;
  const number = document.createElement('span');
  number.textContent = `NHS No. ${formatNhsNumber(patient.nhsNumber)}`;
  meta.append(born, ' · ', number);
  button.append(name, meta);
  button.addEventListener('click', () => open(patient, button));
  const item = document.createElement('li');
  item.append(button);
  list.append(item);
}

function open(patient, button) {
  for (const b of list.querySelectorAll('button')) b.removeAttribute('aria-current');
  button.setAttribute('aria-current', 'true');
  document.getElementById('no-patient').hidden = true;
  header.hidden = false;
  document.getElementById('patient-name').textContent =
    `${patient.familyName.toUpperCase()}, ${patient.givenName}`;
  document.getElementById('patient-born').textContent = bornText(patient.dateOfBirth);
  document.getElementById('patient-nhs-number').textContent = formatNhsNumber(patient.nhsNumber);
  document.getElementById('patient-traced').textContent = patient.nhsNumberVerified
    ? 'Verified'
    : 'Not verified';

  // CP-IS: tell the banner who the patient is. Changing nhs-number clears the banner at
  // once (and cancels a check in flight), so one patient's result never shows for another.
  // nhs-number-verified only once the number is traced on PDS; without it, no check.
  banner.removeAttribute('nhs-number-verified');
  banner.setAttribute('nhs-number', patient.nhsNumber);
  if (patient.nhsNumberVerified) banner.setAttribute('nhs-number-verified', '');
}

// Opened from a CDS Hooks card's link ("Open the CP-IS banner"): the link names the patient
// in the URL fragment (`#nhs-number=…`, which the browser never sends to a server). Only a
// patient of this list opens; the banner still checks only once the clinician confirms a
// reason.
function openFromFragment() {
  const wanted = new URLSearchParams(location.hash.slice(1)).get('nhs-number');
  const index = patients.findIndex((p) => p.nhsNumber === wanted);
  if (index >= 0) open(patients[index], list.querySelectorAll('button')[index]);
}
openFromFragment();
window.addEventListener('hashchange', openFromFragment);
