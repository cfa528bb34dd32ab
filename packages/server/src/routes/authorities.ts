/**
 * `GET`/`PUT /v1/authorities/{odsCode}`: an authority's name and phone numbers. Any
 * clinician may read them (they need someone to call); only the LA itself may change
 * them, and every change is audited with what it replaced.
 */
import { PHONE_PATTERN, type components } from '@cpis/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError } from '../problem.js';
import type { Authority } from '../store/store.js';
import { auditEvent, authorizeOrThrow, principalOf, type RouteContext } from './context.js';

type AuthorityInput = components['schemas']['AuthorityInput'];

export async function getAuthority(ctx: RouteContext, request: FastifyRequest): Promise<Authority> {
  const principal = principalOf(request);
  const { odsCode } = request.params as { odsCode: string };
  authorizeOrThrow('getAuthority', principal, { authorityOdsCode: odsCode });
  const authority = await ctx.store.getAuthority(ctx.store.db, odsCode);
  if (authority === undefined) throw new ProblemError('not-found', 'There is no such authority.');
  return authority;
}

export async function putAuthority(
  ctx: RouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<Authority> {
  const principal = principalOf(request);
  const { odsCode } = request.params as { odsCode: string };
  const input = request.body as AuthorityInput;
  // The contract's pattern lets through "       " or "(((((((": the domain's rule (at least
  // seven digits) is what makes a phone number one a clinician can call.
  const badPhones = (['officeHoursPhone', 'emergencyDutyPhone'] as const)
    .filter((field) => !PHONE_PATTERN.test(input[field]))
    .map((field) => ({
      field: `/${field}`,
      message: 'must be a phone number with at least 7 digits',
    }));
  if (badPhones.length > 0) {
    throw new ProblemError(
      'invalid-request',
      'A phone number is not one that can be called.',
      badPhones,
    );
  }
  authorizeOrThrow('putAuthority', principal, { authorityOdsCode: odsCode });

  const authority: Authority = {
    odsCode,
    name: input.name,
    officeHoursPhone: input.officeHoursPhone,
    emergencyDutyPhone: input.emergencyDutyPhone,
  };
  const at = ctx.now().toISOString();
  const { store } = ctx;
  const created = await store.transaction(async (trx) => {
    // Concurrent first PUTs (on any instance) take turns: the first creates, the others
    // then read what it committed and update it, so none fails on the primary key.
    await store.lockAuthorityWrites(trx, odsCode);
    const before = await store.getAuthority(trx, odsCode);
    if (before === undefined) await store.insertAuthority(trx, authority, at);
    else await store.updateAuthority(trx, authority, at);
    await store.insertAuditEvents(trx, [
      auditEvent(
        principal,
        request.id,
        at,
        before === undefined ? 'authority.create' : 'authority.update',
        { authority: odsCode, id: odsCode },
        { before: before ?? null, after: authority },
      ),
    ]);
    return before === undefined;
  });
  void reply.code(created ? 201 : 200);
  return authority;
}
