import { describe, expect, it } from 'vitest';
import { MemoryStore } from './memory-store.js';
import { createService } from './service.js';
import { hs256Tokens } from './tokens.js';

const now = () => new Date('2025-11-25T14:02:00.000Z');
const tokens = hs256Tokens({
  secret: 'a-test-secret-of-enough-length!!',
  issuer: 'i',
  audience: 'a',
  now,
});
const core = createService({ store: new MemoryStore(), verifyToken: tokens.verify, now });
const clinician = () =>
  tokens.sign({
    name: 'Priya Shah',
    orgType: 'health',
    odsCode: 'RQXM1',
    orgName: 'Homerton',
    role: 'Nurse',
    activities: ['B0107'],
  });

describe('the service core', () => {
  it('refuses a streamed body once it passes the limit (413), without reading the rest', async () => {
    const { token } = await clinician();
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        if (pulled > 1000) controller.close();
        else controller.enqueue(new Uint8Array(10 * 1024).fill(0x20));
      },
    });
    const response = await core.handle(
      new Request('http://cpis.test/v1/checks', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
        duplex: 'half',
      } as RequestInit),
    );
    expect(response.status).toBe(413);
    expect(pulled).toBeLessThan(20);
  });

  it('answers HEAD as GET without a body, and 405 with Allow', async () => {
    const head = await core.handle(new Request('http://cpis.test/v1/health', { method: 'HEAD' }));
    expect([head.status, await head.text()]).toEqual([200, '']);
    const wrong = await core.handle(new Request('http://cpis.test/v1/health', { method: 'POST' }));
    expect([wrong.status, wrong.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('reads no body before the token: a bad token is 401 whatever the body', async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulled += 1;
          controller.enqueue(new TextEncoder().encode('{'));
          controller.close();
        },
      },
      { highWaterMark: 0 },
    );
    const response = await core.handle(
      new Request('http://cpis.test/v1/checks', {
        method: 'POST',
        headers: { authorization: 'Bearer nope', 'content-type': 'application/json' },
        body,
        duplex: 'half',
      } as RequestInit),
    );
    expect(response.status).toBe(401);
    expect(pulled).toBe(0);
  });
});
