import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  OPERATION_IDS,
  ODS_CODE_PATTERN,
  PHONE_PATTERN,
  PLAN_ID_PATTERN,
  PRINCIPAL_KINDS,
  PROBLEM_KINDS,
  problemType,
  type ProblemKind,
  REASON_CODES,
  expectedStatus,
  type OperationId,
} from '@cpis/domain';

interface AccessCase {
  case: string;
  statuses: Record<string, number>;
}
interface Operation {
  operationId: string;
  'x-cpis-access'?: AccessCase[];
}

const contract = parse(readFileSync(new URL('../../openapi/cpis.yaml', import.meta.url), 'utf8'));
const operations: Operation[] = Object.values(
  contract.paths as Record<string, Record<string, unknown>>,
).flatMap((item) =>
  Object.entries(item)
    .filter(([method]) => ['get', 'put', 'post', 'delete', 'patch'].includes(method))
    .map(([, op]) => op as Operation),
);
const schemas = contract.components.schemas as Record<
  string,
  { pattern?: string; enum?: string[] }
>;

describe('the contract and @cpis/domain say the same thing', () => {
  it('every protected operation of the domain carries an x-cpis-access table in the contract', () => {
    const withTable = operations.filter((op) => op['x-cpis-access']).map((op) => op.operationId);
    for (const id of OPERATION_IDS) expect(withTable).toContain(id);
  });

  it('every row of the x-cpis-access table names every principal kind', () => {
    for (const op of operations) {
      for (const row of op['x-cpis-access'] ?? []) {
        expect(Object.keys(row.statuses).sort(), `${op.operationId} ${row.case}`).toEqual(
          [...PRINCIPAL_KINDS].sort(),
        );
      }
    }
  });

  it('the operation × principal table in the contract equals the domain authorisation rules', () => {
    for (const op of operations.filter((o) =>
      (OPERATION_IDS as readonly string[]).includes(o.operationId),
    )) {
      for (const row of op['x-cpis-access'] ?? []) {
        const context = row.case === 'scheduled' ? 'scheduled' : 'unscheduled';
        for (const kind of PRINCIPAL_KINDS) {
          expect(
            expectedStatus(op.operationId as OperationId, kind, context),
            `${op.operationId} (${row.case}) as ${kind}`,
          ).toBe(row.statuses[kind]);
        }
      }
    }
  });

  it('ODS code, phone and plan id patterns match the contract', () => {
    expect(ODS_CODE_PATTERN.source).toBe(schemas.OdsCode?.pattern);
    expect(PHONE_PATTERN.source).toBe(schemas.Phone?.pattern);
    expect(PLAN_ID_PATTERN.source).toBe(schemas.PlanId?.pattern);
  });

  it('reason codes match the contract', () => {
    expect([...REASON_CODES]).toEqual(schemas.ReasonCode?.enum);
  });
});

describe('the problem registry', () => {
  it('in @cpis/domain names exactly the problem types of the contract', () => {
    const registry = Object.keys(PROBLEM_KINDS).map((kind) => problemType(kind as ProblemKind));
    expect(registry.sort()).toEqual([...(schemas.ProblemType?.enum ?? [])].sort());
  });
});
