import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { jitteredBackoff, sleep, untilAborted } from './abortable.js';
import type { CpisClient } from './client.js';
import { attachConfig, configOf, type ClientConfig } from './config.js';
import { CpisContractError, toApiError, tokenFrom } from './errors.js';
import type { Notification } from './types.js';

export interface StreamOptions {
  /** Start after this cursor (a `nextCursor`, or an earlier event's `cursor`); else from now. */
  after?: string;
  /** Aborting ends the iteration: the `for await` loop simply finishes. */
  signal?: AbortSignal;
  /** Reconnection waits: full jitter up to `initialMs · 2ⁿ`, capped at `maxMs`. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** A connection silent this long is treated as dropped (the server comments every 15 s). Default 45000. */
  idleTimeoutMs?: number;
}

export type StreamedNotification = Notification & { cursor: string };

export type CpisStreamClient = CpisClient & {
  notifications: CpisClient['notifications'] & {
    stream(odsCode: string, opts?: StreamOptions): AsyncIterable<StreamedNotification>;
  };
};

const noop = (): void => {};

/**
 * An authority's notifications, live, over `fetch` (the browser's `EventSource` cannot send
 * a bearer token). A dropped or silent connection is reopened with `Last-Event-ID` set to the
 * last cursor seen, after a jittered exponential wait, with a fresh token each time; so
 * nothing is missed (delivery is at least once). An answer that cannot get better by
 * retrying (401, 403, another 4xx, or a body that is not an event stream) ends the
 * iteration with its error.
 */
export async function* streamNotifications(
  client: CpisClient,
  odsCode: string,
  opts: StreamOptions = {},
): AsyncGenerator<StreamedNotification, void, undefined> {
  const config = configOf(client);
  const { initialMs = 1000, maxMs = 30_000 } = opts.backoff ?? {};
  const idleTimeoutMs = opts.idleTimeoutMs ?? 45_000;
  const life = new AbortController();
  const end = (): void => life.abort();
  opts.signal?.addEventListener('abort', end);
  if (opts.signal?.aborted) end();

  let cursor = opts.after;
  let failures = 0;
  try {
    for (let connection = 0; !life.signal.aborted; connection++) {
      const current = new AbortController();
      const drop = (): void => current.abort();
      life.signal.addEventListener('abort', drop);
      try {
        // Opening counts as silence too: a connect that hangs is dropped and retried.
        const silent = setTimeout(drop, idleTimeoutMs);
        const response = await untilAborted(
          open(config, odsCode, cursor, connection > 0, current.signal),
          current.signal,
        )
          .catch((error: unknown) => {
            if (current.signal.aborted) return undefined; // ended, or silent: the loop decides
            throw error;
          })
          .finally(() => clearTimeout(silent));
        if (response?.body) {
          for await (const event of readEvents(response.body, current, idleTimeoutMs)) {
            if (event.event !== 'notification') continue;
            const notification = toNotification(event);
            cursor = notification.cursor;
            failures = 0;
            yield notification;
          }
        }
      } finally {
        life.signal.removeEventListener('abort', drop);
        current.abort();
      }
      await sleep(jitteredBackoff(failures++, initialMs, maxMs), life.signal).catch(noop);
    }
  } finally {
    opts.signal?.removeEventListener('abort', end);
    life.abort();
  }
}

/** The client with `notifications.stream()` added. */
export function withStream(client: CpisClient): CpisStreamClient {
  const streaming = {
    ...client,
    notifications: {
      ...client.notifications,
      stream: (odsCode: string, opts?: StreamOptions) => streamNotifications(client, odsCode, opts),
    },
  };
  return attachConfig(streaming, configOf(client));
}

/** The open stream, or `undefined` when a retry may help (no answer, 429, 5xx). */
async function open(
  config: ClientConfig,
  odsCode: string,
  cursor: string | undefined,
  reconnecting: boolean,
  signal: AbortSignal,
): Promise<Response | undefined> {
  const headers = new Headers({
    Accept: 'text/event-stream',
    Authorization: `Bearer ${await tokenFrom(config.getToken)}`,
    'X-Request-ID': crypto.randomUUID(),
  });
  let query = '';
  if (cursor && reconnecting) headers.set('Last-Event-ID', cursor);
  else if (cursor) query = `?after=${encodeURIComponent(cursor)}`;
  const url = `${config.baseUrl.replace(/\/$/, '')}/v1/authorities/${encodeURIComponent(odsCode)}/notifications/stream${query}`;

  let response: Response;
  try {
    response = await config.fetch(new Request(url, { headers, signal }));
  } catch {
    return undefined;
  }
  if (response.ok && /^text\/event-stream/i.test(response.headers.get('Content-Type') ?? ''))
    return response;
  if (response.ok) {
    void response.body?.cancel().catch(noop);
    throw new CpisContractError('the notification stream is not text/event-stream');
  }
  if (response.status === 429 || response.status >= 500) {
    void response.body?.cancel().catch(noop);
    return undefined;
  }
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  throw toApiError(response, body);
}

/** Parsed events until the body ends, fails, or is silent for `idleTimeoutMs`. */
async function* readEvents(
  body: ReadableStream<Uint8Array>,
  connection: AbortController,
  idleTimeoutMs: number,
): AsyncGenerator<EventSourceMessage, void, undefined> {
  const reader = body.getReader();
  const cancel = (): void => void reader.cancel().catch(noop);
  connection.signal.addEventListener('abort', cancel);
  const decoder = new TextDecoder();
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  try {
    for (;;) {
      const idle = setTimeout(() => connection.abort(), idleTimeoutMs);
      const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      clearTimeout(idle);
      if (chunk.done) return;
      parser.feed(decoder.decode(chunk.value, { stream: true }));
      yield* events.splice(0);
    }
  } finally {
    connection.signal.removeEventListener('abort', cancel);
    cancel();
  }
}

function toNotification(event: EventSourceMessage): StreamedNotification {
  let notification: Partial<Notification> | null = null;
  try {
    notification = JSON.parse(event.data) as Partial<Notification> | null;
  } catch {
    // refused below
  }
  const cursor = event.id || notification?.cursor;
  if (typeof notification?.notificationId !== 'string' || !cursor) {
    throw new CpisContractError('a stream event is not a Notification with a cursor');
  }
  return { ...(notification as Notification), cursor };
}
