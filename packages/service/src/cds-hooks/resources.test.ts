import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NHS_NUMBER_SYSTEM,
  NHS_NUMBER_VERIFICATION_EXTENSION,
  NHS_NUMBER_VERIFICATION_SYSTEM,
  ROLE_NOT_GIVEN,
  ehrUser,
  patientNhsNumber,
  readPatient,
} from './resources.js';

const status = (code: string, system = NHS_NUMBER_VERIFICATION_SYSTEM) => ({
  url: NHS_NUMBER_VERIFICATION_EXTENSION,
  valueCodeableConcept: { coding: [{ system, code }] },
});
const patient = (identifier: unknown[], id = 'p1') => ({ resourceType: 'Patient', id, identifier });
const nhs = (value: string, ...extension: unknown[]) => ({
  system: NHS_NUMBER_SYSTEM,
  value,
  ...(extension.length > 0 && { extension }),
});

describe('the NHS number of a CDS Hooks patient', () => {
  it('is checkable only when UK Core says "number present and verified" (01)', () => {
    expect(patientNhsNumber(patient([nhs('9990001375', status('01'))]), 'p1')).toEqual({
      status: 'verified',
      nhsNumber: '9990001375',
    });
  });

  it('is unverified without the extension, with another status, or a status of another code system', () => {
    for (const identifier of [
      nhs('9990001375'),
      nhs('9990001375', status('02')),
      nhs(
        '9990001375',
        status('01', 'https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusWales'),
      ),
      nhs('9990001375', status('01'), status('03')),
    ]) {
      expect(patientNhsNumber(patient([identifier]), 'p1')).toEqual({ status: 'unverified' });
    }
  });

  it('is missing, invalid or conflicting when the Patient says so, and never another patient’s', () => {
    expect(patientNhsNumber(patient([{ system: 'urn:other', value: '9990001375' }]), 'p1')).toEqual(
      {
        status: 'missing',
      },
    );
    expect(patientNhsNumber(patient([nhs('9990001376', status('01'))]), 'p1')).toEqual({
      status: 'invalid',
    });
    expect(
      patientNhsNumber(
        patient([nhs('9990001375', status('01')), nhs('9990002746', status('01'))]),
        'p1',
      ),
    ).toEqual({ status: 'conflicting' });
    // A Patient other than the one the hook names, or not a Patient at all.
    expect(patientNhsNumber(patient([nhs('9990001375', status('01'))], 'p2'), 'p1')).toEqual({
      status: 'wrong-resource',
    });
    expect(patientNhsNumber({ resourceType: 'Practitioner', id: 'p1' }, 'p1')).toEqual({
      status: 'wrong-resource',
    });
  });
});

describe('reading the Patient from the EHR FHIR server', () => {
  let server: Server;
  let base: string;
  const seen: { url: string | undefined; headers: IncomingHttpHeaders }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url, headers: req.headers });
      if (req.url === '/fhir/Patient/p1') {
        res.writeHead(200, { 'content-type': 'application/fhir+json' });
        res.end(JSON.stringify(patient([nhs('9990001375', status('01'))])));
      } else if (req.url === '/fhir/Patient/slow') {
        setTimeout(() => res.end('{}'), 5_000).unref();
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('reads Patient/{patientId} with the EHR’s fhirAuthorization', async () => {
    const read = await readPatient(
      base,
      'p1',
      { access_token: 'tok', token_type: 'Bearer' },
      fetch,
    );
    expect(read).toEqual({ ok: true, patient: patient([nhs('9990001375', status('01'))]) });
    expect(seen.at(-1)).toMatchObject({
      url: '/fhir/Patient/p1',
      headers: { authorization: 'Bearer tok', accept: 'application/fhir+json' },
    });
  });

  it('says why when it cannot: no server, not https, refused, unreachable, too slow', async () => {
    expect(await readPatient(undefined, 'p1', undefined, fetch)).toMatchObject({ ok: false });
    expect(await readPatient('http://ehr.example/fhir', 'p1', undefined, fetch)).toEqual({
      ok: false,
      reason: 'the EHR FHIR server is not https',
    });
    expect(await readPatient(base, 'p2', undefined, fetch)).toEqual({
      ok: false,
      reason: 'the EHR FHIR server answered 404',
    });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    expect(await readPatient(`http://127.0.0.1:${port}/fhir`, 'p1', undefined, fetch)).toEqual({
      ok: false,
      reason: 'the EHR FHIR server could not be reached',
    });
    expect(await readPatient(base, 'slow', undefined, fetch)).toEqual({
      ok: false,
      reason: 'the EHR FHIR server did not answer in time',
    });
  });
});

describe('the EHR user', () => {
  it('takes a PractitionerRole’s practitioner.display and its first code’s display, else text', () => {
    const role = {
      resourceType: 'PractitionerRole',
      id: 'r1',
      practitioner: { reference: 'Practitioner/1', display: 'Priya Shah' },
      code: [{ coding: [{ display: 'Emergency department nurse' }] }, { text: 'Other' }],
    };
    expect(ehrUser(role, 'PractitionerRole/r1')).toEqual({
      name: 'Priya Shah',
      role: 'Emergency department nurse',
    });
    expect(
      ehrUser(
        { ...role, code: [{ coding: [{ code: 'x' }], text: 'Staff nurse' }] },
        'PractitionerRole/r1',
      ),
    ).toEqual({ name: 'Priya Shah', role: 'Staff nurse' });
  });

  it('takes a Practitioner’s name, and says what the EHR did not give rather than making it up', () => {
    expect(
      ehrUser(
        {
          resourceType: 'Practitioner',
          id: 'x',
          name: [{ prefix: ['Dr'], given: ['Ama'], family: 'Mensah' }],
        },
        'Practitioner/x',
      ),
    ).toEqual({ name: 'Dr Ama Mensah', role: ROLE_NOT_GIVEN });
    expect(ehrUser(undefined, 'PractitionerRole/r9')).toEqual({
      name: 'EHR user PractitionerRole/r9',
      role: ROLE_NOT_GIVEN,
    });
    // Another user's resource is not this user's.
    expect(
      ehrUser(
        { resourceType: 'Practitioner', id: 'y', name: [{ text: 'Someone Else' }] },
        'Practitioner/x',
      ),
    ).toEqual({ name: 'EHR user Practitioner/x', role: ROLE_NOT_GIVEN });
  });
});
