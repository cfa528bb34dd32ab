import { copyFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { main: 'src/main.ts', index: 'src/index.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  // Every dependency stays a runtime import: node_modules, and @cpis/* through the
  // workspace symlinks to their own dist.
  external: [/^[^./]/],
  // The built server carries its contract, so it runs outside the repository too.
  onSuccess: () => copyFile('../../openapi/cpis.yaml', 'dist/cpis.yaml'),
});
