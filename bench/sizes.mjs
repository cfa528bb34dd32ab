// Bundle sizes, ours and the anchors', each built here with size-limit's own esbuild
// settings (bundle, minify, tree-shake, browser) and gzipped at level 9 as size-limit does,
// so the ratios compare like with like. The anchors live in bench/anchors (installed by
// the bench itself, `npm ci --omit=optional`, never by `npm test`).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ANCHORS = fileURLToPath(new URL('./anchors/', import.meta.url));

/** What each bundle imports: `[name, source, options]`. */
const BUNDLES = {
  banner: {
    name: 'banner + dialog + SDK + lit',
    source: `import { CpisFlagBanner, CpisAccessReasonDialog } from ${JSON.stringify(`${ROOT}packages/elements/dist/index.js`)}
import { createCpisClient } from ${JSON.stringify(`${ROOT}packages/sdk/dist/index.js`)}
console.log(CpisFlagBanner, CpisAccessReasonDialog, createCpisClient)`,
  },
  sdk: {
    name: 'SDK core (createCpisClient, isValidNhsNumber, formatNhsNumber)',
    source: `import { createCpisClient, isValidNhsNumber, formatNhsNumber } from ${JSON.stringify(`${ROOT}packages/sdk/dist/index.js`)}
console.log(createCpisClient, isValidNhsNumber, formatNhsNumber)`,
  },
  shoelace: {
    name: 'Shoelace 2.20.1 alert + dialog',
    source: `import SlAlert from '@shoelace-style/shoelace/dist/components/alert/alert.js'
import SlDialog from '@shoelace-style/shoelace/dist/components/dialog/dialog.js'
console.log(SlAlert, SlDialog)`,
    anchor: true,
  },
  shoelaceTheme: {
    name: 'Shoelace 2.20.1 light theme (CSS)',
    css: '@shoelace-style/shoelace/dist/themes/light.css',
    anchor: true,
  },
  webawesome: {
    name: 'Web Awesome 3.14.0 callout + dialog',
    source: `import WaCallout from '@awesome.me/webawesome/dist/components/callout/callout.js'
import WaDialog from '@awesome.me/webawesome/dist/components/dialog/dialog.js'
console.log(WaCallout, WaDialog)`,
    anchor: true,
  },
  medplum: {
    name: '@medplum/core 4.5.2 (MedplumClient)',
    // At the root: the FHIR surfaces' tests use it to validate answers as R4.
    source: `import { MedplumClient } from '@medplum/core'
console.log(MedplumClient)`,
  },
  fhirclient: {
    name: 'fhirclient 2.6.3 (browser entry)',
    source: `import FHIR from 'fhirclient'
console.log(FHIR)`,
    // Its browser entry bundles whole: nothing is left external.
    anchor: true,
  },
};

/** Installs bench/anchors from its lockfile when its node_modules is missing or stale. */
function installAnchors(log) {
  const lock = `${ANCHORS}package-lock.json`;
  const installed = `${ANCHORS}node_modules/.package-lock.json`;
  if (existsSync(installed) && readFileSync(installed, 'utf8').length > 0) {
    const wanted = JSON.parse(readFileSync(lock, 'utf8')).packages;
    const have = JSON.parse(readFileSync(installed, 'utf8')).packages;
    const stale = Object.entries(wanted).some(
      ([path, p]) => path !== '' && !p.optional && have[path]?.version !== p.version,
    );
    if (!stale) return;
  }
  log('  installing bench/anchors (npm ci --omit=optional)');
  const result = spawnSync('npm', ['ci', '--omit=optional', '--no-audit', '--no-fund'], {
    cwd: ANCHORS,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`npm ci in bench/anchors failed:\n${result.stderr}`);
  if (/EBADENGINE/.test(result.stderr)) {
    throw new Error(`bench/anchors does not install cleanly on this Node:\n${result.stderr}`);
  }
}

async function bundle({ source, css, anchor }) {
  const resolveDir = anchor ? ANCHORS : ROOT;
  const result = await build({
    ...(css === undefined
      ? { stdin: { contents: source, resolveDir, sourcefile: 'bench-entry.js' } }
      : { entryPoints: [`${ANCHORS}node_modules/${css}`] }),
    bundle: true,
    minifyIdentifiers: true,
    minifySyntax: true,
    minifyWhitespace: true,
    treeShaking: true,
    write: false,
    logLevel: 'silent',
  });
  const bytes = Buffer.concat(result.outputFiles.map((f) => Buffer.from(f.contents)));
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

/** `{ [key]: { name, raw, gzip } }` for every bundle. */
export async function measureSizes(log) {
  installAnchors(log);
  const sizes = {};
  for (const [key, spec] of Object.entries(BUNDLES)) {
    sizes[key] = { name: spec.name, ...(await bundle(spec)) };
    log(`  ${spec.name}: ${sizes[key].gzip} B min + gzip`);
  }
  return sizes;
}
