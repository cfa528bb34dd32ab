import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCpisClient } from './client.js';
import { CpisApiError, CpisAuthError, CpisContractError } from './errors.js';
import {
  NHS_NUMBER,
  UUID,
  networkError,
  problem,
  scriptedFetch,
  type Step,
} from './fake-fetch.test-helper.js';
import {
  streamNotifications,
  withStream,
  type StreamOptions,
  type StreamedNotification,
} from './stream.js';
import type { Notification } from './types.js';

const BASE = 'https://cpis.test';

function notification(cursor: string): Notification {
  return {
    notificationId: `00000000-0000-4000-8000-${cursor.padStart(12, '0')}`,
    cursor,
    createdAt: '2025-11-25T14:02:00.000Z',
    nhsNumber: NHS_NUMBER,
    planIds: ['TH-LAC-0042'],
    accessedAt: '2025-11-25T14:02:00.000Z',
    setting: { odsCode: 'RQXM1', name: 'Homerton Emergency Department' },
    user: { name: 'A Nurse', role: 'Emergency department nurse' },
    reason: { code: 'unscheduled-attendance' },
  };
}

function event(cursor: string): string {
  return `event: notification\nid: ${cursor}\ndata: ${JSON.stringify(notification(cursor))}\n\n`;
}

/** An event-stream body the test writes to, and whether the client cancelled it. */
function liveBody() {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const state = { cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    start: (c) => {
      controller = c;
    },
    cancel: () => {
      state.cancelled = true;
    },
  });
  return {
    state,
    response: (): Response =>
      new Response(stream, { headers: { 'Content-Type': 'text/event-stream' } }),
    send: (text: string) => controller.enqueue(encoder.encode(text)),
    close: () => controller.close(),
    fail: (error: Error) => controller.error(error),
  };
}

/** A whole event stream that ends (the connection drops) after `text`. */
function endingStream(text: string): Step {
  return () => new Response(text, { headers: { 'Content-Type': 'text/event-stream' } });
}

function setup(steps: Step[]) {
  const fetch = scriptedFetch(...steps);
  let issued = 0;
  const client = createCpisClient({ baseUrl: BASE, getToken: () => `token-${++issued}`, fetch });
  return { client, calls: fetch.calls };
}

/** Reads `count` notifications, then stops the stream. */
async function take(
  iterable: AsyncIterable<StreamedNotification>,
  count: number,
  controller: AbortController,
  seen: StreamedNotification[] = [],
): Promise<StreamedNotification[]> {
  for await (const item of iterable) {
    seen.push(item);
    if (seen.length === count) controller.abort();
  }
  return seen;
}

function stream(client: ReturnType<typeof setup>['client'], opts: StreamOptions = {}) {
  const controller = new AbortController();
  return {
    controller,
    events: streamNotifications(client, '211', { signal: controller.signal, ...opts }),
  };
}

