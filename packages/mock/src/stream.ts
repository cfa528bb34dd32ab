import type { components } from '@cpis/domain';

type Notification = components['schemas']['Notification'];

/** One live reader of an authority's feed. */
export interface Subscriber {
  push(notification: Notification): void;
  close(): void;
}

export interface EventStreamOptions {
  /** Notifications already due to this reader (after its `Last-Event-ID`), oldest first. */
  backlog: readonly Notification[];
  /** Registers the reader for new notifications; returns how to unregister it. */
  subscribe(subscriber: Subscriber): () => void;
  /** The request's signal: the stream ends when the client goes away. */
  signal: AbortSignal;
  /** How often a comment line keeps the connection open. */
  keepAliveMs: number;
}

const encoder = new TextEncoder();

export function notificationEvent(notification: Notification): string {
  return `event: notification\nid: ${notification.cursor}\ndata: ${JSON.stringify(notification)}\n\n`;
}

/**
 * The Server-Sent Events body of `GET …/notifications/stream`. The reader is subscribed
 * before this returns, so by the time the response (and its headers) reaches the client,
 * nothing that happens afterwards can be missed.
 */
export function notificationEventStream(options: EventStreamOptions): ReadableStream<Uint8Array> {
  let stop = (): void => undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const send = (chunk: string): void => {
        if (open) controller.enqueue(encoder.encode(chunk));
      };
      const keepAlive = setInterval(() => send(': keep-alive\n\n'), options.keepAliveMs);
      const finish = (end: () => void): void => {
        if (!open) return;
        stop();
        end();
      };
      const onAbort = (): void => finish(() => controller.error(options.signal.reason));
      const unsubscribe = options.subscribe({
        push: (notification) => send(notificationEvent(notification)),
        close: () => finish(() => controller.close()),
      });
      stop = () => {
        open = false;
        clearInterval(keepAlive);
        unsubscribe();
        options.signal.removeEventListener('abort', onAbort);
      };
      for (const notification of options.backlog) send(notificationEvent(notification));
      if (options.signal.aborted) onAbort();
      else options.signal.addEventListener('abort', onAbort);
    },
    cancel() {
      stop();
    },
  });
}
