/**
 * `GET`/`PUT /v1/authorities/{odsCode}`: an authority's name and phone numbers. Any
 * clinician may read them (they need someone to call); only the LA itself may change
 * them, and every change is audited with what it replaced.
 */
import { PHONE_PATTERN, type components } from '@cpis/domain';
import { allow, auditEvent, json, type OperationContext } from './context.js';
import { Refusal } from './problem.js';
import type { Authority } from './storage.js';

type AuthorityInput = components['schemas']['AuthorityInput'];

export async function getAuthority(ctx: OperationContext): Promise<Response> {
  const odsCode = ctx.params['odsCode'] as string;
  allow(ctx, 'getAuthority', { authorityOdsCode: odsCode });
  const authority = await ctx.store.getAuthority(odsCode);
  if (authority === undefined) throw new Refusal('not-found', 'There is no such authority.');
  return json(authority);
}

export async function putAuthority(ctx: OperationContext): Promise<Response> {
  const odsCode = ctx.params['odsCode'] as string;
  const input = ctx.body as AuthorityInput;
  // The contract's pattern is the domain's: at least seven digits make a phone number one a
  // clinician can call. Checked here too, so the rule holds whatever validated the body.
  const badPhones = (['officeHoursPhone', 'emergencyDutyPhone'] as const)
    .filter((field) => !PHONE_PATTERN.test(input[field]))
    .map((field) => ({
      field: `/${field}`,
      message: 'must be a phone number with at least 7 digits',
    }));
  if (badPhones.length > 0) {
    throw new Refusal(
      'invalid-request',
      'A phone number is not one that can be called.',
      badPhones,
    );
  }
  const principal = allow(ctx, 'putAuthority', { authorityOdsCode: odsCode });
  const authority: Authority = {
    odsCode,
    name: input.name,
    officeHoursPhone: input.officeHoursPhone,
    emergencyDutyPhone: input.emergencyDutyPhone,
  };
  const at = ctx.now().toISOString();
  const created = await ctx.store.transaction(async (tx) => {
    // Concurrent first PUTs (on any instance) take turns: the first creates, the others
    // then read what it committed and update it, so none fails on the primary key.
    await tx.lockAuthorityWrites(odsCode);
    const before = await tx.getAuthority(odsCode);
    if (before === undefined) await tx.insertAuthority(authority, at);
    else await tx.updateAuthority(authority, at);
    await tx.insertAuditEvents([
      auditEvent(
        ctx,
        principal,
        at,
        before === undefined ? 'authority.create' : 'authority.update',
        { authority: odsCode, id: odsCode },
        { before: before ?? null, after: authority },
      ),
    ]);
    return before === undefined;
  });
  return json(authority, created ? 201 : 200);
}