beforeEach(() => {
  vi.spyOn(Math, 'random').mockReturnValue(0); // reconnection waits of 0 ms, unless a test says otherwise
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('reading events', () => {
  it('parses notification events, also when an event is split across chunks', async () => {
    const body = liveBody();
    const { client } = setup([body.response]);
    const { controller, events } = stream(client);
    const reading = take(events, 3, controller);
    body.send(event('1') + event('2'));
    const third = event('3');
    body.send(third.slice(0, 20));
    body.send(third.slice(20));
    const seen = await reading;
    expect(seen).toEqual([notification('1'), notification('2'), notification('3')]);
  });

  it('ignores keep-alive comments and events of other types', async () => {
    const body = liveBody();
    const { client } = setup([body.response]);
    const { controller, events } = stream(client);
    const reading = take(events, 1, controller);
    body.send(': keep-alive\n\n');
    body.send('event: ping\ndata: {}\n\n');
    body.send(':\n\n');
    body.send(event('5'));
    expect(await reading).toEqual([notification('5')]);
  });

  it('the cursor is the event id', async () => {
    const { client } = setup([
      endingStream(`event: notification\nid: 12\ndata: ${JSON.stringify(notification('12'))}\n\n`),
    ]);
    const { controller, events } = stream(client);
    const [first] = await take(events, 1, controller);
    expect(first?.cursor).toBe('12');
  });

  it('opens with GET, Accept text/event-stream, the token, a request id, and `after` as the start', async () => {
    const body = liveBody();
    const { client, calls } = setup([body.response]);
    const { controller, events } = stream(client, { after: '41' });
    const reading = take(events, 1, controller);
    body.send(event('42'));
    await reading;
    const [call] = calls;
    expect(call?.method).toBe('GET');
    expect(call?.url.href).toBe(`${BASE}/v1/authorities/211/notifications/stream?after=41`);
    expect(call?.headers.get('Accept')).toBe('text/event-stream');
    expect(call?.headers.get('Authorization')).toBe('Bearer token-1');
    expect(call?.headers.get('X-Request-ID')).toMatch(UUID);
    expect(call?.headers.get('Last-Event-ID')).toBeNull();
  });

  it('with no `after`, it opens without a starting point (from now)', async () => {
    const body = liveBody();
    const { client, calls } = setup([body.response]);
    const { controller, events } = stream(client);
    const reading = take(events, 1, controller);
    body.send(event('1'));
    await reading;
    expect(calls[0]?.url.search).toBe('');
  });
});

describe('reconnecting', () => {
  it('after the connection drops, reconnects with Last-Event-ID = the last id seen and a fresh token', async () => {
    const second = liveBody();
    const { client, calls } = setup([endingStream(event('7') + event('8')), second.response]);
    const { controller, events } = stream(client, { after: '6' });
    const reading = take(events, 3, controller);
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    second.send(event('9'));
    expect((await reading).map((n) => n.cursor)).toEqual(['7', '8', '9']);
    expect(calls[1]?.headers.get('Last-Event-ID')).toBe('8');
    expect(calls[1]?.url.search).toBe('');
    expect(calls[1]?.headers.get('Authorization')).toBe('Bearer token-2');
  });

  it('after a body that fails mid-stream, reconnects from the last id seen', async () => {
    const first = liveBody();
    const second = liveBody();
    const { client, calls } = setup([first.response, second.response]);
    const { controller, events } = stream(client);
    const seen: StreamedNotification[] = [];
    const reading = take(events, 2, controller, seen);
    first.send(event('3'));
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    first.fail(new TypeError('terminated'));
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    second.send(event('4'));
    expect((await reading).map((n) => n.cursor)).toEqual(['3', '4']);
    expect(calls[1]?.headers.get('Last-Event-ID')).toBe('3');
  });

  it('a failed connect is retried, starting from `after` by Last-Event-ID', async () => {
    const body = liveBody();
    const { client, calls } = setup([networkError(), body.response]);
    const { controller, events } = stream(client, { after: '5' });
    const reading = take(events, 1, controller);
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    body.send(event('6'));
    await reading;
    expect(calls[1]?.headers.get('Last-Event-ID')).toBe('5');
  });

  it.each([429, 500, 502, 503, 504])('a %i answer is retried', async (status) => {
    const body = liveBody();
    const { client, calls } = setup([problem(status, 'unavailable'), body.response]);
    const { controller, events } = stream(client);
    const reading = take(events, 1, controller);
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    body.send(event('1'));
    expect(await reading).toHaveLength(1);
  });

  it('a connection silent for longer than idleTimeoutMs is dropped and reopened', async () => {
    const silent = liveBody();
    const second = liveBody();
    const { client, calls } = setup([silent.response, second.response]);
    const { controller, events } = stream(client, { idleTimeoutMs: 30 });
    const reading = take(events, 1, controller);
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    expect(silent.state.cancelled).toBe(true);
    second.send(event('1'));
    expect(await reading).toHaveLength(1);
  });

  it('waits grow exponentially up to maxMs, each a random part of its cap (full jitter)', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.5); // each wait is half its cap
    const { client, calls } = setup([networkError()]);
    const { controller, events } = stream(client, { backoff: { initialMs: 100, maxMs: 400 } });
    const done = take(events, 1, controller);
    const connectionsAt = async (ms: number): Promise<number> => {
      await vi.advanceTimersByTimeAsync(ms);
      return calls.length;
    };
    expect(await connectionsAt(0)).toBe(1);
    expect(await connectionsAt(49)).toBe(1); // cap 100
    expect(await connectionsAt(1)).toBe(2);
    expect(await connectionsAt(99)).toBe(2); // cap 200
    expect(await connectionsAt(1)).toBe(3);
    expect(await connectionsAt(199)).toBe(3); // cap 400
    expect(await connectionsAt(1)).toBe(4);
    expect(await connectionsAt(199)).toBe(4); // cap stays at maxMs
    expect(await connectionsAt(1)).toBe(5);
    controller.abort();
    await done;
  });
});

