import { personas } from '@cpis/mock/fixtures';
import type { components } from '@cpis/domain';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertContract,
  bearer,
  createTestServer,
  itLogsNoPersonalData,
  principalClaims,
  type TestServer,
} from '../testing/harness.js';
import { forEachEngine } from '../testing/engines.js';

type Notification = components['schemas']['Notification'];
type NotificationPage = components['schemas']['NotificationPage'];

const TH = '211';
let s: TestServer;
let base: string;
let la: Record<string, string>;

/** Unscheduled checks by distinct users, so each notifies Tower Hamlets once. */
let users = 0;
async function notifyTowerHamlets(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const token = await s.token({ ...principalClaims('edNurse'), sub: `nurse-${users++}` });
    const response = await s.inject({
      method: 'POST',
      url: '/v1/checks',
      headers: bearer(token),
      payload: {
        nhsNumber: personas.lookedAfterOutOfArea.nhsNumber,
        nhsNumberVerified: true,
        accessContext: 'unscheduled',
        reason: { code: 'other', comment: 'Brought in by ambulance' },
      },
    });
    expect(response.json()).toMatchObject({ notifiedAuthorities: [TH] });
  }
}

const list = async (query = '', headers = la) => {
  const response = await s.inject({
    method: 'GET',
    url: `/v1/authorities/${TH}/notifications${query}`,
    headers,
  });
  return response;
};

