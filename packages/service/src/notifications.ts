/**
 * An LA's notification feed: paged (`GET …/notifications`) and live (`…/stream`,
 * Server-Sent Events). The stream subscribes before it answers, replays from the store and
 * fills any gap from the store, so a client holding the headers misses nothing and sees
 * each notification once, in order.
 */
import { allow, json, type OperationContext, type StreamRegistry } from './context.js';
import { decodeNotificationCursor } from './cursor.js';
import { Refusal } from './problem.js';
import type { FeedOrder, Notification, NotificationEvent, Storage } from './storage.js';

/** Rows read from the store at a time when a stream catches up. */
const CATCH_UP_PAGE = 500;
/** A client this far behind is disconnected; it resumes with `Last-Event-ID`. */
const MAX_UNSENT_BYTES = 1024 * 1024;

export async function listNotifications(ctx: OperationContext): Promise<Response> {
  const odsCode = ctx.params['odsCode'] as string;
  const { after, limit, order } = ctx.query as { after?: string; limit: number; order: FeedOrder };
  const afterSeq = after === undefined ? 0 : decodeNotificationCursor(after, 'after');
  allow(ctx, 'listNotifications', { authorityOdsCode: odsCode });
  const items = await ctx.store.listNotifications(odsCode, { afterSeq, limit, order });
  // Ascending: continue after the last one. Descending: the newest one is the position.
  const position = order === 'asc' ? items.at(-1) : items[0];
  return json({ items, nextCursor: position?.cursor ?? after ?? '0' });
}

export async function streamNotifications(ctx: OperationContext): Promise<Response> {
  const odsCode = ctx.params['odsCode'] as string;
  const { after } = ctx.query as { after?: string };
  const lastEventId = ctx.headers['last-event-id'];
  const resumeFrom =
    typeof lastEventId === 'string' && lastEventId !== ''
      ? decodeNotificationCursor(lastEventId, 'Last-Event-ID')
      : after !== undefined
        ? decodeNotificationCursor(after, 'after')
        : null;
  const principal = allow(ctx, 'streamNotifications', { authorityOdsCode: odsCode });
  const release = takeStreamSlot(ctx.streams, principal.sub);
  let body: ReadableStream<Uint8Array>;
  try {
    body = await openStream(
      ctx.store,
      odsCode,
      resumeFrom,
      ctx.streams,
      ctx.request.signal,
      release,
    );
  } catch (error) {
    // Not opened, so never closed: its slot is given back here.
    release();
    throw error;
  }
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store, no-transform',
      'x-accel-buffering': 'no',
    },
  });
}

/** Seconds a refused stream is told to wait: about as long as a client's reconnection. */
const STREAM_RETRY_AFTER_S = 30;

/**
 * Takes one of the user's live-stream slots, or refuses with 429 when they hold them all;
 * the returned function gives it back (once), when the stream closes or fails to open.
 */
function takeStreamSlot(registry: StreamRegistry, sub: string): () => void {
  const held = registry.perUser.get(sub) ?? 0;
  if (held >= registry.maxPerUser) {
    throw new Refusal(
      'rate-limited',
      `This user already holds ${registry.maxPerUser} live notification streams; close one, or try again later.`,
      undefined,
      { 'retry-after': String(STREAM_RETRY_AFTER_S) },
    );
  }
  registry.perUser.set(sub, held + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (registry.perUser.get(sub) ?? 1) - 1;
    if (left > 0) registry.perUser.set(sub, left);
    else registry.perUser.delete(sub);
  };
}

const encoder = new TextEncoder();

/**
 * Each published notification's event, serialised and encoded once however many streams
 * send it: the bus hands every subscriber the same object, and with 1,000 streams the
 * per-stream `JSON.stringify` and encode were most of a fan-out's time. Streams never
 * change a chunk, so they share it; an entry goes with its notification.
 */
const encodedEvents = new WeakMap<Notification, Uint8Array>();

function encodedEvent(notification: Notification): Uint8Array {
  let bytes = encodedEvents.get(notification);
  if (bytes === undefined) {
    bytes = encoder.encode(
      `event: notification\nid: ${notification.cursor}\ndata: ${JSON.stringify(notification)}\n\n`,
    );
    encodedEvents.set(notification, bytes);
  }
  return bytes;
}

/**
 * Subscribes, works out where to start, and only then resolves with the body, so nothing
 * committed after the client has the headers is missed.
 */
async function openStream(
  store: Storage,
  authority: string,
  resumeFrom: number | null,
  registry: StreamRegistry,
  signal: AbortSignal,
  onClose: () => void,
): Promise<ReadableStream<Uint8Array>> {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  let lastSeq = 0;
  const timer: { heartbeat?: ReturnType<typeof setInterval> } = {};
  // Events wait here until the stream is open; then they run one at a time, in order.
  let release!: () => void;
  let queue = new Promise<void>((resolve) => (release = resolve));

  const write = (chunk: string | Uint8Array): void => {
    if (closed) return;
    if ((controller.desiredSize ?? 0) < 0) {
      // Too far behind: end it; the client resumes with Last-Event-ID.
      handle.close();
      return;
    }
    controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
  };
  const send = (notification: Notification): void => {
    write(encodedEvent(notification));
    lastSeq = Number(notification.cursor);
  };
  const catchUp = async (): Promise<void> => {
    for (;;) {
      const page = await store.listNotifications(authority, {
        afterSeq: lastSeq,
        limit: CATCH_UP_PAGE,
        order: 'asc',
      });
      for (const notification of page) send(notification);
      if (page.length < CATCH_UP_PAGE || closed) return;
    }
  };
  const onEvent = async (event: NotificationEvent): Promise<void> => {
    if (event.seq <= lastSeq) return;
    if (event.seq === lastSeq + 1 && event.notification !== undefined) {
      send(event.notification);
      return;
    }
    // A gap (or an event without its body): the store has everything committed.
    await catchUp();
  };
  const enqueue = (work: () => Promise<void> | void): void => {
    queue = queue.then(() => (closed ? undefined : work())).catch(() => handle.close());
  };

  const handle = {
    /** Ends the stream: cleanly, or (the client went away) with `reason`. */
    close(reason?: unknown): void {
      if (closed) return;
      closed = true;
      clearInterval(timer.heartbeat);
      unsubscribe();
      signal.removeEventListener('abort', onAbort);
      registry.open.delete(handle);
      onClose();
      try {
        if (reason === undefined) controller.close();
        else controller.error(reason);
      } catch {
        // Already cancelled by the reader.
      }
    },
  };
  const onAbort = (): void => handle.close(signal.reason ?? new Error('aborted'));

  const body = new ReadableStream<Uint8Array>(
    {
      start: (c) => {
        controller = c;
      },
      cancel: () => handle.close(),
    },
    new ByteLengthQueuingStrategy({ highWaterMark: MAX_UNSENT_BYTES }),
  );
  const unsubscribe = store.subscribe(authority, (event) => enqueue(() => onEvent(event)));
  try {
    lastSeq = resumeFrom ?? (await store.latestSeq(authority));
  } catch (error) {
    closed = true;
    unsubscribe();
    release();
    throw error;
  }
  registry.open.add(handle);
  write(': connected\n\n');
  timer.heartbeat = setInterval(() => write(': keep-alive\n\n'), registry.heartbeatMs);
  (timer.heartbeat as { unref?: () => void }).unref?.();
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort);
  if (resumeFrom !== null) enqueue(catchUp);
  release();
  return body;
}
