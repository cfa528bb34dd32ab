/** Chromium for the tests (scripts/chromium.mjs, which the bench also reads). */
export { chromiumArgs, chromiumPath } from './chromium.mjs';
