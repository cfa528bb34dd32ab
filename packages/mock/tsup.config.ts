import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', fixtures: 'src/fixtures.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  external: ['msw', 'jose', '@cpis/domain', '@cpis/population', '@cpis/service'],
});
