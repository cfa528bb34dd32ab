/**
 * An LA's notification feed: paged (`GET …/notifications`) and live (`…/stream`, SSE).
 * The cursor is the per-authority sequence number as a decimal string. The stream
 * subscribes before it answers, replays from the store, and fills any gap from the store,
 * so a client holding the headers misses nothing and sees each notification once, in order.
 */
import type { components } from '@cpis/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { NotificationEvent } from '../notify-bus.js';
import { ProblemError } from '../problem.js';
import type { Notification } from '../store/store.js';
import { authorizeOrThrow, principalOf, type RouteContext } from './context.js';

type NotificationPage = components['schemas']['NotificationPage'];

/** Rows read from the store at a time when a stream catches up. */
const CATCH_UP_PAGE = 500;
/** A client this far behind is disconnected; it resumes with `Last-Event-ID`. */
const MAX_UNSENT_BYTES = 1024 * 1024;

export async function listNotifications(
  ctx: RouteContext,
  request: FastifyRequest,
): Promise<NotificationPage> {
  const principal = principalOf(request);
  const { odsCode } = request.params as { odsCode: string };
  const { after, limit, order } = request.query as {
    after?: string;
    limit: number;
    order: 'asc' | 'desc';
  };
  const afterSeq = after === undefined ? 0 : decodeSeq(after, 'after');
  authorizeOrThrow('listNotifications', principal, { authorityOdsCode: odsCode });
  const items = await ctx.store.listNotifications(ctx.store.db, odsCode, {
    afterSeq,
    limit,
    order,
  });
  // Ascending: continue after the last one. Descending: the newest one is the position.
  const position = order === 'asc' ? items.at(-1) : items[0];
  return { items, nextCursor: position?.cursor ?? after ?? '0' };
}

export async function streamNotifications(
  ctx: RouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const principal = principalOf(request);
  const { odsCode } = request.params as { odsCode: string };
  const { after } = request.query as { after?: string };
  const lastEventId = request.headers['last-event-id'];
  const resumeFrom =
    typeof lastEventId === 'string' && lastEventId !== ''
      ? decodeSeq(lastEventId, 'Last-Event-ID')
      : after !== undefined
        ? decodeSeq(after, 'after')
        : null;
  authorizeOrThrow('streamNotifications', principal, { authorityOdsCode: odsCode });

  const releaseSlot = takeStreamSlot(ctx, principal.sub);
  const stream = new LiveStream(ctx, odsCode, reply.raw, ctx.config.streamHeartbeatMs);
  stream.onClose(releaseSlot);
  try {
    await stream.open(resumeFrom, () => {
      reply.hijack();
      return {
        ...reply.getHeaders(),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      };
    });
  } catch (error) {
    // Not opened, so never closed: its slot is given back here.
    releaseSlot();
    throw error;
  }
  ctx.streams.add(stream);
  stream.onClose(() => ctx.streams.delete(stream));
}

/** Seconds a refused stream is told to wait: about as long as a client's reconnection. */
const STREAM_RETRY_AFTER_S = 30;

/**
 * Takes one of the user's live-stream slots, or refuses with 429 when they hold them all;
 * the returned function gives it back (once), when the stream closes or fails to open.
 */
function takeStreamSlot(ctx: RouteContext, sub: string): () => void {
  const held = ctx.streamsPerUser.get(sub) ?? 0;
  const cap = ctx.config.maxStreamsPerUser;
  if (held >= cap) {
    throw new ProblemError(
      'rate-limited',
      `This user already holds ${cap} live notification streams; close one, or try again later.`,
      undefined,
      { 'retry-after': String(STREAM_RETRY_AFTER_S) },
    );
  }
  ctx.streamsPerUser.set(sub, held + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (ctx.streamsPerUser.get(sub) ?? 1) - 1;
    if (left > 0) ctx.streamsPerUser.set(sub, left);
    else ctx.streamsPerUser.delete(sub);
  };
}

/** A cursor this feed gave out: a decimal sequence number. */
function decodeSeq(cursor: string, field: string): number {
  if (!/^(0|[1-9][0-9]{0,14})$/.test(cursor)) {
    throw new ProblemError('invalid-request', `${field} is not a cursor this feed gave out.`, [
      { field, message: 'is not a notification cursor' },
    ]);
  }
  return Number(cursor);
}

export class LiveStream {
  #lastSeq = 0;
  #closed = false;
  /** Events wait here until the headers are out; then they run one at a time, in order. */
  #queue: Promise<void>;
  #releaseQueue: () => void = () => undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  readonly #closeListeners: (() => void)[] = [];

  constructor(
    private readonly ctx: RouteContext,
    private readonly authority: string,
    private readonly raw: ServerResponse,
    private readonly heartbeatMs: number,
  ) {
    this.#queue = new Promise((resolve) => {
      this.#releaseQueue = resolve;
    });
  }

  /**
   * Subscribes, works out where to start, and only then sends the headers (from
   * `headers()`), so nothing committed after the client has them is missed.
   */
  async open(resumeFrom: number | null, headers: () => Record<string, unknown>): Promise<void> {
    this.#unsubscribe = this.ctx.store.engine.bus.subscribe(this.authority, (event) => {
      this.#enqueue(() => this.#onEvent(event));
    });
    try {
      this.#lastSeq =
        resumeFrom ?? (await this.ctx.store.latestSeq(this.ctx.store.db, this.authority));
    } catch (error) {
      this.#closed = true;
      this.#unsubscribe();
      this.#releaseQueue();
      throw error;
    }
    this.raw.writeHead(200, headers() as Record<string, string>);
    this.raw.write(': connected\n\n');
    this.raw.on('close', () => this.close());
    this.#heartbeat = setInterval(() => this.#write(': keep-alive\n\n'), this.heartbeatMs);
    this.#heartbeat.unref();
    if (resumeFrom !== null) this.#enqueue(() => this.#catchUp());
    this.#releaseQueue();
  }

  onClose(listener: () => void): void {
    if (this.#closed) listener();
    else this.#closeListeners.push(listener);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    this.#unsubscribe?.();
    if (!this.raw.writableEnded) this.raw.end();
    for (const listener of this.#closeListeners.splice(0)) listener();
  }

  #enqueue(work: () => Promise<void> | void): void {
    this.#queue = this.#queue
      .then(() => (this.#closed ? undefined : work()))
      .catch(() => this.close());
  }

  async #onEvent(event: NotificationEvent): Promise<void> {
    if (event.seq <= this.#lastSeq) return;
    if (event.seq === this.#lastSeq + 1 && event.notification !== undefined) {
      this.#send(event.notification);
      return;
    }
    // A gap (or an event without its body): the store has everything committed.
    await this.#catchUp();
  }

  async #catchUp(): Promise<void> {
    for (;;) {
      const page = await this.ctx.store.listNotifications(this.ctx.store.db, this.authority, {
        afterSeq: this.#lastSeq,
        limit: CATCH_UP_PAGE,
        order: 'asc',
      });
      for (const notification of page) this.#send(notification);
      if (page.length < CATCH_UP_PAGE || this.#closed) return;
    }
  }

  #send(notification: Notification): void {
    this.#write(
      `event: notification\nid: ${notification.cursor}\ndata: ${JSON.stringify(notification)}\n\n`,
    );
    this.#lastSeq = Number(notification.cursor);
  }

  #write(chunk: string): void {
    if (this.#closed) return;
    if (this.raw.writableLength > MAX_UNSENT_BYTES) {
      this.raw.destroy();
      this.close();
      return;
    }
    this.raw.write(chunk);
  }
}
