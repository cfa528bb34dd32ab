/** CORS for the browser origins configured (`CPIS_CORS_ORIGINS`); off when there are none. */
import cors from '@fastify/cors';
import fp from 'fastify-plugin';

export const corsPolicy = fp<{ origins: string[] }>(async (app, { origins }) => {
  if (origins.length === 0) return;
  await app.register(cors, {
    origin: origins.includes('*') ? '*' : origins,
    methods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'],
    allowedHeaders: [
      'Authorization',
      'Content-Type',
      'Idempotency-Key',
      'X-Request-ID',
      'Last-Event-ID',
      // NHS England's CP-IS FHIR API, as the FHIR surface answers it.
      'TraceID',
      'IsUnscheduledAccessEvent',
    ],
    exposedHeaders: [
      'X-Request-ID',
      'TraceID',
      'Location',
      'Retry-After',
      'X-RateLimit-Limit',
      'X-RateLimit-Remaining',
      'X-RateLimit-Reset',
    ],
    maxAge: 600,
  });
});
