/**
 * Fan-out of committed notifications to the live streams of this process.
 *
 * An event says only "authority A has a notification at cursor N" and may carry the
 * notification itself. Streams never trust the bus for completeness: they de-duplicate by
 * cursor and fill any gap from the store, so the bus may drop, repeat or reorder events
 * without a notification being lost. That is what lets the PostgreSQL engine's
 * `LISTEN/NOTIFY` feeder (`store/postgres-listener.ts`: events from every instance, payload
 * = authority and cursor only) replace the in-process publisher without changing the streams.
 */
import type { components } from '@cpis/domain';

export type Notification = components['schemas']['Notification'];

export interface NotificationEvent {
  authority: string;
  /** The cursor, or `RESYNC_SEQ`: "something may have been committed that you were not told of". */
  seq: number;
  /** Present when the publisher had it to hand; otherwise the stream reads it from the store. */
  notification?: Notification;
}

/**
 * The cursor of an event that stands for "read the store": above every real cursor and never
 * the next one, so a stream that gets it catches up from the store. A feeder that lost its
 * connection (and so perhaps some events) publishes it for every subscribed authority.
 */
export const RESYNC_SEQ = Number.POSITIVE_INFINITY;

export type NotificationListener = (event: NotificationEvent) => void;

export interface NotifyBus {
  /** Delivers committed events to this process's subscribers of each authority. */
  publish(events: readonly NotificationEvent[]): void;
  /** Returns the function that unsubscribes. The listener is live when this returns. */
  subscribe(authority: string, listener: NotificationListener): () => void;
  subscriberCount(authority?: string): number;
  close(): void;
}

export class InProcessNotifyBus implements NotifyBus {
  readonly #listeners = new Map<string, Set<NotificationListener>>();

  publish(events: readonly NotificationEvent[]): void {
    for (const event of events) {
      const listeners = this.#listeners.get(event.authority);
      if (listeners === undefined) continue;
      // A copy: a listener may unsubscribe itself while being called.
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch {
          // One broken stream must not stop delivery to the others.
        }
      }
    }
  }

  subscribe(authority: string, listener: NotificationListener): () => void {
    let listeners = this.#listeners.get(authority);
    if (listeners === undefined) {
      listeners = new Set();
      this.#listeners.set(authority, listeners);
    }
    listeners.add(listener);
    return () => {
      const current = this.#listeners.get(authority);
      if (current === undefined) return;
      current.delete(listener);
      if (current.size === 0) this.#listeners.delete(authority);
    };
  }

  /** The authorities that have at least one subscriber in this process. */
  authorities(): string[] {
    return [...this.#listeners.keys()];
  }

  subscriberCount(authority?: string): number {
    if (authority !== undefined) return this.#listeners.get(authority)?.size ?? 0;
    let total = 0;
    for (const listeners of this.#listeners.values()) total += listeners.size;
    return total;
  }

  close(): void {
    this.#listeners.clear();
  }
}
