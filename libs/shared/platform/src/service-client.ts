import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import type { OnModuleDestroy } from '@nestjs/common';
import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import { firstValueFrom, type Observable, timeout, TimeoutError } from 'rxjs';
import { FrameSocket } from './frame-socket';
import { ELAPSED, within } from './time-limit';
import { DependencyUnavailableError } from './failures';
import { tracedCall } from './tracing';

/** One `host:port` a service is reached at (a hostname or an IP literal). */
export interface ServiceAddress {
  host: string;
  port: number;
}

/**
 * Where a service is: one `host:port` (a hostname is balanced over every address it resolves
 * to), optionally with the explicit list of replicas (`replicas`, from a comma-separated
 * `*_URL`), or that list itself.
 */
export type ServiceTarget = (ServiceAddress & { replicas?: readonly ServiceAddress[] }) | readonly ServiceAddress[];

/** What the balancer needs of a transport client; a Nest ClientProxy (ClientTCP, framed by FrameSocket) has it. */
export interface TransportClient {
  connect(): Promise<unknown>;
  send<R, P>(pattern: string, payload: P): Observable<R>;
  close(): unknown;
}

/** Resolves a hostname to its IP addresses (every one). IP literals never reach it. */
export type HostResolver = (host: string) => Promise<string[]>;

/** `dns.lookup(host, {all: true})`: /etc/hosts, compose DNS, Kubernetes headless Services (one address per ready pod). */
export const lookupAllAddresses: HostResolver = async (host) => (await dns.lookup(host, { all: true })).map((a) => a.address);

export interface BalancerOptions {
  /** Hostname resolution (default `lookupAllAddresses`). */
  resolve?: HostResolver;
  /** Hostnames are resolved again when the last resolution is older than this (default 5000 ms); calls never wait for it. */
  refreshMs?: number;
  /** An address whose connection attempt failed is skipped for this long (default 2000 ms) while others are up. */
  downMs?: number;
  /**
   * A connection attempt that takes longer counts as failed, so that the call can try another
   * address (default 3000 ms; only while there is another address, always bounded by the call's limit).
   */
  connectTimeoutMs?: number;
  /** The client of one resolved address (default: a Nest TCP ClientProxy). */
  createClient?: (address: ServiceAddress) => TransportClient;
  now?: () => number;
}

/** The service did not answer a request that was sent to it within the time limit (it may still be applied). */
export class ServiceCallTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceCallTimeoutError';
  }
}

/**
 * The request was sent (or may have been) and its connection failed before an answer: the
 * service may have received and applied it. Never retried; a caller answering for a write must
 * treat the outcome as unknown.
 */
export class ServiceCallInterruptedError extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'ServiceCallInterruptedError';
  }
}

/** Options of one call. */
export interface SendOptions {
  /**
   * Use a connection of its own, opened for this call and closed after it, instead of the
   * address's shared one: for large payloads, so that megabytes queued on a socket never delay
   * or share the fate of other callers' calls.
   */
  dedicated?: boolean;
}

/** The connection to one address could not be made: the request was not sent. */
class ConnectFailure extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

interface Endpoint {
  key: string;
  address: ServiceAddress;
  client: TransportClient | null;
  inflight: number;
  retired: boolean;
  downUntil: number;
  /** The client's connect() promise once it resolved: while connect() returns it, the connection is up. */
  established: Promise<unknown> | null;
}

