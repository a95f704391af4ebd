import type { Client } from 'pg';
import { CategoryWaiters } from '@datamingle/event-store';

/**
 * One dedicated connection that LISTENs on a channel and wakes waiters on NOTIFY: a waiter of
 * some categories only when the notification names one of them (its payload: the categories
 * appended to, comma-separated; an empty payload wakes everyone). Connected lazily by the first
 * wait; if it cannot connect or loses its connection, waits fall back to their timeout and the
 * next wait reconnects. Wake-ups may be spurious (after (re)connecting, or a notification that
 * arrived while nobody of its categories was waiting): callers re-read.
 */
export class NotificationListener {
  private client: Client | null = null;
  private connecting: Promise<void> | null = null;
  /** Resolves at close(), ending a connect in progress (pg's connect() never settles when ended meanwhile). */
  private readonly closing: Promise<false>;
  private signalClosing: () => void = () => {};
  /** Notifications that arrived while nobody of their categories waited are pending: the next such wait returns at once. */
  private readonly waiters = new CategoryWaiters(true);
  private closed = false;

  constructor(
    private readonly channel: string,
    private readonly createClient: () => Client,
    private readonly onError: (error: unknown) => void,
  ) {
    this.closing = new Promise((resolve) => {
      this.signalClosing = () => resolve(false);
    });
  }

  wait(timeoutMs: number, signal?: AbortSignal, categories?: readonly string[]): Promise<void> {
    if (this.closed || signal?.aborted) return Promise.resolve();
    const promise = this.waiters.wait(timeoutMs, signal, categories);
    this.ensureConnected();
    return promise;
  }

  /** Resolves every pending wait, then ends the connection. */
  async close(): Promise<void> {
    this.closed = true;
    this.waiters.wakeAll();
    this.signalClosing();
    if (this.connecting) await this.connecting;
    const client = this.client;
    this.client = null;
    if (client) await endQuietly(client);
  }

  /** True while the LISTEN connection is up. */
  get listening(): boolean {
    return this.client !== null;
  }

  private ensureConnected(): void {
    if (this.client || this.connecting || this.closed) return;
    this.connecting = this.connect().finally(() => {
      this.connecting = null;
    });
  }

  private async connect(): Promise<void> {
    let client: Client;
    try {
      client = this.createClient();
    } catch (error) {
      this.onError(error);
      return;
    }
    const drop = (error?: Error): void => {
      if (this.client !== client) return; // connect() reports its own failures
      if (error) this.onError(error);
      this.client = null;
      void endQuietly(client);
      this.waiters.wakeAll(); // notifications may have been missed while disconnected
    };
    client.on('error', drop);
    client.on('end', () => drop());
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.waiters.announce(message.payload ? message.payload.split(',') : null);
    });
    const listening = (async (): Promise<true> => {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
      return true;
    })();
    listening.catch(() => {}); // it may lose the race below and fail later
    try {
      const ready = await Promise.race([listening, this.closing]);
      if (!ready || this.closed) {
        await endQuietly(client);
        return;
      }
    } catch (error) {
      if (!this.closed) this.onError(error);
      await endQuietly(client);
      return;
    }
    this.client = client;
    this.waiters.wakeAll(); // events committed before LISTEN took effect were not announced to us
  }
}

/** Ends the connection; gives up waiting after `timeoutMs` (a socket still connecting to an unresponsive host). */
async function endQuietly(client: Client, timeoutMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([client.end(), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  } catch {
    // already ended or broken: nothing left to release
  } finally {
    clearTimeout(timer);
  }
}
