/**
 * What editors and type checkers need for the raw tags, generated from the manifest by
 * the elements build (custom-elements-manifest.config.mjs), so they can never drift from
 * the elements' API:
 * - `dist/html-custom-data.json`: VS Code's HTML custom data (tag and attribute
 *   completion, descriptions and values);
 * - `dist/jsx.d.ts`: React 19 JSX typings for `<cpis-flag-banner …>` and the other tags,
 *   attributes typed, events as `oncpis-…` listener props.
 * Attribute values that are enums of the contract (`AccessContext`, `ReasonCode`) are read
 * from `openapi/cpis.yaml`, where they are defined.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const contractEnums = () => {
  const contract = parse(readFileSync(new URL('../../openapi/cpis.yaml', import.meta.url), 'utf8'));
  const schemas = contract.components.schemas;
  return Object.fromEntries(
    Object.entries(schemas)
      .filter(([, schema]) => Array.isArray(schema.enum))
      .map(([name, schema]) => [name, schema.enum]),
  );
};

const elementsOf = (manifest) =>
  manifest.modules.flatMap((mod) =>
    (mod.declarations ?? []).filter((d) => d.customElement && d.tagName),
  );

/** The attribute's type without `| undefined`: a type name, `boolean` or `string`. */
const typeName = (attribute) =>
  (attribute.type?.text ?? 'string').replace(/\s*\|\s*undefined$/, '');

const oneLine = (text) => (text ?? '').replace(/\s+/g, ' ').trim();

export function htmlCustomData(manifest, enums = contractEnums()) {
  return {
    version: 1.1,
    tags: elementsOf(manifest).map((element) => ({
      name: element.tagName,
      description: oneLine(element.summary || element.description),
      attributes: (element.attributes ?? []).map((attribute) => {
        const type = typeName(attribute);
        const entry = { name: attribute.name, description: oneLine(attribute.description) };
        if (type === 'boolean') entry.valueSet = 'v';
        else if (enums[type]) entry.values = enums[type].map((name) => ({ name }));
        return entry;
      }),
    })),
  };
}

export function jsxTypes(manifest, enums = contractEnums()) {
  const elements = elementsOf(manifest);
  const usedEnums = new Set();
  const eventTypes = new Set();
  const interfaces = elements.map((element) => {
    const props = (element.attributes ?? []).map((attribute) => {
      const type = typeName(attribute);
      let ts = 'string';
      if (type === 'boolean') ts = 'boolean';
      else if (enums[type]) {
        usedEnums.add(type);
        ts = type;
      }
      const doc = oneLine(attribute.description);
      return `${doc ? `  /** ${doc} */\n` : ''}  '${attribute.name}'?: ${ts};`;
    });
    for (const event of element.events ?? []) {
      const type = /^Cpis\w+Event$/.test(event.type?.text ?? '') ? event.type.text : 'Event';
      if (type !== 'Event') eventTypes.add(type);
      props.push(`  'on${event.name}'?: (event: ${type}) => void;`);
    }
    return props.length === 0
      ? `export type ${element.name}Attributes = object;`
      : `export interface ${element.name}Attributes {\n${props.join('\n')}\n}`;
  });
  const tags = elements.map((e) => `      '${e.tagName}': Tag<${e.name}> & ${e.name}Attributes;`);
  const classes = [...elements.map((e) => e.name), ...eventTypes].sort();
  return `// Generated from custom-elements.json by the elements build: do not edit.
// React 19 JSX typings for the raw tags: \`import type {} from '@cpis/elements/jsx';\`
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
${usedEnums.size ? `import type { ${[...usedEnums].sort().join(', ')} } from '@cpis/sdk';\n` : ''}import type { ${classes.join(', ')} } from './index.js';

type Tag<E extends HTMLElement> = DetailedHTMLProps<HTMLAttributes<E>, E>;

${interfaces.join('\n\n')}

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
${tags.join('\n')}
    }
  }
}
`;
}

/** Writes both files into `dist/` (the manifest plugin calls this once the manifest is final). */
export function writeEditorTypes(manifest, distDir) {
  mkdirSync(distDir, { recursive: true });
  writeFileSync(
    new URL('html-custom-data.json', distDir),
    `${JSON.stringify(htmlCustomData(manifest), null, 2)}\n`,
  );
  writeFileSync(new URL('jsx.d.ts', distDir), jsxTypes(manifest));
  writeFileSync(new URL('jsx.js', distDir), '// Types only: see jsx.d.ts.\nexport {};\n');
}
