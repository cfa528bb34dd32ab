/** The contract (`/openapi.yaml`, `/openapi.json`) and its API reference at `/docs`, assets bundled. */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { stringify as yamlText } from 'yaml';
import type { Contract } from '../contract.js';

export const apiDocs = fp<{ contract: Contract; devTokens: boolean }>(async (app, options) => {
  const { contract } = options;
  // Without development tokens (production) the route does not exist, and neither the
  // reference at /docs nor the contract served describes it.
  const served = structuredClone(contract.document);
  if (!options.devTokens) {
    delete served.paths['/v1/dev/tokens'];
    delete served.paths['/v1/dev/cds-hooks-tokens'];
    delete served.components['schemas']?.['DevTokenRequest'];
    delete served.components['schemas']?.['DevTokenResponse'];
    delete served.components['schemas']?.['DevCdsHooksTokenRequest'];
    delete served.components['schemas']?.['DevCdsHooksTokenResponse'];
  }
  const servedText = options.devTokens ? contract.text : yamlText(served);
  await app.register(swagger, {
    mode: 'static',
    // The contract document is OpenAPI 3.1; the plugin's types know 2.0 and 3.0 only.
    specification: { document: structuredClone(served) as never },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { validatorUrl: null, deepLinking: true, tryItOutEnabled: false } as Record<
      string,
      unknown
    >,
  });
  app.get('/openapi.yaml', { schema: { hide: true } }, (_request, reply) => {
    void reply.type('application/yaml; charset=utf-8').send(servedText);
  });
  app.get('/openapi.json', { schema: { hide: true } }, (_request, reply) => {
    void reply.type('application/json; charset=utf-8').send(JSON.stringify(served));
  });
});
