/** `GET /v1/health` and, in development mode only, `POST /v1/dev/tokens`. */
import type { components } from '@cpis/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DevTokenRequest } from '../auth.js';
import { ProblemError } from '../problem.js';
import type { RouteContext } from './context.js';

type Health = components['schemas']['Health'];
type DevTokenResponse = components['schemas']['DevTokenResponse'];

export async function getHealth(
  ctx: RouteContext,
  _request: FastifyRequest,
  reply: FastifyReply,
): Promise<Health> {
  if (await ctx.store.engine.ping()) return { status: 'ok' };
  void reply.code(503);
  return { status: 'unavailable' };
}

export async function createDevToken(
  ctx: RouteContext,
  request: FastifyRequest,
): Promise<DevTokenResponse> {
  // The route is not even registered in production; this is a second lock on the door.
  if (ctx.auth.sign === null) throw new ProblemError('not-found', 'There is no such resource.');
  return ctx.auth.sign(request.body as DevTokenRequest);
}
