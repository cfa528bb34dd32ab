/**
 * The service handlers fastify-openapi-glue routes to, one method per operationId of the
 * contract. Each delegates to the route module that owns the operation.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { getAuthority, putAuthority } from './routes/authorities.js';
import { createCheck, getCheck } from './routes/checks.js';
import type { RouteContext } from './routes/context.js';
import { createDevToken, getHealth } from './routes/meta.js';
import { listNotifications, streamNotifications } from './routes/notifications.js';
import { batchPlans, deletePlan, listPlans, putPlan } from './routes/plans.js';

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export class CpisService {
  constructor(private readonly ctx: RouteContext) {}

  createCheck: Handler = (request, reply) => createCheck(this.ctx, request, reply);
  getCheck: Handler = (request, reply) => getCheck(this.ctx, request, reply);
  getAuthority: Handler = (request) => getAuthority(this.ctx, request);
  putAuthority: Handler = (request, reply) => putAuthority(this.ctx, request, reply);
  putPlan: Handler = (request, reply) => putPlan(this.ctx, request, reply);
  deletePlan: Handler = (request, reply) => deletePlan(this.ctx, request, reply);
  listPlans: Handler = (request) => listPlans(this.ctx, request);
  batchPlans: Handler = (request) => batchPlans(this.ctx, request);
  listNotifications: Handler = (request) => listNotifications(this.ctx, request);
  streamNotifications: Handler = (request, reply) => streamNotifications(this.ctx, request, reply);
  getHealth: Handler = (request, reply) => getHealth(this.ctx, request, reply);
  createDevToken: Handler = (request) => createDevToken(this.ctx, request);
}
