// The ED patient view: a patient list, a patient header, and CP-IS in that header.
// Plain JavaScript, no build step. What a vendor copies is marked "CP-IS:"; the rest
// stands in for the EPR's own screens.
import { createCpisClient, formatNhsNumber, provideCpisClient } from '/kit/cpis-elements.js';
import { patients } from './patients.js';

// CP-IS: who is signed in. A real EPR passes the user's own NHS CIS2 / smartcard token;
// this example asks the reference server's development-only route for one, as the ED
// nurse of the synthetic population (B0107: unscheduled checks that notify).
const user = {
  name: 'Priya Shah',
  role: 'Emergency department nurse',
  orgType: 'health',
  odsCode: 'RQXM1',
  orgName: 'Homerton Emergency Department',
  activities: ['B0107'],
};

let token;
function getToken() {
  token ??= fetch('/v1/dev/tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  }).then(async (response) => {
    if (!response.ok) throw new Error(`Sign-in failed: ${response.status}`);
    return (await response.json()).token;
  });
  return token;
}

// CP-IS: one client for the page, handed to every CP-IS element under <body>. The SDK
// asks getToken() before every request and never keeps the token itself.
const client = createCpisClient({ baseUrl: location.origin, getToken });
provideCpisClient(document.body, client);

const signedIn = document.getElementById('signed-in');
getToken().then(
  () => (signedIn.textContent = `${user.name} · ${user.role}`),
  () => (signedIn.textContent = 'Not signed in: is the server in development mode?'),
);

// The EPR's own screen: a list of patients and the header of the chosen one.
const list = document.getElementById('patient-list');
const header = document.getElementById('patient-header');
const banner = header.querySelector('cpis-flag-banner');

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
