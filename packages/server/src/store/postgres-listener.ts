/**
 * The PostgreSQL engine's notification bus: live streams fanned out across instances with
 * `LISTEN/NOTIFY`.
 *
 * Every instance keeps one dedicated connection (not from the pool) that `LISTEN`s on the
 * deployment's channel. A writing transaction sends `NOTIFY channel, '<authority>:<seq>'`
 * for each notification it wrote; PostgreSQL delivers it only when (and if) that
 * transaction commits, to every listening instance, the writer's own included. The payload
 * is only a pointer: on receipt this bus reads the rows from the store by cursor, once per
 * burst and authority however many streams are open, and publishes them to this process's
 * streams, which de-duplicate by cursor and fill any gap from the store themselves. So
 * order and completeness come from the database: a lost, late or repeated NOTIFY delays a
 * notification at worst, it never drops or reorders one.
 *
 * The connection is watched (errors, end, and a periodic round trip for a silently dead
 * peer) and re-opened with backoff. While it was down NOTIFYs may have been missed, so on
 * every (re)connection each subscribed authority gets a `RESYNC_SEQ` event: its streams
 * catch up from the store.
 */
import pg from 'pg';
import type { components } from '@cpis/domain';
import {
  InProcessNotifyBus,
  RESYNC_SEQ,
  type NotificationEvent,
  type NotificationListener,
  type NotifyBus,
} from '../notify-bus.js';
import type { EngineLogger } from './engine.js';

type Notification = components['schemas']['Notification'];

/** Reads `limit` notifications of `authority` after `afterSeq`, oldest first. */
export type NotificationLoader = (
  authority: string,
  afterSeq: number,
  limit: number,
) => Promise<Notification[]>;

export interface ListenerOptions {
  /** How to open the listening connection (the pool's settings). */
  client: pg.ClientConfig;
  /** The channel name for the connection's current schema (`channelFor`). */
  channel: (schema: string) => string;
  load: NotificationLoader;
  /** First delay before reconnecting; it doubles up to `maxReconnectDelayMs`. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** How often the idle connection is asked `select 1`, and how long it may take. */
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
}

/** At most this many rows are read per authority and burst; beyond, streams catch up. */
const LOAD_LIMIT = 500;

export class PostgresNotifyBus implements NotifyBus {
  readonly #local = new InProcessNotifyBus();
  readonly #options: Required<ListenerOptions>;
  #logger: EngineLogger | undefined;
  #client: pg.Client | undefined;
  #pid: number | undefined;
  #closed = false;
  #delay: number;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #connecting: Promise<void> | undefined;
  /** Connections already given up on ('error' and 'end' both report one loss). */
  readonly #lostClients = new WeakSet<pg.Client>();
  /** The LISTEN statement; repeating it (a no-op) is the heartbeat. */
  #listen = 'select 1';
  #listening: Deferred;
  /** Cursors heard since the last read, per authority: the lowest and the highest. */
  readonly #pending = new Map<string, { min: number; max: number }>();
  #flushScheduled = false;
  #flushing: Promise<void> = Promise.resolve();

