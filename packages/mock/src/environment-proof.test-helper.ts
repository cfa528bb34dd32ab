/**
 * What a vendor's first test does with the mock, shared by the test files that run it in
 * each environment (Node, jsdom, happy-dom, Chromium): `createMockFetch` over the
 * handlers, a token from `POST /v1/dev/tokens`, then a check through the SDK.
 */
import { expect } from 'vitest';
import { createCpisClient, type CheckResult } from '@cpis/sdk';
import { personas, principals } from './fixtures.js';
import { createMockFetch } from './mock-fetch.js';
import { createCpisMockService } from './service.js';

export interface EnvironmentProof {
  /** The check's answer for a persona with a record, made with a dev token. */
  result: CheckResult;
  /** The status the mock gives a token signed with the wrong key: it must be 401. */
  badSignatureStatus: number;
}

export async function devTokenThenCheck(): Promise<EnvironmentProof> {
  const service = createCpisMockService();
  const { key: _key, ...principal } = principals.edNurse;
  const fetch = createMockFetch(service.handlers);
  const issued = await fetch(`${service.baseUrl}/v1/dev/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(principal),
  });
  if (issued.status !== 200) {
    throw new Error(`POST /v1/dev/tokens answered ${issued.status}: ${await issued.text()}`);
  }
  const { token } = (await issued.json()) as { token: string };
  const client = createCpisClient({ baseUrl: service.baseUrl, getToken: () => token, fetch });
  const result = await client.checks.create({
    nhsNumber: personas.lookedAfterOutOfArea.nhsNumber,
    nhsNumberVerified: true,
    accessContext: 'unscheduled',
    reason: { code: 'unscheduled-attendance' },
  });
  const forged = await service.tokenFor(principals.edNurse, { flaw: 'bad-signature' });
  const refused = await fetch(`${service.baseUrl}/v1/checks`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${forged}` },
    body: JSON.stringify({
      nhsNumber: personas.lookedAfterOutOfArea.nhsNumber,
      nhsNumberVerified: true,
      accessContext: 'scheduled',
      reason: { code: 'clinical-review' },
    }),
  });
  return { result, badSignatureStatus: refused.status };
}

/** The proof itself: a check with a dev token finds the record; a forged token gets 401. */
export async function expectDevTokenThenCheckToWork(): Promise<void> {
  const { result, badSignatureStatus } = await devTokenThenCheck();
  expect(result.outcome).toBe('record-found');
  expect(badSignatureStatus).toBe(401);
}
