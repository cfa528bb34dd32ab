// Runs in Chromium (bundled by bench/banner.mjs): the banner's update when a check's result
// arrives, against the same banner written as a plain innerHTML template in a shadow root
// with the same styles. Each update: the result's promise resolves, the banner renders it,
// layout is forced; the time is from the resolve to the end of layout.
import { CpisFlagBanner, defineCpisElements } from '@cpis/elements';
import { formatNhsNumber } from '@cpis/sdk';

defineCpisElements();

const escape = (text) =>
  String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
const LABELS = {
  CPP: 'Child protection plan',
  LAC: 'Looked-after child',
  UCPP: 'Unborn child protection plan',
};
const when = (iso) =>
  `<time datetime="${escape(iso)}">${escape(new Date(iso).toLocaleString('en-GB', { timeZone: 'Europe/London' }))}</time>`;
const nhs = (n) => `<span class="nhs-number">NHS No. ${escape(formatNhsNumber(n))}</span>`;
const plan = (p) => `<li class="plan ${p.status === 'active' ? '' : 'plan--ended'}" part="plan">
  <h3>${escape(LABELS[p.type])}</h3>
  <p><strong class="tag tag--active">Active</strong> since ${escape(p.startDate)}</p>
  <p>Responsible local authority: <strong>${escape(p.responsibleAuthority.name)}</strong></p>
  <ul class="phones">
    <li>Office hours: <a part="phone" href="tel:${escape(p.responsibleAuthority.officeHoursPhone.replace(/\s/g, ''))}">${escape(p.responsibleAuthority.officeHoursPhone)}</a></li>
    <li>Emergency duty (out of hours): <a part="phone" href="tel:${escape(p.responsibleAuthority.emergencyDutyPhone.replace(/\s/g, ''))}">${escape(p.responsibleAuthority.emergencyDutyPhone)}</a></li>
  </ul></li>`;

/** The banner's two answered states as one string template. */
function template(result) {
  const found = result.outcome === 'record-found';
  const body = found
    ? `<p class="meta">${nhs(result.nhsNumber)}, checked ${when(result.checkedAt)}.</p>
      <ul class="plans">${result.plans.map(plan).join('')}</ul>
      <p>${escape(result.plans[0]?.responsibleAuthority.name ?? '')} has been told about this check.</p>
      <details part="history"><summary><span>Accesses to this record from unscheduled care (${result.accessHistory.length})</span></summary>
      <table>${result.accessHistory.map((a) => `<tr><td>${when(a.accessedAt)}</td><td>${escape(a.setting.name)}</td><td>${escape(a.userRole)}</td></tr>`).join('')}</table></details>
      <p class="source" part="source">Answered by the CP-IS Embed Kit service.</p>`
    : `<p class="lead">No CP-IS record for ${nhs(result.nhsNumber)}, checked ${when(result.checkedAt)}.</p>
      <p>This does not mean there are no safeguarding concerns. CP-IS only holds child protection plans, looked-after-child records and unborn child protection plans that local authorities have shared.</p>
      <p class="source" part="source">Answered by the CP-IS Embed Kit service.</p>`;
  return `<section class="banner banner--${found ? 'critical' : 'info'}" part="banner" role="region" aria-labelledby="heading">
    <div class="header"><svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><circle cx="12" cy="12" r="10"></circle></svg>
    <h2 id="heading" part="heading" tabindex="-1">${found ? '<span class="visually-hidden">Important: </span>CP-IS record found' : 'No CP-IS record'}</h2></div>
    <div class="body">${body}</div></section>
    <div class="visually-hidden" aria-live="polite" aria-atomic="true">${found ? `Important: CP-IS record found for NHS No. ${escape(formatNhsNumber(result.nhsNumber))}.` : ''}</div>`;
}

class PlainBanner extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: 'open' }).adoptedStyleSheets = [CpisFlagBanner.styles]
      .flat()
      .map((s) => s.styleSheet);
  }
  show(result) {
    this.shadowRoot.innerHTML = template(result);
  }
}
customElements.define('bench-plain-banner', PlainBanner);

const layout = (element) => element.shadowRoot.querySelector('section').getBoundingClientRect();
const sorted = (values) => [...values].sort((a, b) => a - b);

/** A stub client whose answers the bench releases one at a time. */
function heldClient() {
  let pending;
  let asked;
  let wasAsked = new Promise((resolve) => (asked = resolve));
  return {
    client: {
      checks: {
        create: (body) =>
          new Promise((resolve) => {
            pending = { body, resolve };
            asked();
          }),
      },
    },
    async next() {
      await wasAsked;
      wasAsked = new Promise((resolve) => (asked = resolve));
      return pending;
    },
  };
}

function litBanner(client, nhsNumber) {
  const banner = document.createElement('cpis-flag-banner');
  Object.assign(banner, {
    client,
    accessContext: 'unscheduled',
    autoCheck: true,
    reason: 'unscheduled-attendance',
    nhsNumberVerified: true,
    nhsNumber,
  });
  return banner;
}

const answerFor = (results, i, nhsNumber) => ({ ...results[i % results.length], nhsNumber });

/** Median and p95 of `updates` updates of each banner (ms). */
window.benchUpdates = async (results, numbers, updates) => {
  const lit = [];
  const plain = [];
  const held = heldClient();
  const banner = litBanner(held.client, numbers[0]);
  document.body.append(banner);
  const twin = document.createElement('bench-plain-banner');
  document.body.append(twin);
  for (let i = 0; i < updates + 20; i++) {
    const nhsNumber = numbers[i % numbers.length];
    if (i > 0) banner.nhsNumber = nhsNumber;
    const { resolve } = await held.next();
    const shown = new Promise((r) =>
      banner.addEventListener('cpis-check-complete', r, { once: true }),
    );
    let started = performance.now();
    resolve(answerFor(results, i, nhsNumber));
    await shown;
    layout(banner);
    const litMs = performance.now() - started;

    const answer = answerFor(results, i, nhsNumber);
    const arrived = Promise.resolve(answer);
    started = performance.now();
    twin.show(await arrived);
    layout(twin);
    const plainMs = performance.now() - started;
    if (i >= 20) {
      lit.push(litMs);
      plain.push(plainMs);
    }
  }
  banner.remove();
  twin.remove();
  const stats = (v) => ({
    median: sorted(v)[v.length >> 1],
    p95: sorted(v)[Math.floor(v.length * 0.95)],
  });
  return { lit: stats(lit), plain: stats(plain) };
};

/** The first render on a fresh page: element created, attached, answered, laid out (ms). */
window.benchFirstRender = async (kind, result) => {
  const started = performance.now();
  if (kind === 'lit') {
    const held = heldClient();
    const banner = litBanner(held.client, result.nhsNumber);
    const shown = new Promise((r) =>
      banner.addEventListener('cpis-check-complete', r, { once: true }),
    );
    document.body.append(banner);
    (await held.next()).resolve(result);
    await shown;
    layout(banner);
  } else {
    const twin = document.createElement('bench-plain-banner');
    document.body.append(twin);
    twin.show(await Promise.resolve(result));
    layout(twin);
  }
  return performance.now() - started;
};
