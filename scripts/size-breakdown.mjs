#!/usr/bin/env node
// `node scripts/size-breakdown.mjs [gate name]`: where the bytes of one `.size-limit.cjs`
// gate go. Builds the gate's bundle with size-limit's own esbuild plugin (same entry, same
// options), adds a source map, gives every output byte to the module it came from, and
// prints a Markdown table per piece:
//   - min: minified bytes in the bundle;
//   - gzip, cumulative: what the piece adds to gzip when the pieces are added in the
//     table's order (the column sums to the bundle's gzip size);
//   - gzip, without it: what the bundle loses when only this piece is left out;
//   - text: how many of its minified bytes are string and template text (words, CSS,
//     SVG paths), the rest being code.
// Needs `npm run build` first. Measures; changes nothing.
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '..');
const { default: esbuildPlugins } = await import('@size-limit/esbuild');
const esbuild = require('esbuild');
const { Parser } = require('acorn');
const { SourceMapConsumer } = require('source-map-js');

/**
 * The pieces, in the order they are added up, each with the layer it belongs to; the first
 * rule that matches a source wins.
 */
const PIECES = [
  ['lit-html', /\/lit-html\//, 'Lit'],
  ['@lit/reactive-element (ReactiveElement)', /reactive-element\/src\/reactive-element/, 'Lit'],
  ['@lit/reactive-element (css-tag)', /reactive-element\/src\/css-tag/, 'Lit'],
  ['lit-element', /\/lit-element\//, 'Lit'],
  ['@lit/task', /@lit\/task\//, 'Lit'],
  ['@lit/context', /@lit\/context\//, 'Lit'],
  ['openapi-fetch', /openapi-fetch\//, 'openapi-fetch (the SDK client underneath, `raw`)'],
  ['eventsource-parser', /eventsource-parser\//, 'eventsource-parser (the stream)'],
  ['domain: NHS number, reason rules', /packages\/domain\//, 'SDK and domain'],
  ['SDK: createCpisClient', /sdk\/src\/(client|index)\.ts/, 'SDK and domain'],
  ['SDK: transport (retries, timeouts, auth)', /sdk\/src\/transport\.ts/, 'SDK and domain'],
  ['SDK: abortable', /sdk\/src\/abortable\.ts/, 'SDK and domain'],
  ['SDK: answer guard', /sdk\/src\/answer-guard\.ts/, 'SDK and domain'],
  ['SDK: errors', /sdk\/src\/errors\.ts/, 'SDK and domain'],
  ['SDK: NHS number input, config', /sdk\/src\/(nhs-number-input|config)\.ts/, 'SDK and domain'],
  ['SDK: stream', /sdk\/src\/stream\.ts/, 'SDK and domain'],
  ['elements: shared styles', /elements\/src\/styles\//, 'elements'],
  ['banner: styles', /flag-banner\.styles\.ts/, 'elements'],
  ['banner', /flag-banner\/flag-banner\.ts/, 'elements'],
  ['dialog: styles', /access-reason-dialog\.styles\.ts/, 'elements'],
  ['dialog', /access-reason-dialog\/access-reason-dialog\.ts/, 'elements'],
  ['access history (+ styles)', /access-history\//, 'elements'],
  ['notification inbox (+ styles)', /notification-inbox\//, 'elements'],
  ['icons', /internal\/icons\.ts/, 'elements'],
  ['words (plan types, reasons)', /internal\/words\.ts/, 'elements'],
  ['dates, phone links', /internal\/format\.ts/, 'elements'],
  ['events', /elements\/src\/events\.ts/, 'elements'],
  ['context (client controller)', /elements\/src\/context\.ts/, 'elements'],
  ['problem state, define', /internal\/(problem-state|define-element)\.ts/, 'elements'],
  ['elements: index, registry', /elements\/src\/(index|elements)\.ts/, 'elements'],
  ['licence comments, entry', /./, 'licence comments (kept by esbuild)'],
];

const name = process.argv[2] ?? 'banner + dialog + SDK + lit';
const gate = require(join(root, '.size-limit.cjs')).find((g) => g.name === name);
if (!gate) throw new Error(`no gate named "${name}" in .size-limit.cjs`);

// size-limit's own plugin writes the entry and the esbuild options (step20).
const imports = Object.fromEntries(
  Object.entries(gate.import).map(([path, list]) => [join(root, path), list]),
);
const check = { ...gate, import: imports, files: [] };
const plugin = esbuildPlugins.find((p) => p.name === '@size-limit/esbuild');
await plugin.step20({ configPath: join(root, '.size-limit.cjs') }, check);
const { outdir } = check.esbuildConfig;
try {
  // A linked map adds one comment line to the bundle; it is cut off before measuring.
  const result = await esbuild.build({
    ...check.esbuildConfig,
    sourcemap: true,
    logLevel: 'error',
  });
  const jsFile = Object.keys(result.metafile.outputs).find((f) => f.endsWith('.js'));
  const code = readFileSync(resolve(jsFile), 'utf8').replace(
    /\n\/\/# sourceMappingURL=.*\n?$/,
    '\n',
  );
  report(code, JSON.parse(readFileSync(`${resolve(jsFile)}.map`, 'utf8')));
} finally {
  rmSync(outdir, { recursive: true, force: true });
}

function report(code, map) {
  // Every byte's source, from the mappings: a mapping owns the bytes up to the next one.
  const lineStarts = [0];
  for (let i = 0; i < code.length; i++) if (code[i] === '\n') lineStarts.push(i + 1);
  const mappings = [];
  new SourceMapConsumer(map).eachMapping((m) => mappings.push(m));
  const at = (m) => lineStarts[m.generatedLine - 1] + m.generatedColumn;
  mappings.sort((a, b) => at(a) - at(b));
  const piece = new Uint8Array(code.length).fill(PIECES.length - 1);
  const indexOf = new Map();
  mappings.forEach((m, i) => {
    const source = m.source ?? '';
    if (!indexOf.has(source))
      indexOf.set(
        source,
        PIECES.findIndex(([, re]) => re.test(source)),
      );
    const end = i + 1 < mappings.length ? at(mappings[i + 1]) : code.length;
    piece.fill(indexOf.get(source), at(m), end);
  });
  // Text: the bytes inside string literals and template quasis.
  const text = new Uint8Array(code.length);
  const ast = Parser.parse(code, { ecmaVersion: 'latest', sourceType: 'script' });
  (function walk(node) {
    if (!node || typeof node.type !== 'string') return;
    if (node.type === 'Literal' && typeof node.value === 'string')
      text.fill(1, node.start, node.end);
    if (node.type === 'TemplateElement') text.fill(1, node.start, node.end);
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') walk(value);
    }
  })(ast);

  const gz = (s) => gzipSync(Buffer.from(s), { level: 9 }).length;
  const keep = (wanted) => {
    let out = '';
    for (let i = 0; i < code.length; i++) if (wanted(i)) out += code[i];
    return out;
  };
  const total = gz(code);
  const rows = [];
  let before = 0;
  for (let p = 0; p < PIECES.length; p++) {
    let min = 0;
    let textBytes = 0;
    for (let i = 0; i < code.length; i++) {
      if (piece[i] === p) {
        min++;
        textBytes += text[i];
      }
    }
    if (!min) continue;
    const upTo = gz(keep((i) => piece[i] <= p));
    const without = total - gz(keep((i) => piece[i] !== p));
    rows.push(`| ${PIECES[p][0]} | ${min} | ${upTo - before} | ${without} | ${textBytes} |`);
    before = upTo;
  }
  // The same bytes by layer, the elements' split into code and text (words, CSS, SVG).
  const layerOf = (i) => {
    const layer = PIECES[piece[i]][2];
    if (layer !== 'elements') return layer;
    return text[i] ? 'elements: text (words, CSS, SVG paths)' : 'elements: code';
  };
  const order = [...new Set(PIECES.map(([, , layer]) => layer))]
    .filter((layer) => layer !== 'elements')
    .concat('elements: code', 'elements: text (words, CSS, SVG paths)');
  const layerRows = [];
  const added = new Set();
  before = 0;
  for (const layer of order) {
    let min = 0;
    for (let i = 0; i < code.length; i++) if (layerOf(i) === layer) min++;
    if (!min) continue;
    added.add(layer);
    const upTo = gz(keep((i) => added.has(layerOf(i))));
    layerRows.push(`| ${layer} | ${min} | ${upTo - before} |`);
    before = upTo;
  }
  console.log(`### ${name}

${code.length} B minified, ${total} B gzip (size-limit reports ${total} − 46 B for its empty
import project).

| piece | min | gzip, cumulative | gzip, without it | text (min) |
| --- | ---: | ---: | ---: | ---: |
${rows.join('\n')}
| **total** | **${code.length}** | **${total}** | | |

By layer (cumulative, in this order):

| layer | min | gzip, cumulative |
| --- | ---: | ---: |
${layerRows.join('\n')}
| **total** | **${code.length}** | **${total}** |`);
}
