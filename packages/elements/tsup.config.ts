import { copyFile, readFile, writeFile } from 'node:fs/promises';
import ts from 'typescript';
import { defineConfig, type Options } from 'tsup';

/**
 * Collapses the whitespace in the static text of Lit's `html`, `svg` and `css` templates
 * (and drops CSS comments). Minifiers leave template literals alone; these are most of the
 * elements' bytes. Whitespace runs become one space, which HTML and CSS read the same way
 * (the templates hold no `<pre>` and no textarea content).
 */
function minifyTemplates(source: string, fileName: string): string {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const edits: { start: number; end: number; text: string }[] = [];
  const squeeze = (text: string, css: boolean): string => {
    let out = css ? text.replace(/\/\*[\s\S]*?\*\//g, '') : text;
    out = out.replace(/\s+/g, ' ');
    return css
      ? out
          .replace(/ ?([{};,>]) ?/g, '$1')
          .replace(/: /g, ':')
          .replace(/ !important/g, '!important')
      : out;
  };
  const visit = (node: ts.Node): void => {
    if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag)) {
      const tag = node.tag.text;
      if (tag === 'html' || tag === 'svg' || tag === 'css') {
        const t = node.template;
        const parts = ts.isNoSubstitutionTemplateLiteral(t)
          ? [t]
          : [t.head, ...t.templateSpans.map((s) => s.literal)];
        for (const part of parts) {
          // The literal's raw text sits between its delimiters: ` or } before, ` or ${ after.
          const start = part.getStart(file) + 1;
          const end =
            part.getEnd() -
            (ts.isTemplateTail(part) || ts.isNoSubstitutionTemplateLiteral(part) ? 1 : 2);
          edits.push({ start, end, text: squeeze(source.slice(start, end), tag === 'css') });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = source;
  for (const e of edits.sort((a, b) => b.start - a.start)) {
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
  }
  return out;
}

const templates: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'minify-lit-templates',
  setup(build) {
    build.onLoad({ filter: /[\\/]elements[\\/]src[\\/].*\.ts$/ }, async ({ path }) => ({
      contents: minifyTemplates(await readFile(path, 'utf8'), path),
      loader: 'ts',
    }));
  },
};

export default defineConfig([
  // The library: ESM with types; lit, the SDK and React stay the app's to resolve, once.
  {
    // Each element is an entry too, so code splitting gives each its own chunk: an app
    // that imports the banner alone never ships the inbox and the stream.
    entry: {
      index: 'src/index.ts',
      define: 'src/define.ts',
      'react/index': 'src/react/index.ts',
      'flag-banner': 'src/flag-banner/flag-banner.ts',
      'access-reason-dialog': 'src/access-reason-dialog/access-reason-dialog.ts',
      'access-history': 'src/access-history/access-history.ts',
      'notification-inbox': 'src/notification-inbox/notification-inbox.ts',
    },
    format: ['esm'],
    dts: true,
    // The two builds run at once, so neither cleans: tsup's clean would delete the other's
    // files (its type build removes every .d.ts). `npm run build` empties dist first.
    clean: false,
    sourcemap: true,
    splitting: true,
    target: 'es2022',
    platform: 'browser',
    external: ['lit', /^lit\//, /^@lit\//, /^@cpis\//, 'react', /^react\//],
    esbuildPlugins: [templates],
  },
  // One self-contained module for a page without a bundler: <script type="module">.
  oneFile('cpis-elements', 'src/bundle.ts', () =>
    copyFile('src/bundle.ts', 'dist/cpis-elements.d.ts'),
  ),
  // The same with NHS England's CP-IS FHIR and Patient Flags clients: a file of its own, so
  // a page that speaks only /v1 never ships them.
  oneFile('cpis-elements-fhir', 'src/bundle-fhir.ts', async () =>
    writeFile(
      'dist/cpis-elements-fhir.d.ts',
      (await readFile('src/bundle-fhir.ts', 'utf8')).replace(
        "from './bundle.js'",
        "from './cpis-elements.js'",
      ),
    ),
  ),
]);

/**
 * A self-contained ES module: lit, the SDK and the domain inside. Its types are its source:
 * re-exports of the library's own declarations and the SDK's, so a program that sees two
 * entries sees one CpisFlagBanner (HTMLElementTagNameMap); `types` writes them.
 */
function oneFile(name: string, source: string, types: () => Promise<void>): Options {
  return {
    entry: { [name]: source },
    format: ['esm'],
    dts: false,
    onSuccess: types,
    clean: false,
    minify: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'browser',
    noExternal: [/.*/],
    define: { 'process.env.NODE_ENV': '"production"' },
    esbuildPlugins: [templates],
  };
}