describe('ending', () => {
  it.each([401, 403])(
    'a %i ends the iteration with a CpisApiError and no reconnection',
    async (status) => {
      const { client, calls } = setup([
        problem(status, status === 401 ? 'unauthenticated' : 'forbidden'),
      ]);
      const error = (await take(stream(client).events, 1, new AbortController()).catch(
        (e: unknown) => e,
      )) as CpisApiError;
      expect(error).toBeInstanceOf(CpisApiError);
      expect(error.status).toBe(status);
      expect(error.problem?.status).toBe(status);
      expect(calls).toHaveLength(1);
    },
  );

  it('another 4xx (400, 404) ends it too: retrying cannot help', async () => {
    const { client, calls } = setup([problem(404, 'not-found')]);
    await expect(take(stream(client).events, 1, new AbortController())).rejects.toMatchObject({
      status: 404,
    });
    expect(calls).toHaveLength(1);
  });

  it('an abort while waiting for events ends the iteration without an error and cancels the body', async () => {
    const body = liveBody();
    const { client, calls } = setup([body.response]);
    const { controller, events } = stream(client);
    const reading = take(events, 99, controller);
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    controller.abort();
    await expect(reading).resolves.toEqual([]);
    expect(body.state.cancelled).toBe(true);
  });

  it('an abort while waiting to reconnect ends the iteration at once', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const { client, calls } = setup([networkError()]);
    const { controller, events } = stream(client, { backoff: { initialMs: 60_000 } });
    const reading = take(events, 1, controller);
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    controller.abort();
    await expect(reading).resolves.toEqual([]);
    expect(calls).toHaveLength(1);
  });

  it('an abort while connecting ends the iteration, even with a fetch that ignores its signal', async () => {
    const { client } = setup([() => new Promise<Response>(() => {})]);
    const { controller, events } = stream(client);
    const reading = take(events, 1, controller);
    setTimeout(() => controller.abort(), 10);
    await expect(reading).resolves.toEqual([]);
  });

  it('a signal already aborted opens nothing', async () => {
    const { client, calls } = setup([liveBody().response]);
    const events = streamNotifications(client, '211', { signal: AbortSignal.abort() });
    await expect(take(events, 1, new AbortController())).resolves.toEqual([]);
    expect(calls).toHaveLength(0);
  });

  it('breaking out of the loop closes the connection', async () => {
    const body = liveBody();
    const { client } = setup([body.response]);
    const events = streamNotifications(client, '211');
    body.send(event('1'));
    for await (const _ of events) break;
    expect(body.state.cancelled).toBe(true);
  });

  it('a 200 that is not an event stream ends it with a CpisContractError', async () => {
    const html = () => new Response('<html>', { headers: { 'Content-Type': 'text/html' } });
    const { client, calls } = setup([html]);
    await expect(take(stream(client).events, 1, new AbortController())).rejects.toBeInstanceOf(
      CpisContractError,
    );
    expect(calls).toHaveLength(1);
  });

  it('an event whose data is not a Notification ends it with a CpisContractError', async () => {
    const { client } = setup([endingStream('event: notification\nid: 1\ndata: {not json\n\n')]);
    await expect(take(stream(client).events, 1, new AbortController())).rejects.toBeInstanceOf(
      CpisContractError,
    );
  });

  it('a getToken that fails ends it with a CpisAuthError whose cause is the host’s error', async () => {
    const signedOut = new Error('no session');
    const client = createCpisClient({
      baseUrl: BASE,
      getToken: () => Promise.reject(signedOut),
      fetch: scriptedFetch(),
    });
    const error = await take(streamNotifications(client, '211'), 1, new AbortController()).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CpisAuthError);
    expect((error as CpisAuthError).cause).toBe(signedOut);
  });
});

describe('withStream', () => {
  it('adds notifications.stream and keeps every other call', async () => {
    const body = liveBody();
    const { client } = setup([body.response]);
    const streaming = withStream(client);
    expect(streaming.notifications.list).toBe(client.notifications.list);
    expect(streaming.checks).toBe(client.checks);
    expect(streaming.raw).toBe(client.raw);
    const controller = new AbortController();
    const reading = take(
      streaming.notifications.stream('211', { signal: controller.signal }),
      1,
      controller,
    );
    body.send(event('1'));
    expect(await reading).toEqual([notification('1')]);
  });

  it('the client it returns can be given to streamNotifications too', async () => {
    const { client } = setup([endingStream(event('1'))]);
    const controller = new AbortController();
    const events = streamNotifications(withStream(client), '211', { signal: controller.signal });
    expect(await take(events, 1, controller)).toHaveLength(1);
  });

  it('streamNotifications refuses an object that is not a client', async () => {
    const fake = { notifications: {} } as unknown as Parameters<typeof streamNotifications>[0];
    await expect(streamNotifications(fake, '211').next()).rejects.toBeInstanceOf(TypeError);
  });
});
