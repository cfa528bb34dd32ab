/**
 * NHS England's CP-IS and Patient Flags examples are published as XML; the SDK's golden
 * tests read JSON converted from them by FHIR.js (scripts/convert-fhir-examples.mjs), never
 * written by hand. The committed JSON must be exactly what the conversion gives now.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SOURCES, convertAll } from '../../scripts/convert-fhir-examples.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('converted FHIR examples', () => {
  const converted = convertAll();

  it('each committed JSON example equals what the FHIR.js conversion of its published XML gives now', () => {
    expect(converted.map((c) => c.source)).toEqual(SOURCES);
    for (const { target, text } of converted) {
      expect(readFileSync(resolve(root, target), 'utf8'), target).toBe(text);
    }
  });

  it('each converted example is the resource its XML holds, with FHIR types (numbers, booleans)', () => {
    for (const { source, text } of converted) {
      const xml = readFileSync(resolve(root, source), 'utf8');
      const root_ = /<([A-Za-z]+) xmlns="http:\/\/hl7.org\/fhir">\s*<id value="([^"]+)"/.exec(xml);
      const json = JSON.parse(text) as { resourceType: string; id: string };
      expect([json.resourceType, json.id], source).toEqual([root_?.[1], root_?.[2]]);
    }
    const bundle = JSON.parse(converted[0]!.text) as { total: unknown };
    expect(bundle.total).toBe(1);
    const audit = JSON.parse(converted[2]!.text) as {
      entry: { resource: { agent?: { requestor: unknown }[] } }[];
    };
    expect(audit.entry[0]?.resource.agent?.map((a) => a.requestor)).toEqual([false, true]);
  });
});
