/**
 * Registers every CP-IS tag: `import '@cpis/elements/define'`. Importing it twice, or
 * alongside another copy of the kit, is harmless.
 */
import { defineCpisElements } from './elements.js';

export { cpisElements, defineCpisElements } from './elements.js';

defineCpisElements();
