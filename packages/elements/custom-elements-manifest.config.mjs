import { writeEditorTypes } from './editor-types.mjs';

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
          // Lit's `state: true` properties come out as attributes of private fields.
          const kept = new Set(declaration.members.map((m) => m.name));
          if (declaration.attributes) {
            declaration.attributes = declaration.attributes.filter(
              (a) => a.fieldName === undefined || kept.has(a.fieldName),
            );
          }
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

/**
 * Where each public source module ships (tsup.config.ts's entries). Modules that are not
 * entries themselves but are exported from the index (context, events, the define helpers)
 * are described as part of `dist/index.js`; every other module is internal and leaves the
 * manifest, so it names only files a vendor has and API a vendor may use.
 */
const shipped = {
  'src/index.ts': 'dist/index.js',
  'src/context.ts': 'dist/index.js',
  'src/events.ts': 'dist/index.js',
  'src/elements.ts': 'dist/index.js',
  'src/define.ts': 'dist/define.js',
  'src/react/index.ts': 'dist/react/index.js',
  'src/bundle.ts': 'dist/cpis-elements.js',
  'src/bundle-fhir.ts': 'dist/cpis-elements-fhir.js',
  'src/flag-banner/flag-banner.ts': 'dist/flag-banner.js',
  'src/access-reason-dialog/access-reason-dialog.ts': 'dist/access-reason-dialog.js',
  'src/access-history/access-history.ts': 'dist/access-history.js',
  'src/notification-inbox/notification-inbox.ts': 'dist/notification-inbox.js',
};

/** A module reference as the analyser writes it (`./x.js` from `from`, or `src/x.ts`) → its source path. */
function sourcePath(reference, from) {
  const path = reference.startsWith('.')
    ? new URL(reference, `file:///${from}`).pathname.slice(1)
    : reference;
  return path.replace(/\.js$/, '.ts');
}

const shippedPaths = () => ({
  name: 'cpis-shipped-paths',
  packageLinkPhase({ customElementsManifest }) {
    const modules = new Map();
    for (const mod of customElementsManifest.modules) {
      const target = shipped[mod.path];
      if (target === undefined) continue;
      const into = modules.get(target) ?? {
        kind: 'javascript-module',
        path: target,
        declarations: [],
        exports: [],
      };
      const retarget = (ref) => {
        if (ref?.module === undefined) return ref;
        const dist = shipped[sourcePath(ref.module, mod.path)];
        return dist === undefined ? undefined : { ...ref, module: dist };
      };
      for (const declaration of mod.declarations ?? []) {
        if (declaration.superclass) {
          const superclass = retarget(declaration.superclass);
          if (superclass === undefined) delete declaration.superclass;
          else declaration.superclass = superclass;
        }
        for (const member of declaration.members ?? []) {
          if (member.inheritedFrom) {
            const from = retarget(member.inheritedFrom);
            if (from === undefined) delete member.inheritedFrom;
            else member.inheritedFrom = from;
          }
        }
        into.declarations.push(declaration);
      }
      for (const entry of mod.exports ?? []) {
        const declaration = retarget(entry.declaration);
        if (declaration !== undefined) into.exports.push({ ...entry, declaration });
      }
      modules.set(target, into);
    }
    for (const mod of modules.values()) {
      // The index's own re-exports of the modules folded into it would name it twice.
      const seen = new Set();
      mod.exports = mod.exports.filter((e) => {
        const key = `${e.kind}:${e.name}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    }
    customElementsManifest.modules = [...modules.values()];
  },
});

const editorTypes = () => ({
  name: 'cpis-editor-types',
  packageLinkPhase({ customElementsManifest }) {
    writeEditorTypes(customElementsManifest, new URL('./dist/', import.meta.url));
  },
});

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/**/*.stories.ts', 'src/**/*.test-helper.ts'],
  litelement: true,
  plugins: [publicApi(), shippedPaths(), editorTypes()],
};
