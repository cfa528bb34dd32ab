/**
 * Development mode: `examples/` at `/`, and the built elements (`packages/elements/dist/`,
 * beside `examples/` in the repository) at `/kit/`, which the examples load as one module;
 * never a dotfile, never through a symbolic link.
 */
import { existsSync, realpathSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';

export const staticFiles = fp<{ examplesDir: string }>(async (app, { examplesDir }) => {
  await app.register(fastifyStatic, {
    ...servedAsIs(examplesDir),
    prefix: '/',
    redirect: true,
    index: ['index.html'],
  });
  const kitDir = join(examplesDir, '..', 'packages', 'elements', 'dist');
  if (existsSync(kitDir)) {
    await app.register(fastifyStatic, {
      ...servedAsIs(kitDir),
      prefix: '/kit/',
      decorateReply: false,
    });
  }
});

/**
 * A folder served as is, but no file or folder under it whose name starts with a dot, and
 * nothing reached through a symbolic link: what is served is what is in the folder itself.
 */
function servedAsIs(root: string): {
  root: string;
  dotfiles: 'ignore';
  allowedPath: (pathName: string) => boolean;
} {
  const realRoot = realpathSync(root);
  return {
    root,
    dotfiles: 'ignore',
    allowedPath: (pathName) => {
      if (pathName.split('/').some((segment) => segment.startsWith('.'))) return false;
      const file = resolve(realRoot, `.${pathName}`);
      if (file !== realRoot && !file.startsWith(realRoot + sep)) return false;
      try {
        return realpathSync(file) === file;
      } catch {
        // Not there: the plugin answers 404.
        return true;
      }
    },
  };
}
