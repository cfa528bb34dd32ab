#!/usr/bin/env node
// `npm run docs [-- out-dir]`: one static documentation site (docs-site/ unless given):
// Storybook at its root (every element in every state), the API reference of @cpis/sdk
// and @cpis/domain by TypeDoc under api/, a page per element from custom-elements.json
// under elements/, and reference.html linking them all. Offline; run after the elements
// build (which writes the manifest).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const out = resolve(process.argv[2] ?? 'docs-site');
const manifest = JSON.parse(readFileSync('packages/elements/custom-elements.json', 'utf8'));

function step(title, command, args, env = {}) {
  console.log(`▶ ${title}`);
  const { status } = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1', ...env },
  });
  if (status !== 0) {
    console.error(`${title} failed`);
    process.exit(1);
  }
}

rmSync(out, { recursive: true, force: true });
step('Storybook', 'npx', ['storybook', 'build', '-c', 'stories/.storybook', '-o', out, '--quiet']);
step('TypeDoc: @cpis/sdk and @cpis/domain', 'npx', [
  'typedoc',
  '--options',
  'typedoc.json',
  '--out',
  join(out, 'api'),
]);

const escape = (text) =>
  String(text ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
const page = (title, body) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escape(title)} · CP-IS Embed Kit</title>
<style>body{font:16px/1.5 Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #aaa;padding:.3rem .5rem;text-align:left;vertical-align:top}
code{background:#f0f0f0;padding:0 .2rem}</style></head>
<body>${body}</body></html>
`;
const table = (caption, headers, rows) =>
  rows.length === 0
    ? ''
    : `<h2>${caption}</h2><table><thead><tr>${headers.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows
        .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`;
const code = (text) => (text ? `<code>${escape(text)}</code>` : '');

const elements = manifest.modules.flatMap((mod) =>
  (mod.declarations ?? [])
    .filter((d) => d.customElement && d.tagName)
    .map((d) => ({ ...d, module: mod.path })),
);
mkdirSync(join(out, 'elements'), { recursive: true });
for (const el of elements) {
  const body = [
    `<p><a href="../reference.html">Reference</a></p>`,
    `<h1>${code(`<${el.tagName}>`)} <small>${escape(el.name)}</small></h1>`,
    `<p>${escape(el.summary || el.description)}</p>`,
    `<p>Module: ${code(`@cpis/elements`)} (${code(el.module)}); React: ${code(`import { ${el.name} } from '@cpis/elements/react'`)}</p>`,
    table(
      'Attributes',
      ['attribute', 'property', 'type', 'description'],
      (el.attributes ?? []).map((a) => [
        code(a.name),
        code(a.fieldName),
        code(a.type?.text),
        escape(a.description),
      ]),
    ),
    table(
      'Properties',
      ['property', 'type', 'description'],
      (el.members ?? [])
        .filter((m) => m.kind === 'field' && !m.static)
        .map((m) => [code(m.name), code(m.type?.text), escape(m.description)]),
    ),
    table(
      'Events',
      ['event', 'type', 'description'],
      (el.events ?? []).map((e) => [code(e.name), code(e.type?.text), escape(e.description)]),
    ),
    table(
      'CSS parts',
      ['part', 'description'],
      (el.cssParts ?? []).map((p) => [code(p.name), escape(p.description)]),
    ),
    table(
      'CSS custom properties',
      ['property', 'description'],
      (el.cssProperties ?? []).map((p) => [code(p.name), escape(p.description)]),
    ),
    table(
      'Slots',
      ['slot', 'description'],
      (el.slots ?? []).map((s) => [code(s.name || '(default)'), escape(s.description)]),
    ),
  ].join('\n');
  writeFileSync(join(out, 'elements', `${el.tagName}.html`), page(el.tagName, body));
}

writeFileSync(
  join(out, 'reference.html'),
  page(
    'Reference',
    `<h1>CP-IS Embed Kit reference</h1>
<ul>
<li><a href="./index.html">Storybook</a>: every element in every state, against the mock</li>
<li><a href="./api/index.html">API reference</a>: <code>@cpis/sdk</code>, <code>@cpis/sdk/stream</code> and <code>@cpis/domain</code></li>
<li>Elements (from <code>custom-elements.json</code>):<ul>${elements
      .map(
        (el) =>
          `<li><a href="./elements/${el.tagName}.html"><code>&lt;${el.tagName}&gt;</code></a>: ${escape(el.summary)}</li>`,
      )
      .join('')}</ul></li>
</ul>`,
  ),
);
console.log(`Documentation site: ${out}/reference.html (${elements.length} element pages)`);
