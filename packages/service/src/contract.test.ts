import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compileContract, contractDocument } from './contract.js';

describe('the compiled contract', () => {
  it('is openapi/cpis.yaml exactly (npm run generate after every change to the contract)', () => {
    const yaml = readFileSync(new URL('../../../openapi/cpis.yaml', import.meta.url), 'utf8');
    expect(contractDocument).toEqual(parse(yaml));
  });

  it('matches literal segments before parameters, and names the methods a path allows', () => {
    const contract = compileContract();
    expect(contract.match('POST', '/v1/authorities/211/plans/batch')?.operation?.operationId).toBe(
      'batchPlans',
    );
    expect(contract.match('PUT', '/v1/authorities/211/plans/P-1')?.params).toEqual({
      odsCode: '211',
      planId: 'P-1',
    });
    expect(contract.match('PATCH', '/v1/checks')).toMatchObject({
      operation: undefined,
      allowed: ['POST'],
    });
    expect(contract.match('HEAD', '/v1/health')?.operation?.operationId).toBe('getHealth');
    expect(contract.match('GET', '/v1/nothing')).toBeUndefined();
  });

  it('coerces and defaults query values, and never coerces a body', () => {
    const list = compileContract().operations.get('listNotifications');
    const query: Record<string, unknown> = { limit: '7' };
    expect(list?.validate.query?.(query)).toBe(true);
    expect(query).toEqual({ limit: 7, order: 'asc' });
    const check = compileContract().operations.get('createCheck');
    expect(
      check?.validate.body.get('application/json')?.({
        nhsNumber: '9990000018',
        nhsNumberVerified: 'true',
        accessContext: 'unscheduled',
        reason: { code: 'other', comment: 'x' },
      }),
    ).toBe(false);
  });
});
