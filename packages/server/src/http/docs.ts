/** The contract (`/openapi.yaml`, `/openapi.json`) and its API reference at `/docs`, assets bundled. */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import type { Contract } from '../contract.js';

export const apiDocs = fp<{ contract: Contract }>(async (app, { contract }) => {
  await app.register(swagger, {
    mode: 'static',
    // The contract document is OpenAPI 3.1; the plugin's types know 2.0 and 3.0 only.
    specification: { document: structuredClone(contract.document) as never },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { validatorUrl: null, deepLinking: true, tryItOutEnabled: false } as Record<
      string,
      unknown
    >,
  });
  app.get('/openapi.yaml', { schema: { hide: true } }, (_request, reply) => {
    void reply.type('application/yaml; charset=utf-8').send(contract.text);
  });
  app.get('/openapi.json', { schema: { hide: true } }, (_request, reply) => {
    void reply.type('application/json; charset=utf-8').send(JSON.stringify(contract.document));
  });
});
