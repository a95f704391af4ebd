import type { Client } from 'pg';

/**
 * One dedicated connection that LISTENs on a channel and wakes waiters on NOTIFY.
 * Connected lazily by the first wait; if it cannot connect or loses its connection, waits
 * fall back to their timeout and the next wait reconnects. Wake-ups may be spurious (after
 * (re)connecting, or a notification that arrived while nobody was waiting): callers re-read.
 */
export class NotificationListener {
  private client: Client | null = null;
  private connecting: Promise<void> | null = null;
  private connectingClient: Client | null = null;
  private readonly waiters = new Set<() => void>();
  /** A notification arrived while nobody waited: the next wait returns at once. */
  private pending = false;
  private closed = false;

  constructor(
    private readonly channel: string,
    private readonly createClient: () => Client,
    private readonly onError: (error: unknown) => void,
  ) {}

  wait(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.closed || signal?.aborted) return Promise.resolve();
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    const promise = new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
    this.ensureConnected();
    return promise;
  }

  /** Resolves every pending wait, then ends the connection. */
  async close(): Promise<void> {
    this.closed = true;
    this.wakeAll();
    if (this.connectingClient) void endQuietly(this.connectingClient); // do not wait out a hanging connect
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
      this.wakeAll(); // notifications may have been missed while disconnected
    };
    client.on('error', drop);
    client.on('end', () => drop());
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.notify();
    });
    this.connectingClient = client;
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
    } catch (error) {
      if (!this.closed) this.onError(error);
      await endQuietly(client);
      return;
    } finally {
      this.connectingClient = null;
    }
    if (this.closed) {
      await endQuietly(client);
      return;
    }
    this.client = client;
    this.wakeAll(); // events committed before LISTEN took effect were not announced to us
  }

  private notify(): void {
    if (this.waiters.size === 0) this.pending = true;
    else this.wakeAll();
  }

  private wakeAll(): void {
    this.pending = false;
    for (const wake of [...this.waiters]) wake();
  }
}

async function endQuietly(client: Client): Promise<void> {
  try {
    await client.end();
  } catch {
    // already ended or broken: nothing left to release
  }
}
