/**
 * Development mode: `examples/` at `/`, and the built elements (`packages/elements/dist/`,
 * beside `examples/` in the repository) at `/kit/`, which the examples load as one module.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';

export const staticFiles = fp<{ examplesDir: string }>(async (app, { examplesDir }) => {
  await app.register(fastifyStatic, {
    root: examplesDir,
    prefix: '/',
    redirect: true,
    index: ['index.html'],
  });
  const kitDir = join(examplesDir, '..', 'packages', 'elements', 'dist');
  if (existsSync(kitDir)) {
    await app.register(fastifyStatic, { root: kitDir, prefix: '/kit/', decorateReply: false });
  }
});