// The same suite on each engine (SQLite, and PostgreSQL when it is reachable).
forEachEngine(() => {
  beforeAll(async () => {
    s = await createTestServer({ streamHeartbeatMs: 100 });
    base = await s.app.listen({ port: 0, host: '127.0.0.1' });
    la = bearer(await s.token(principalClaims('towerHamletsSocialWorker')));
  });
  afterAll(async () => {
    await s.close();
  });

  describe('GET /v1/authorities/{odsCode}/notifications', () => {
    it('starts an empty feed at cursor "0"', async () => {
      expect((await list()).json()).toEqual({ items: [], nextCursor: '0' });
    });

    it('lists oldest first after a cursor, each with its own cursor, and continues from nextCursor', async () => {
      await notifyTowerHamlets(5);
      const first = (await list('?limit=2')).json<NotificationPage>();
      expect(first.items.map((n) => n.cursor)).toEqual(['1', '2']);
      expect(first.nextCursor).toBe('2');
      const item = first.items[0] as Notification;
      expect(item).toMatchObject({
        nhsNumber: personas.lookedAfterOutOfArea.nhsNumber,
        planIds: ['TH-LAC-0042'],
        setting: { odsCode: 'RQXM1', name: 'Homerton Emergency Department' },
        user: { name: 'Priya Shah', role: 'Emergency department nurse' },
        reason: { code: 'other', comment: 'Brought in by ambulance' },
      });
      expect(item.accessedAt).toBe(item.createdAt);
      const rest = (await list(`?after=${first.nextCursor}`)).json<NotificationPage>();
      expect(rest.items.map((n) => n.cursor)).toEqual(['3', '4', '5']);
      const end = (await list(`?after=${rest.nextCursor}`)).json<NotificationPage>();
      expect(end).toEqual({ items: [], nextCursor: '5' });
    });

    it('gives the newest first with order=desc, nextCursor at the newest', async () => {
      const page = (await list('?order=desc&limit=2')).json<NotificationPage>();
      expect(page.items.map((n) => n.cursor)).toEqual(['5', '4']);
      expect(page.nextCursor).toBe('5');
    });

    it.each([['?after=abc'], ['?after=01'], ['?after=-1'], ['?order=newest'], ['?limit=501']])(
      'refuses %s with 400',
      async (query) => {
        expect((await list(query)).statusCode).toBe(400);
      },
    );

    it('refuses another LA and clinicians (403)', async () => {
      const other = bearer(await s.token(principalClaims('sheffieldSocialWorker')));
      const clinician = bearer(await s.token(principalClaims('edNurse')));
      expect((await list('', other)).statusCode).toBe(403);
      expect((await list('', clinician)).statusCode).toBe(403);
    });
  });

  interface SseEvent {
    event?: string;
    id?: string;
    data?: string;
    comment?: string;
  }

  /** Opens the stream over real HTTP and parses Server-Sent Events as they arrive. */
  async function openStream(query = '', headers: Record<string, string> = la) {
    const controller = new AbortController();
    const response = await fetch(`${base}/v1/authorities/${TH}/notifications/stream${query}`, {
      headers,
      signal: controller.signal,
    });
    assertContract({
      method: 'GET',
      url: `/v1/authorities/${TH}/notifications/stream${query}`,
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: response.headers.get('content-type')?.startsWith('text/event-stream')
        ? ''
        : await response.clone().text(),
    });
    const events: SseEvent[] = [];
    let buffer = '';
    const reading = (async () => {
      if (response.body === null || response.status !== 200) return;
      const decoder = new TextDecoder();
      const reader = response.body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event: SseEvent = {};
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) event.comment = line.slice(1).trim();
              else {
                const colon = line.indexOf(':');
                const field = line.slice(0, colon) as 'event' | 'id' | 'data';
                event[field] = line.slice(colon + 1).trimStart();
              }
            }
            events.push(event);
          }
        }
      } catch {
        // aborted
      }
    })();
    const notifications = () =>
      events
        .filter((e) => e.event === 'notification')
        .map((e) => {
          const n = JSON.parse(e.data ?? '{}') as Notification;
          expect(e.id).toBe(n.cursor);
          assertContract({
            method: 'GET',
            url: `/v1/authorities/${TH}/notifications`,
            status: 200,
            headers: {
              'content-type': 'application/json',
              'cache-control': response.headers.get('cache-control') ?? '',
              'x-request-id': response.headers.get('x-request-id') ?? '',
            },
            body: JSON.stringify({ items: [n], nextCursor: n.cursor }),
          });
          return n;
        });
    const waitFor = async (predicate: () => boolean, what: string) => {
      const deadline = Date.now() + 5000;
      while (!predicate()) {
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${what}; events: ${JSON.stringify(events)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    return {
      response,
      events,
      notifications,
      waitFor,
      async close() {
        controller.abort();
        await reading;
      },
      ended: reading,
    };
  }

  describe('GET /v1/authorities/{odsCode}/notifications/stream', () => {
    it('streams new notifications live from now, with the cursor as the event id', async () => {
      const stream = await openStream();
      expect(stream.response.status).toBe(200);
      expect(stream.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(stream.response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(stream.response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(stream.response.headers.get('cache-control')).toBe('no-store, no-transform');
      await notifyTowerHamlets(2);
      await stream.waitFor(() => stream.notifications().length === 2, 'two notifications');
      expect(stream.notifications().map((n) => n.cursor)).toEqual(['6', '7']);
      await stream.close();
    });

    it('resumes after Last-Event-ID (or after=), each notification once and in order', async () => {
      const byHeader = await openStream('', { ...la, 'last-event-id': '3' });
      const byQuery = await openStream('?after=5');
      await notifyTowerHamlets(1);
      await byHeader.waitFor(() => byHeader.notifications().length === 5, 'replay and live');
      await byQuery.waitFor(() => byQuery.notifications().length === 3, 'replay and live');
      expect(byHeader.notifications().map((n) => n.cursor)).toEqual(['4', '5', '6', '7', '8']);
      expect(byQuery.notifications().map((n) => n.cursor)).toEqual(['6', '7', '8']);
      await byHeader.close();
      await byQuery.close();
    });

    it('fills a gap from the store when the bus skips or carries no body', async () => {
      const stream = await openStream('?after=8');
      await notifyTowerHamlets(1);
      await stream.waitFor(() => stream.notifications().length === 1, 'notification 9');
      // Simulate another instance's event that arrived without its body, past a missed one.
      const store = s.app.cpis.store;
      await notifyTowerHamlets(2);
      await stream.waitFor(() => stream.notifications().length === 3, 'notifications 10 and 11');
      store.engine.bus.publish([
        { authority: TH, seq: 11 },
        { authority: TH, seq: 9 },
      ]);
      await new Promise((r) => setTimeout(r, 100));
      expect(stream.notifications().map((n) => n.cursor)).toEqual(['9', '10', '11']);
      await stream.close();
    });

    it('sends a keep-alive comment on the heartbeat', async () => {
      const stream = await openStream();
      await stream.waitFor(
        () => stream.events.some((e) => e.comment === 'keep-alive'),
        'a keep-alive',
      );
      await stream.close();
    });

    it('unsubscribes when the client goes away', async () => {
      const bus = s.app.cpis.store.engine.bus;
      const settled = async (n: number) => {
        const deadline = Date.now() + 2000;
        while (bus.subscriberCount(TH) !== n && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 10));
        return bus.subscriberCount(TH);
      };
      expect(await settled(0)).toBe(0);
      const stream = await openStream();
      expect(bus.subscriberCount(TH)).toBe(1);
      await stream.close();
      expect(await settled(0)).toBe(0);
    });

    it('answers 401, 403 and 400 as problems, not streams', async () => {
      expect((await openStream('', {})).response.status).toBe(401);
      const other = bearer(await s.token(principalClaims('sheffieldSocialWorker')));
      expect((await openStream('', other)).response.status).toBe(403);
      expect((await openStream('?after=x')).response.status).toBe(400);
      expect((await openStream('', { ...la, 'last-event-id': 'nope' })).response.status).toBe(400);
    });
  });

  describe('the cap on live streams per user', () => {
    it('refuses a user the 11th live stream with 429 problem+json and Retry-After; closing one frees its slot', async () => {
      const streams = [];
      for (let i = 0; i < 10; i++) {
        const stream = await openStream();
        expect(stream.response.status).toBe(200);
        streams.push(stream);
      }
      const refused = await openStream();
      expect(refused.response.status).toBe(429);
      expect(refused.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(refused.response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.response.json()).toMatchObject({
        type: 'urn:cpis:problem:rate-limited',
      });
      // Another user of the same LA has slots of their own.
      const colleague = bearer(
        await s.token({ ...principalClaims('towerHamletsSocialWorker'), sub: 'th-colleague' }),
      );
      const theirs = await openStream('', colleague);
      expect(theirs.response.status).toBe(200);
      await theirs.close();
      // Closing one stream gives its slot back (once the server has seen the close).
      await streams.pop()?.close();
      let again = await openStream();
      for (let tries = 0; again.response.status === 429 && tries < 100; tries++) {
        await new Promise((r) => setTimeout(r, 20));
        again = await openStream();
      }
      expect(again.response.status).toBe(200);
      streams.push(again);
      for (const stream of streams) await stream.close();
    });
  });

  describe('closing the server', () => {
    it('ends open streams cleanly', async () => {
      const own = await createTestServer();
      const address = await own.app.listen({ port: 0, host: '127.0.0.1' });
      const token = bearer(await own.token(principalClaims('towerHamletsSocialWorker')));
      const response = await fetch(`${address}/v1/authorities/${TH}/notifications/stream`, {
        headers: token,
      });
      expect(response.status).toBe(200);
      const text = response.text();
      await own.close();
      await expect(text).resolves.toContain(': connected');
    });

    it('closes at once after a client aborted its stream, whatever connection it opened next', async () => {
      const own = await createTestServer();
      const address = await own.app.listen({ port: 0, host: '127.0.0.1' });
      const token = bearer(await own.token(principalClaims('towerHamletsSocialWorker')));
      const aborted = new AbortController();
      const response = await fetch(`${address}/v1/authorities/${TH}/notifications/stream`, {
        headers: token,
        signal: aborted.signal,
      });
      await response.body?.getReader().read();
      aborted.abort();
      // An idle connection with no request on it: what fetch leaves behind after an abort.
      const idle = connect(Number(new URL(address).port), '127.0.0.1');
      await new Promise((resolve) => idle.once('connect', resolve));
      const started = Date.now();
      await own.close();
      expect(Date.now() - started).toBeLessThan(1000);
      idle.destroy();
    });
  });
});

itLogsNoPersonalData();
