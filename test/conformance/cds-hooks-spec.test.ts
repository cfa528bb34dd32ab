/**
 * The CDS Hooks specification's own published examples (`test/fixtures/external/cds-hooks/`,
 * copied unchanged from cds-hooks/docs; see SOURCES.md there), as tests: our discovery and
 * every kind of our card have the shapes the specification shows (no field it does not
 * have, no value of another type), and the services accept its request, context, prefetch,
 * feedback and JWT examples — on the reference server and the mock.
 */
import { readFileSync } from 'node:fs';
import { personas } from '@cpis/population';
import { forEachEngine } from '@cpis/server/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockBackend, serverBackend, type Backend } from './backends.ts';
import { hookBody } from './cds-hooks-requests.ts';

const fixture = (name: string): unknown =>
  JSON.parse(
    readFileSync(new URL(`../fixtures/external/cds-hooks/${name}`, import.meta.url), 'utf8'),
  );
/** The published `"context":{…}` fragments have no outer braces: wrapped here to parse. */
const fragment = (name: string): Record<string, unknown> =>
  JSON.parse(
    `{${readFileSync(new URL(`../fixtures/external/cds-hooks/${name}`, import.meta.url), 'utf8')}}`,
  ) as Record<string, unknown>;

/** What a JSON value is made of: the keys of objects, the types of values, merged over examples. */
type Shape = string | { [key: string]: Shape } | Shape[];
function shapeOf(value: unknown): Shape {
  if (Array.isArray(value)) return [value.map(shapeOf).reduce(merge, {})];
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shapeOf(v)]));
  }
  return value === null ? 'null' : typeof value;
}
function merge(a: Shape, b: Shape): Shape {
  if (Array.isArray(a) && Array.isArray(b)) return [merge(a[0] ?? {}, b[0] ?? {})];
  if (typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const out: Record<string, Shape> = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in out ? merge(out[k] as Shape, v) : v;
    return out;
  }
  return a;
}
/** Every field of `ours` is one the examples have, with a value of the same kind. */
function outsideShape(ours: Shape, spec: Shape, path = ''): string[] {
  if (typeof ours === 'string' || typeof spec === 'string') {
    return ours === spec
      ? []
      : [`${path}: ${JSON.stringify(ours)} where the specification has ${JSON.stringify(spec)}`];
  }
  if (Array.isArray(ours) || Array.isArray(spec)) {
    return Array.isArray(ours) && Array.isArray(spec)
      ? outsideShape(ours[0] ?? {}, spec[0] ?? {}, `${path}[]`)
      : [`${path}: an array on one side only`];
  }
  return Object.entries(ours).flatMap(([k, v]) =>
    k in spec
      ? outsideShape(v, spec[k] as Shape, `${path}/${k}`)
      : [`${path}/${k}: not in the specification's examples`],
  );
}

const specDiscovery = [
  shapeOf(fixture('discovery-response.json')),
  shapeOf(fixture('discovery-with-extension-example.json')),
  // Prefetch keys are the service's own: the specification's template examples show them.
  shapeOf({ services: [fixture('prefetch-templates-example.json')] }),
].reduce(merge);
const specCards = [
  shapeOf(fixture('response-cards-example.json')),
  shapeOf(fixture('response-cards-autolaunchable-example.json')),
  shapeOf({ cards: [fixture('card-source-example.json')] }),
].reduce(merge);

