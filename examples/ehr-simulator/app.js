// An EHR that speaks CDS Hooks, in a page: it fires encounter-start and patient-view for
// the chosen patient, as an EHR would, and shows the cards. Plain JavaScript, no build
// step. The patients are the kit's synthetic population, as in the patient view example.
import { patients } from '../epr-patient-view/patients.js';

const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
// UK Core: "number present and verified". An EHR says it only for a number traced on PDS.
const VERIFIED = {
  url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus',
  valueCodeableConcept: {
    coding: [
      {
        system: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland',
        code: '01',
        display: 'Number present and verified',
      },
    ],
  },
};
// The signed-in user, as the EHR's FHIR server would give their PractitionerRole.
const user = {
  resourceType: 'PractitionerRole',
  id: 'ed-nurse-1',
  practitioner: { reference: 'Practitioner/priya-shah', display: 'Priya Shah' },
  code: [{ coding: [{ code: 'ed-nurse', display: 'Emergency department nurse' }] }],
};

const list = document.getElementById('patient-list');
const ehr = document.getElementById('ehr');
const chart = document.getElementById('chart');
const cards = document.getElementById('cards');
/** Each patient's attendance (encounter) in this page, made when first opened. */
const encounters = new Map();
let current;
/** Bumped on every change of patient: an answer for an earlier one is dropped. */
let generation = 0;

const patientId = (patient) => `pat-${patient.nhsNumber}`;

function patientResource(patient) {
  return {
    resourceType: 'Patient',
    id: patientId(patient),
    name: [{ family: patient.familyName, given: [patient.givenName] }],
    birthDate: patient.dateOfBirth,
    identifier: [
      {
        system: NHS_NUMBER_SYSTEM,
        value: patient.nhsNumber,
        ...(patient.nhsNumberVerified && { extension: [VERIFIED] }),
      },
    ],
  };
}

for (const patient of patients) {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = `${patient.familyName.toUpperCase()}, ${patient.givenName}`;
  button.addEventListener('click', () => open(patient, button));
  const item = document.createElement('li');
  item.append(button);
  list.append(item);
}

function open(patient, button) {
  // A new patient: the cards of the one before go at once, and any answer still on its
  // way for them is dropped when it comes.
  generation += 1;
  cards.replaceChildren();
  current = patient;
  for (const b of list.querySelectorAll('button')) b.removeAttribute('aria-current');
  button.setAttribute('aria-current', 'true');
  document.getElementById('no-patient').hidden = true;
  chart.hidden = false;
  if (!encounters.has(patient.nhsNumber)) {
    encounters.set(patient.nhsNumber, `enc-${crypto.randomUUID().slice(0, 8)}`);
  }
  document.getElementById('patient-name').textContent =
    `${patient.familyName.toUpperCase()}, ${patient.givenName}`;
  document.getElementById('patient-nhs-number').textContent = patient.nhsNumber;
  document.getElementById('encounter-id').textContent = encounters.get(patient.nhsNumber);
}

ehr.addEventListener('change', () => {
  generation += 1;
  cards.replaceChildren();
});

/** Calls a CDS service for the current patient, as the chosen EHR, and shows its cards. */
async function fire(hook) {
  const patient = current;
  const mine = generation;
  const path = `/cds-services/${hook === 'encounter-start' ? 'cpis-encounter-start' : 'cpis-patient-view'}`;
  cards.replaceChildren(note('Calling CP-IS…'));
  try {
    const signed = await fetch('/v1/dev/cds-hooks-tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ iss: ehr.value, path }),
    });
    if (!signed.ok) throw new Error(`the EHR could not sign its JWT (${signed.status})`);
    const { token } = await signed.json();
    const response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        hook,
        hookInstance: crypto.randomUUID(),
        context: {
          userId: `PractitionerRole/${user.id}`,
          patientId: patientId(patient),
          encounterId: encounters.get(patient.nhsNumber),
        },
        prefetch: { patient: patientResource(patient), user },
      }),
    });
    if (!response.ok) throw new Error(`CP-IS answered ${response.status}`);
    const answer = await response.json();
    if (mine !== generation) return;
    cards.replaceChildren(...answer.cards.map(renderCard));
  } catch (error) {
    if (mine !== generation) return;
    // What an EHR must do when a CDS call fails: say CP-IS was not checked, never nothing.
    cards.replaceChildren(
      renderCard({
        indicator: 'warning',
        summary: 'CP-IS not checked: the CDS Hooks call failed',
        detail: String(error.message ?? error),
        source: { label: 'EHR' },
        links: [],
      }),
    );
  }
}

document.getElementById('encounter-start').addEventListener('click', () => fire('encounter-start'));
document.getElementById('patient-view').addEventListener('click', () => fire('patient-view'));

function note(text) {
  const p = document.createElement('p');
  p.textContent = text;
  return p;
}

/** A card as text: Markdown's emphasis and escapes are dropped, never rendered as HTML. */
function renderCard(card) {
  const article = document.createElement('article');
  article.className = `cds-card cds-card--${card.indicator}`;
  article.dataset.indicator = card.indicator;
  const heading = document.createElement('h3');
  heading.textContent = `${card.indicator.toUpperCase()}: ${card.summary}`;
  article.append(heading);
  for (const paragraph of (card.detail ?? '').split('\n\n')) {
    article.append(note(paragraph.replace(/\*\*/g, '').replace(/\\(.)/g, '$1')));
  }
  for (const link of card.links ?? []) {
    const a = document.createElement('a');
    a.href = link.url;
    a.target = '_blank';
    a.textContent = `${link.label} (opens in a new tab)`;
    article.append(a);
  }
  const source = document.createElement('p');
  source.className = 'cds-card__source';
  source.textContent = `Source: ${card.source.label}`;
  article.append(source);
  return article;
}
