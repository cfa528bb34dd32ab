import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The hazard log names, for each mitigation, the test that proves it, as
 * `` `path/to/file.test.ts` — "test title" ``. A named test that does not exist is a
 * mitigation nobody proves: this suite fails on it.
 */
const root = new URL('../../', import.meta.url);
const log = readFileSync(new URL('docs/clinical-safety/hazard-log.md', root), 'utf8');
const reference = /`([^`]+\.test\.ts)` — "([^"]+)"/g;
const references = [...log.matchAll(reference)].map(([, file, title]) => ({
  file: file as string,
  title: title as string,
}));
const hazards = [...log.matchAll(/^## (H\d+)\b/gm)].map(([, id]) => id as string);

describe('clinical-safety hazard log', () => {
  it('lists every hazard of quality.md (H1–H12 at least)', () => {
    for (let n = 1; n <= 12; n++) expect(hazards).toContain(`H${n}`);
  });

  it('names at least one proving test for every hazard', () => {
    const sections = log.split(/^## /m).slice(1);
    for (const section of sections) {
      const id = section.split(/\s/)[0];
      expect([...section.matchAll(reference)].length, `${id} names no test`).toBeGreaterThan(0);
    }
  });

  it.each(references)('names a test that exists: $file — "$title"', ({ file, title }) => {
    const path = new URL(file, root);
    expect(existsSync(path), `${file} does not exist`).toBe(true);
    const source = readFileSync(path, 'utf8');
    const quoted = [`'${title}'`, `"${title}"`, `\`${title}\``].some((q) => source.includes(q));
    expect(quoted, `${file} has no test titled "${title}"`).toBe(true);
  });
});