function spec(make: () => Promise<Backend>): void {
  let b: Backend;
  beforeEach(async () => {
    b = await make();
  });
  afterEach(async () => {
    await b.close();
  });
  async function post(path: string, body: unknown, iss = 'urn:cpis:dev-ehr:homerton-ed') {
    const signed = await b.call('POST', '/v1/dev/cds-hooks-tokens', {
      body: { iss, path },
    });
    const { token } = signed.json<{ token: string }>();
    return b.call('POST', path, { body, headers: { authorization: `Bearer ${token}` } });
  }

  it('our discovery has the shape of the specification’s discovery examples, and its prefetch templates', async () => {
    const ours = (await b.call('GET', '/cds-services')).json();
    expect(outsideShape(shapeOf(ours), specDiscovery)).toEqual([]);
    const { services } = ours as { services: { prefetch: Record<string, string> }[] };
    const userTemplate = (
      fixture('prefetch-template-user-read.json') as { prefetch: { user: string } }
    ).prefetch.user;
    const patientTemplate = (
      fixture('prefetch-templates-example.json') as { prefetch: { patient: string } }
    ).prefetch.patient;
    for (const s of services)
      expect(s.prefetch).toEqual({ patient: patientTemplate, user: userTemplate });
  });

  it('every kind of our card has the shape of the specification’s card examples', async () => {
    const cards: unknown[] = [];
    const collect = async (path: string, body: unknown, iss?: string) => {
      const answer = await post(path, body, iss);
      expect(answer.status, answer.text).toBe(200);
      cards.push(...answer.json<{ cards: unknown[] }>().cards);
    };
    const start = '/cds-services/cpis-encounter-start';
    const view = '/cds-services/cpis-patient-view';
    await collect(start, hookBody({ nhsNumber: personas.activeChildProtectionPlan.nhsNumber }));
    await collect(start, hookBody({ nhsNumber: personas.noRecord.nhsNumber }));
    await collect(
      view,
      hookBody({
        hook: 'patient-view',
        nhsNumber: personas.noRecord.nhsNumber,
        encounterId: 'other',
      }),
    );
    await collect(start, hookBody({ patient: { resourceType: 'Patient', id: 'pat-1' } }));
    await collect(start, hookBody({ patient: null }));
    await collect(start, hookBody({ userId: 'Patient/pat-1' }));
    const kinds = cards.map(
      (c) => (c as { source: { topic: { code: string } } }).source.topic.code,
    );
    expect(kinds.sort()).toEqual([
      'no-record',
      'not-allowed',
      'not-checkable',
      'not-checked',
      'not-checked-by-you',
      'record-found',
    ]);
    expect(outsideShape(shapeOf({ cards }), specCards)).toEqual([]);
  });

  it('accepts the specification’s patient-view request as published, answering one card', async () => {
    // Its patient is prefetched under another key, and its FHIR server is not https (and
    // beyond this machine): never read. The answer is a warning, not an empty list.
    const answer = await post(
      '/cds-services/cpis-patient-view',
      fixture('request-patient-view.json'),
    );
    expect(answer.status, answer.text).toBe(200);
    const { cards } = answer.json<{ cards: { indicator: string; summary: string }[] }>();
    expect(cards).toHaveLength(1);
    expect(cards[0]?.indicator).toBe('warning');
    expect(cards[0]?.summary).toMatch(/^CP-IS not checked: the patient could not be read/);
  });

  it('accepts the specification’s context, prefetch and extension examples in a request', async () => {
    const request = fixture('request-patient-view.json') as Record<string, unknown>;
    const { prefetch } = fixture('prefetch-data-example.json') as {
      prefetch: Record<string, unknown>;
    };
    const { extension } = fixture('request-with-extension-example.json') as { extension: unknown };
    for (const name of [
      'patient-view-context-example-1.FRAGMENT.json',
      'patient-view-context-example-2.FRAGMENT.json',
    ]) {
      const answer = await post('/cds-services/cpis-patient-view', {
        ...request,
        ...fragment(name),
        prefetch,
        extension,
      });
      expect(answer.status, answer.text).toBe(200);
      // The example Patient has no id and no NHS number: not this patient's record, never checked.
      expect(answer.json<{ cards: { indicator: string }[] }>().cards[0]?.indicator).toBe('warning');
    }
  });

  it('refuses the specification’s extension example as a patient-view call: it names no patient', async () => {
    const answer = await post(
      '/cds-services/cpis-patient-view',
      fixture('request-with-extension-example.json'),
    );
    expect(answer.status).toBe(400);
    expect(answer.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toContain(
      '/context/patientId',
    );
  });

  it('accepts the specification’s feedback examples', async () => {
    const path = '/cds-services/cpis-patient-view/feedback';
    // The "overridden without a reason" example is not JSON as published (an inline
    // `// uuid from card.uuid` comment); the comment is taken out here, nothing else.
    const withComment = readFileSync(
      new URL(
        '../fixtures/external/cds-hooks/feedback-overridden-no-reason-example.INVALID-AS-PUBLISHED.json',
        import.meta.url,
      ),
      'utf8',
    );
    for (const body of [
      fixture('feedback-accepted-example.json'),
      fixture('feedback-overridden-with-reason-example.json'),
      JSON.parse(withComment.replace(/\/\/[^\n]*/, '')) as unknown,
    ]) {
      const answer = await post(path, body);
      expect(answer.status, answer.text).toBe(200);
    }
  });
}

forEachEngine(() => {
  describe('the CDS Hooks specification’s examples on the reference server', () =>
    spec(serverBackend));
});
describe('the CDS Hooks specification’s examples on the mock', () => spec(mockBackend));
