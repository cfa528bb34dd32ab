import { describe, expect, it } from 'vitest';
import { CsvBodyGuard, JsonBodyGuard } from './body-guard.js';

/** Runs `text` through `guard` in chunks of `size` bytes: what came out, or the refusal. */
async function through(guard: JsonBodyGuard | CsvBodyGuard, text: string, size = 7) {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) {
    const refusal = guard.scan(bytes.subarray(i, i + size));
    if (refusal !== undefined) return refusal.kind;
  }
  return 'passed';
}

describe('JsonBodyGuard', () => {
  it('passes a body unchanged, counting only top-level items outside strings', async () => {
    const rows = '[{"planId":"a,b]["},{"c":"\\"],"}, {"d":[1,2,3]} ]';
    expect(await through(new JsonBodyGuard(32, 3), rows)).toBe('passed');
    expect(await through(new JsonBodyGuard(32, 2), rows)).toBe('payload-too-large');
    expect(await through(new JsonBodyGuard(32, 0), '[ ]')).toBe('passed');
    expect(await through(new JsonBodyGuard(32, 1), '{"a":1,"b":2}')).toBe('passed');
  });

  it('refuses nesting one level deeper than allowed, whatever the chunking', async () => {
    expect(await through(new JsonBodyGuard(3), '[[[1]]]', 1)).toBe('passed');
    expect(await through(new JsonBodyGuard(3), '[[[[1]]]]', 1)).toBe('invalid-request');
    expect(await through(new JsonBodyGuard(3), '["[[[[[["]')).toBe('passed');
  });
});

describe('CsvBodyGuard', () => {
  it('counts lines outside quoted cells: the header and at most maxRows rows', async () => {
    const csv = 'planId,note\nA,"x\ny\nz"\nB,c\n';
    expect(await through(new CsvBodyGuard(2), csv)).toBe('passed');
    expect(await through(new CsvBodyGuard(1), csv)).toBe('payload-too-large');
  });
});
