import { defineConfig } from 'tsup';

export default defineConfig({
  // One entry each, so a banner that imports only the core never pays for the stream or
  // for NHS England's FHIR APIs.
  entry: ['src/index.ts', 'src/stream.ts', 'src/fhir.ts', 'src/patient-flags.ts'],
  format: ['esm', 'cjs'],
  // Shared modules (errors, the config symbol) go into one chunk in both formats, so an
  // error thrown by the stream is `instanceof` the class the core exports, also under CJS.
  splitting: true,
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // @cpis/domain stays an external dependency (see package.json): one copy of the rules
  // and one set of generated types for every package that uses them.
});
