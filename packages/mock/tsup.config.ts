import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', fixtures: 'src/fixtures.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  external: ['msw', 'jose', '@cpis/domain'],
  // openapi-msw (typed handler paths) goes inside the build: its peer range is msw ^2 only,
  // and a vendor on msw 3 would meet an ERESOLVE for a package they never import. Its
  // runtime is a thin layer over msw's `http`, which stays the vendor's own msw.
  noExternal: ['openapi-msw'],
});
