#!/usr/bin/env node
// Converts NHS England's published CP-IS and Patient Flags XML examples to FHIR JSON with
// FHIR.js (`fhir`), never by hand, and writes each beside its source under `json/`.
// `node scripts/convert-fhir-examples.mjs` writes; `--check` fails if a committed file
// differs from what the conversion gives now. test/repo/fhir-examples.test.ts runs the check.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Fhir } = require('fhir');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The XML examples converted, relative to the repository root. */
export const SOURCES = [
  'test/fixtures/external/nhs-cpis-fhir/CPIS-GetCareTeamResult-Example.xml',
  'test/fixtures/external/nhs-cpis-fhir/CPIS-GetCareTeamNoResults-Example.xml',
  'test/fixtures/external/nhs-cpis-fhir/CPIS-GetAuditEventResult-Example.xml',
  'test/fixtures/external/nhs-cpis-fhir/CPIS-AccessDenied-Example.xml',
  'test/fixtures/external/nhs-patient-flags/examples/CPIS-CPP-Bundle-Example.xml',
  'test/fixtures/external/nhs-patient-flags/examples/CPIS-Flag-Example.xml',
  'test/fixtures/external/nhs-patient-flags/examples/CPIS-CarePlan-Example.xml',
  'test/fixtures/external/nhs-patient-flags/examples/CPIS-CareTeam-Example.xml',
  'test/fixtures/external/nhs-patient-flags/examples/PatientFlag-AlanMann-Example.xml',
];

/** Where the JSON of `source` lives: `json/<name>.json` beside the XML. */
export function targetOf(source) {
  return join(dirname(source), 'json', basename(source, '.xml') + '.json');
}

/** Each target path (relative to the root) with the JSON text the conversion gives now. */
export function convertAll() {
  const fhir = new Fhir();
  return SOURCES.map((source) => {
    const xml = readFileSync(join(root, source), 'utf8');
    // FHIR.js types each value by the R4 structure definitions (numbers, booleans).
    const resource = JSON.parse(fhir.xmlToJson(xml));
    return { source, target: targetOf(source), text: JSON.stringify(resource, null, 2) + '\n' };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const { target, text } of convertAll()) {
    const path = join(root, target);
    if (check) {
      let committed = '';
      try {
        committed = readFileSync(path, 'utf8');
      } catch {
        // missing: stale
      }
      if (committed !== text) {
        stale++;
        console.error(`stale: ${target}`);
      }
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      console.log(`wrote ${target}`);
    }
  }
  if (stale > 0) process.exit(1);
}