const keyOf = (a: ServiceAddress) => (isIP(a.host) === 6 ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`);

function targetsOf(target: ServiceTarget): readonly ServiceAddress[] {
  if (Array.isArray(target)) return target as readonly ServiceAddress[];
  const one = target as ServiceAddress & { replicas?: readonly ServiceAddress[] };
  return one.replicas?.length ? one.replicas : [{ host: one.host, port: one.port }];
}

/**
 * Client-side balancing over the @nestjs/microservices TCP transport: one connection (Nest
 * ClientProxy) per resolved address of the target, calls spread round-robin over them.
 *
 * - An IP literal is used as is; a hostname is resolved with every address and resolved again
 *   in the background every `refreshMs` (calls use the last good set; a failed or empty
 *   resolution keeps it). Addresses that disappear are closed once their calls are done; new
 *   ones get a connection on first use.
 * - A call whose connection attempt fails (refused, unreachable, too slow: the request was not
 *   sent) is tried once on another address, and the failing address is skipped for `downMs`.
 *   Once a request may have been delivered it is never sent again (commands are not idempotent).
 * - Errors: ServiceCallTimeoutError when a sent request is not answered in time,
 *   ServiceCallInterruptedError when its connection failed after it was sent (it may have been
 *   applied), otherwise the underlying error (connection not made, resolution, the service's own).
 * - Large payloads can have a connection of their own (`dedicated`), so that they never queue
 *   megabytes in front of, or share a socket failure with, other callers' calls.
 * - Inside a trace (an active span) a call is a CLIENT span and an object payload carries its
 *   `traceparent` (tracing.ts tracedCall); otherwise the payload is sent as given.
 */
export class TcpBalancer {
  private readonly targets: readonly ServiceAddress[];
  private readonly dynamic: boolean;
  private readonly resolve: HostResolver;
  private readonly refreshMs: number;
  private readonly downMs: number;
  private readonly connectTimeoutMs: number;
  private readonly createClient: (address: ServiceAddress) => TransportClient;
  private readonly now: () => number;
  private endpoints: Endpoint[] | null = null;
  private resolvedAt = -Infinity;
  private refreshing: Promise<void> | null = null;
  private cursor = 0;
  private closed = false;

  constructor(target: ServiceTarget, options: BalancerOptions = {}) {
    this.targets = targetsOf(target);
    if (this.targets.length === 0) throw new Error('TcpBalancer: no target address');
    this.dynamic = this.targets.some((t) => isIP(t.host) === 0);
    this.resolve = options.resolve ?? lookupAllAddresses;
    this.refreshMs = options.refreshMs ?? 5_000;
    this.downMs = options.downMs ?? 2_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 3_000;
    this.createClient =
      options.createClient ?? ((a) => ClientProxyFactory.create({ transport: Transport.TCP, options: { host: a.host, port: a.port, socketClass: FrameSocket } }));
    this.now = options.now ?? Date.now;
    if (!this.dynamic) this.apply(this.targets);
  }

  /** The addresses currently balanced over (`ip:port`), for diagnostics and tests. */
  addresses(): string[] {
    return (this.endpoints ?? []).map((e) => e.key);
  }

  send<R, P = unknown>(pattern: string, payload: P, timeoutMs: number, options: SendOptions = {}): Promise<R> {
    return tracedCall(pattern, payload, (sent) => this.sendNow<R, P>(pattern, sent, timeoutMs, options));
  }

  private async sendNow<R, P>(pattern: string, payload: P, timeoutMs: number, options: SendOptions): Promise<R> {
    if (this.closed) throw new Error('client closed');
    const deadline = Date.now() + timeoutMs;
    await this.ensureAddresses(deadline);
    const first = this.pick(null);
    if (!first) throw new Error('no address');
    const attempt = options.dedicated ? this.attemptDedicated.bind(this) : this.attempt.bind(this);
    try {
      return await attempt<R, P>(first, pattern, payload, deadline);
    } catch (error) {
      if (!(error instanceof ConnectFailure)) throw error;
      this.markDown(first);
      const second = Date.now() < deadline ? this.pick(first) : null;
      if (!second) throw error.cause;
      try {
        return await attempt<R, P>(second, pattern, payload, deadline);
      } catch (again) {
        if (!(again instanceof ConnectFailure)) throw again;
        this.markDown(second);
        throw again.cause;
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const endpoints = this.endpoints ?? [];
    this.endpoints = [];
    await Promise.all(endpoints.map((e) => this.closeEndpoint(e)));
  }

  private async ensureAddresses(deadline: number): Promise<void> {
    if (!this.dynamic) return;
    if (this.endpoints) {
      // Refresh in the background; failures keep the last set.
      if (this.now() - this.resolvedAt >= this.refreshMs) this.refresh().catch(() => undefined);
      return;
    }
    try {
      await within(this.refresh(), deadline - Date.now());
    } catch (error) {
      if (error === ELAPSED) throw new Error(`could not resolve ${this.targets.map(keyOf).join(',')} in time`);
      throw error;
    }
  }

  private refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const lists = await Promise.all(
          this.targets.map(async (t) => (isIP(t.host) ? [t.host] : await this.resolve(t.host)).map((host) => ({ host, port: t.port }))),
        );
        const all = lists.flat();
        if (all.length === 0) throw new Error(`${this.targets.map(keyOf).join(',')} resolved to no address`);
        if (!this.closed) this.apply(all);
      } finally {
        this.resolvedAt = this.now();
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /** Replaces the address set: keeps the endpoints (connections, down marks) of addresses still there, retires the others. */
  private apply(addresses: readonly ServiceAddress[]): void {
    const previous = new Map((this.endpoints ?? []).map((e) => [e.key, e]));
    const next = new Map<string, Endpoint>();
    for (const address of addresses) {
      const key = keyOf(address);
      if (next.has(key)) continue;
      next.set(key, previous.get(key) ?? { key, address, client: null, inflight: 0, retired: false, downUntil: 0, established: null });
    }
    for (const [key, endpoint] of previous) {
      if (next.has(key)) continue;
      endpoint.retired = true;
      if (endpoint.inflight === 0) void this.closeEndpoint(endpoint);
    }
    // Sorted, so that the rotation does not depend on the order DNS answers in.
    this.endpoints = [...next.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (this.endpoints.length > 0) this.cursor %= this.endpoints.length;
  }

  /** The next endpoint in rotation other than `exclude`, preferring those not marked down. */
  private pick(exclude: Endpoint | null): Endpoint | null {
    const endpoints = this.endpoints ?? [];
    const n = endpoints.length;
    const now = this.now();
    for (const skipDown of [true, false]) {
      for (let i = 0; i < n; i++) {
        const e = endpoints[(this.cursor + i) % n]!;
        if (e === exclude || (skipDown && e.downUntil > now)) continue;
        this.cursor = (this.cursor + i + 1) % n;
        return e;
      }
    }
    return null;
  }

  private markDown(endpoint: Endpoint): void {
    endpoint.downUntil = this.now() + this.downMs;
  }

  private async attempt<R, P>(endpoint: Endpoint, pattern: string, payload: P, deadline: number): Promise<R> {
    endpoint.inflight++;
    try {
      const client = (endpoint.client ??= this.createClient(endpoint.address));
      try {
        // Connected already (Nest hands back the same promise): no timer on the hot path.
        const connecting = client.connect();
        if (connecting !== endpoint.established) {
          const others = (this.endpoints?.length ?? 0) > 1;
          await within(connecting, Math.min(others ? this.connectTimeoutMs : Infinity, deadline - Date.now()));
          endpoint.established = connecting;
        }
      } catch (error) {
        // Failed or still connecting: the next call starts over with a new connection.
        if (endpoint.client === client) endpoint.client = null;
        void Promise.resolve(client.close()).catch(() => undefined);
        throw new ConnectFailure(error === ELAPSED ? new Error(`connection to ${endpoint.key} not established in time`) : error);
      }
      return await this.call<R, P>(client, endpoint, pattern, payload, deadline);
    } finally {
      endpoint.inflight--;
      if (endpoint.retired && endpoint.inflight === 0) void this.closeEndpoint(endpoint);
    }
  }

  /** One call on a connection of its own to `endpoint`'s address, closed afterwards. */
  private async attemptDedicated<R, P>(endpoint: Endpoint, pattern: string, payload: P, deadline: number): Promise<R> {
    const client = this.createClient(endpoint.address);
    try {
      try {
        const others = (this.endpoints?.length ?? 0) > 1;
        await within(client.connect(), Math.min(others ? this.connectTimeoutMs : Infinity, deadline - Date.now()));
      } catch (error) {
        throw new ConnectFailure(error === ELAPSED ? new Error(`connection to ${endpoint.key} not established in time`) : error);
      }
      return await this.call<R, P>(client, endpoint, pattern, payload, deadline);
    } finally {
      void Promise.resolve(client.close()).catch(() => undefined);
    }
  }

  /**
   * Sends on a connected client. From here on the request may have been delivered: a lost
   * connection is a ServiceCallInterruptedError, no answer in time a ServiceCallTimeoutError.
   */
  private async call<R, P>(client: TransportClient, endpoint: Endpoint, pattern: string, payload: P, deadline: number): Promise<R> {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new ConnectFailure(new Error(`connection to ${endpoint.key} not established in time`));
    try {
      return await firstValueFrom(client.send<R, P>(pattern, payload).pipe(timeout(remaining)));
    } catch (error) {
      if (error instanceof TimeoutError) throw new ServiceCallTimeoutError(`${endpoint.key} did not answer within the time limit`);
      // The service's own error answer arrives as a plain object; an Error is the connection's (closed, reset, write failed).
      if (!(error instanceof Error)) throw error;
      throw new ServiceCallInterruptedError(`${endpoint.key}: ${error.message}`, error);
    }
  }

  private async closeEndpoint(endpoint: Endpoint): Promise<void> {
    const client = endpoint.client;
    endpoint.client = null;
    if (client) await Promise.resolve(client.close()).catch(() => undefined);
  }
}

/**
 * A service's client of another service over the @nestjs/microservices TCP transport, balanced
 * over every address of the target (TcpBalancer). A call that fails or does not answer in time
 * is a DependencyUnavailableError (the caller answers 503).
 */
export class TcpServiceClient implements OnModuleDestroy {
  private readonly balancer: TcpBalancer;

  constructor(
    private readonly service: string,
    target: ServiceTarget,
    private readonly timeoutMs: number,
    options: BalancerOptions = {},
  ) {
    this.balancer = new TcpBalancer(target, options);
  }

  async send<R, P>(pattern: string, payload: P): Promise<R> {
    try {
      return await this.balancer.send<R, P>(pattern, payload, this.timeoutMs);
    } catch (error) {
      throw new DependencyUnavailableError(`${this.service} service unavailable`, error);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.balancer.close();
  }
}
