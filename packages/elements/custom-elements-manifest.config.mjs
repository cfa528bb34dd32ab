/**
 * `cem analyze` reads this from the package folder (run it there: toolchain.md F12).
 * The manifest is the elements' public API, so private members leave it, and each event
 * dispatched as `new CpisXEvent(…)` is described once, by its `@event` tag, with its class.
 */
const eventClasses = {
  'cpis-check-start': 'CpisCheckStartEvent',
  'cpis-check-complete': 'CpisCheckCompleteEvent',
  'cpis-check-error': 'CpisCheckErrorEvent',
};

const publicApi = () => ({
  name: 'cpis-public-api',
  packageLinkPhase({ customElementsManifest }) {
    for (const mod of customElementsManifest.modules) {
      for (const declaration of mod.declarations ?? []) {
        if (declaration.members) {
          declaration.members = declaration.members.filter(
            (m) => m.privacy !== 'private' && !m.name.startsWith('#'),
          );
        }
        if (declaration.events) {
          declaration.events = declaration.events
            .filter((e) => e.name)
            .map((e) =>
              eventClasses[e.name] ? { ...e, type: { text: eventClasses[e.name] } } : e,
            );
        }
      }
    }
  },
});

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/**/*.stories.ts', 'src/**/*.test-helper.ts'],
  litelement: true,
  plugins: [publicApi()],
};