  constructor(options: ListenerOptions) {
    this.#options = {
      reconnectDelayMs: 100,
      maxReconnectDelayMs: 5_000,
      heartbeatMs: 15_000,
      heartbeatTimeoutMs: 5_000,
      ...options,
    };
    this.#delay = this.#options.reconnectDelayMs;
    this.#listening = deferred();
  }

  /** Opens the listening connection (and keeps it open until `close`). */
  start(): void {
    if (this.#closed || this.#connecting !== undefined || this.#client !== undefined) return;
    this.#connecting = this.#connect().finally(() => {
      this.#connecting = undefined;
    });
  }

  attachLogger(logger: EngineLogger): void {
    this.#logger = logger;
  }

  /** Resolves when the connection is listening (at once if it is). */
  whenListening(): Promise<void> {
    return this.#listening.promise;
  }

  /** The server process id of the listening connection, while it is up. */
  get listenerPid(): number | undefined {
    return this.#pid;
  }

  publish(events: readonly NotificationEvent[]): void {
    this.#local.publish(events);
  }

  subscribe(authority: string, listener: NotificationListener): () => void {
    return this.#local.subscribe(authority, listener);
  }

  subscriberCount(authority?: string): number {
    return this.#local.subscriberCount(authority);
  }

  close(): void {
    void this.stop();
  }

  /** Closes the listening connection and drops every subscriber. */
  async stop(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    clearInterval(this.#heartbeat);
    this.#local.close();
    const client = this.#client;
    this.#client = undefined;
    await this.#connecting;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    const client = new pg.Client(this.#options.client);
    // Attached before connecting: an 'error' event without a listener would end the process.
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('the listening connection ended')));
    client.on('notification', (message) => {
      if (message.payload !== undefined) this.#heard(message.payload);
    });
    try {
      await client.connect();
      const { rows } = await client.query<{ schema: string | null; pid: number }>(
        'select current_schema() as schema, pg_backend_pid() as pid',
      );
      const schema = rows[0]?.schema;
      if (schema === null || schema === undefined) {
        throw new Error('no schema of the search_path exists');
      }
      const listen = `LISTEN ${pg.escapeIdentifier(this.#options.channel(schema))}`;
      await client.query(listen);
      this.#listen = listen;
      if (this.#closed) {
        await client.end().catch(() => undefined);
        return;
      }
      this.#client = client;
      this.#pid = rows[0]?.pid;
    } catch (error) {
      this.#lost(client, error);
      return;
    }
    const recovered = this.#delay !== this.#options.reconnectDelayMs;
    this.#delay = this.#options.reconnectDelayMs;
    this.#startHeartbeat(client);
    if (recovered) this.#logger?.info({ pid: this.#pid }, 'notification listener reconnected');
    // Whatever was committed while nobody listened: every subscribed authority catches up.
    this.#local.publish(
      this.#local.authorities().map((authority) => ({ authority, seq: RESYNC_SEQ })),
    );
    this.#listening.resolve();
  }

  /** The connection failed or ended: forget it and try again after a growing delay. */
  #lost(client: pg.Client, error: unknown): void {
    if (this.#lostClients.has(client)) return;
    this.#lostClients.add(client);
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (this.#client === client) {
      this.#client = undefined;
      this.#pid = undefined;
      clearInterval(this.#heartbeat);
    }
    if (this.#closed) return;
    if (this.#listening.resolved) this.#listening = deferred();
    const delay = this.#delay;
    this.#delay = Math.min(this.#delay * 2, this.#options.maxReconnectDelayMs);
    this.#logger?.warn(
      { err: error, retryInMs: delay },
      'notification listener connection lost; reconnecting',
    );
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(() => this.start(), delay * (0.5 + Math.random() / 2));
    this.#reconnectTimer.unref();
  }

  #startHeartbeat(client: pg.Client): void {
    clearInterval(this.#heartbeat);
    let inFlight = false;
    this.#heartbeat = setInterval(() => {
      if (inFlight || this.#client !== client) return;
      inFlight = true;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error('the listening connection did not answer')),
          this.#options.heartbeatTimeoutMs,
        );
      });
      // The LISTEN again, not `select 1`: as cheap, and pg_stat_activity keeps showing which
      // channel the connection is for.
      Promise.race([client.query(this.#listen), timeout])
        .catch((error: unknown) => this.#lost(client, error))
        .finally(() => {
          clearTimeout(timer);
          inFlight = false;
        });
    }, this.#options.heartbeatMs);
    this.#heartbeat.unref();
  }

  /** A NOTIFY payload, `<authority>:<seq>`; only authorities with streams here matter. */
  #heard(payload: string): void {
    const colon = payload.lastIndexOf(':');
    const authority = payload.slice(0, colon);
    const seq = Number(payload.slice(colon + 1));
    if (colon < 1 || !Number.isSafeInteger(seq) || seq < 1) return;
    if (this.#local.subscriberCount(authority) === 0) return;
    const pending = this.#pending.get(authority);
    if (pending === undefined) this.#pending.set(authority, { min: seq, max: seq });
    else {
      pending.min = Math.min(pending.min, seq);
      pending.max = Math.max(pending.max, seq);
    }
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // Bursts (several NOTIFYs in one read from the socket) are read from the store together.
    this.#flushing = this.#flushing.then(() => this.#flush());
  }

  async #flush(): Promise<void> {
    this.#flushScheduled = false;
    const batch = [...this.#pending];
    this.#pending.clear();
    for (const [authority, { min, max }] of batch) {
      if (this.#closed) return;
      let notifications: Notification[] = [];
      try {
        // Every cursor up to `max` is committed: cursors are handed out in commit order.
        notifications = await this.#options.load(
          authority,
          min - 1,
          Math.min(max - min + 1, LOAD_LIMIT),
        );
      } catch (error) {
        this.#logger?.warn({ err: error }, 'reading notifications for live streams failed');
      }
      const events: NotificationEvent[] = notifications.map((notification) => ({
        authority,
        seq: Number(notification.cursor),
        notification,
      }));
      // Not all read (or the read failed): the streams read the rest themselves.
      if (events.at(-1)?.seq !== max) events.push({ authority, seq: max });
      this.#local.publish(events);
    }
  }
}

/**
 * The channel of the deployment whose tables are in `schema`: one per schema, so
 * deployments (or test runs) sharing a database do not hear each other. At most 63 bytes.
 */
export function channelFor(schema: string): string {
  if (schema === 'public') return 'cpis_notifications';
  const name = `cpis_notifications_${schema}`;
  return Buffer.byteLength(name) <= 63 ? name : `cpis_notifications_${fnv1a(schema)}`;
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  resolved: boolean;
}

function deferred(): Deferred {
  let resolve: () => void = () => undefined;
  const state: Deferred = {
    promise: new Promise<void>((r) => {
      resolve = r;
    }),
    resolved: false,
    resolve: () => {
      state.resolved = true;
      resolve();
    },
  };
  return state;
}
