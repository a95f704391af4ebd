import { NEVER, Observable, of, throwError } from 'rxjs';
import { DependencyUnavailableError } from './failures';
import { type ServiceAddress, ServiceCallTimeoutError, TcpBalancer, TcpServiceClient, type TransportClient } from './service-client';

type Behaviour = { connect?: 'ok' | 'refused' | 'hang'; send?: 'echo' | 'hang' | 'fail' };

/** Fake transport clients: one per address, recording what was sent where. */
class Fakes {
  readonly behaviour = new Map<string, Behaviour>();
  readonly created: string[] = [];
  readonly closed: string[] = [];
  readonly sent: string[] = [];
  readonly connects: string[] = [];

  create = (address: ServiceAddress): TransportClient => {
    const key = `${address.host}:${address.port}`;
    this.created.push(key);
    return {
      connect: () => {
        this.connects.push(key);
        const b = this.behaviour.get(key)?.connect ?? 'ok';
        if (b === 'refused') return Promise.reject(Object.assign(new Error(`connect ECONNREFUSED ${key}`), { code: 'ECONNREFUSED' }));
        if (b === 'hang') return new Promise(() => undefined);
        return Promise.resolve();
      },
      send: <R>(pattern: string) => {
        this.sent.push(key);
        const b = this.behaviour.get(key)?.send ?? 'echo';
        if (b === 'hang') return NEVER as Observable<R>;
        if (b === 'fail') return throwError(() => new Error('Connection closed'));
        return of({ served: key, pattern } as R);
      },
      close: () => {
        this.closed.push(key);
      },
    };
  };
}

function setup(addresses: Record<string, string[] | Error>, options: { refreshMs?: number; downMs?: number; connectTimeoutMs?: number } = {}) {
  const fakes = new Fakes();
  let time = 1_000;
  const answers = { ...addresses };
  const lookups: string[] = [];
  const resolve = async (host: string) => {
    lookups.push(host);
    const a = answers[host];
    if (a === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    if (a instanceof Error) throw a;
    return a;
  };
  const clock = {
    advance: (ms: number) => {
      time += ms;
    },
  };
  const make = (target: ConstructorParameters<typeof TcpBalancer>[0]) =>
    new TcpBalancer(target, { resolve, createClient: fakes.create, now: () => time, refreshMs: 5_000, downMs: 2_000, ...options });
  return { fakes, answers, lookups, clock, make };
}

const served = async (b: TcpBalancer, n: number, timeoutMs = 1_000) => {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await b.send<{ served: string }>('p', {}, timeoutMs)).served);
  return out;
};
const count = (xs: string[]) => xs.reduce<Record<string, number>>((acc, x) => ({ ...acc, [x]: (acc[x] ?? 0) + 1 }), {});
/** Lets a background refresh settle. */
const settle = () => new Promise((r) => setImmediate(r));

describe('TcpBalancer', () => {
  it('uses an IP literal as is, without resolving it', async () => {
    const { fakes, lookups, make } = setup({});
    const b = make({ host: '127.0.0.1', port: 4002 });
    expect(await served(b, 3)).toEqual(['127.0.0.1:4002', '127.0.0.1:4002', '127.0.0.1:4002']);
    expect(lookups).toEqual([]);
    expect(fakes.created).toEqual(['127.0.0.1:4002']);
  });

  it('round-robins over every address a hostname resolves to, one client each, created lazily', async () => {
    const { fakes, make } = setup({ catalog: ['10.0.0.3', '10.0.0.1', '10.0.0.2'] });
    const b = make({ host: 'catalog', port: 4002 });
    expect(fakes.created).toEqual([]);
    const got = await served(b, 9);
    expect(count(got)).toEqual({ '10.0.0.1:4002': 3, '10.0.0.2:4002': 3, '10.0.0.3:4002': 3 });
    expect(got.slice(0, 3)).toEqual(['10.0.0.1:4002', '10.0.0.2:4002', '10.0.0.3:4002']);
    expect(fakes.created.sort()).toEqual(['10.0.0.1:4002', '10.0.0.2:4002', '10.0.0.3:4002']);
    expect(b.addresses()).toEqual(['10.0.0.1:4002', '10.0.0.2:4002', '10.0.0.3:4002']);
  });

  it('balances over an explicit list of replicas (comma-separated *_URL)', async () => {
    const { make } = setup({});
    const b = make({ host: '127.0.0.2', port: 4102, replicas: [{ host: '127.0.0.2', port: 4102 }, { host: '127.0.0.3', port: 4102 }] });
    expect(count(await served(b, 4))).toEqual({ '127.0.0.2:4102': 2, '127.0.0.3:4102': 2 });
  });

  it('refreshes in the background: a new address gets traffic, a removed one is closed', async () => {
    const { fakes, answers, lookups, clock, make } = setup({ catalog: ['10.0.0.1', '10.0.0.2'] });
    const b = make({ host: 'catalog', port: 4002 });
    await served(b, 2);
    expect(lookups).toHaveLength(1);

    answers['catalog'] = ['10.0.0.2', '10.0.0.3'];
    clock.advance(4_000);
    await served(b, 2);
    expect(lookups).toHaveLength(1); // not due yet

    clock.advance(1_000);
    await served(b, 1); // triggers the refresh, answered from the last set
    await settle();
    expect(lookups).toHaveLength(2);
    expect(b.addresses()).toEqual(['10.0.0.2:4002', '10.0.0.3:4002']);
    expect(fakes.closed).toEqual(['10.0.0.1:4002']);
    expect(count(await served(b, 4))).toEqual({ '10.0.0.2:4002': 2, '10.0.0.3:4002': 2 });
  });

  it('closes a removed address only after its call in flight is done', async () => {
    const { fakes, answers, clock, make } = setup({ catalog: ['10.0.0.1'] });
    fakes.behaviour.set('10.0.0.1:4002', { send: 'hang' });
    const b = make({ host: 'catalog', port: 4002 });
    const inFlight = b.send('p', {}, 500).catch((e: unknown) => e);
    await settle();
    answers['catalog'] = ['10.0.0.2'];
    clock.advance(5_000);
    await b.send('p', {}, 10).catch(() => undefined); // triggers the refresh
    await settle();
    expect(b.addresses()).toEqual(['10.0.0.2:4002']);
    expect(fakes.closed).toEqual([]);
    expect(await inFlight).toBeInstanceOf(ServiceCallTimeoutError);
    expect(fakes.closed).toEqual(['10.0.0.1:4002']);
  });

  it('keeps the last set when a refresh fails or returns nothing, and does not make calls wait for it', async () => {
    const { answers, lookups, clock, make } = setup({ catalog: ['10.0.0.1', '10.0.0.2'] });
    const b = make({ host: 'catalog', port: 4002 });
    await served(b, 1);

    answers['catalog'] = Object.assign(new Error('getaddrinfo EAI_AGAIN catalog'), { code: 'EAI_AGAIN' });
    clock.advance(5_000);
    expect(count(await served(b, 2))).toEqual({ '10.0.0.1:4002': 1, '10.0.0.2:4002': 1 });
    await settle();
    expect(lookups).toHaveLength(2);
    expect(b.addresses()).toEqual(['10.0.0.1:4002', '10.0.0.2:4002']);

    answers['catalog'] = [];
    clock.advance(5_000);
    await served(b, 1);
    await settle();
    expect(lookups).toHaveLength(3);
    expect(b.addresses()).toEqual(['10.0.0.1:4002', '10.0.0.2:4002']);
  });

  it('fails a call when the first resolution fails, and resolves again on the next call', async () => {
    const { answers, make } = setup({});
    const b = make({ host: 'catalog', port: 4002 });
    await expect(b.send('p', {}, 1_000)).rejects.toMatchObject({ code: 'ENOTFOUND' });
    answers['catalog'] = ['10.0.0.1'];
    expect(await served(b, 1)).toEqual(['10.0.0.1:4002']);
  });

  it('tries another address once when the connection is refused, and skips the failing address for a while', async () => {
    const { fakes, clock, make } = setup({ catalog: ['10.0.0.1', '10.0.0.2', '10.0.0.3'] });
    fakes.behaviour.set('10.0.0.1:4002', { connect: 'refused' });
    const b = make({ host: 'catalog', port: 4002 });
    const got = await served(b, 6);
    expect(got.every((s) => s !== '10.0.0.1:4002')).toBe(true);
    expect(count(got)).toEqual({ '10.0.0.2:4002': 3, '10.0.0.3:4002': 3 });
    expect(fakes.connects.filter((k) => k === '10.0.0.1:4002')).toHaveLength(1); // skipped while down
    expect(fakes.sent.filter((k) => k === '10.0.0.1:4002')).toHaveLength(0);

    // After the down period it is tried again; up again, it gets its share.
    fakes.behaviour.delete('10.0.0.1:4002');
    clock.advance(2_000);
    expect(count(await served(b, 3))).toEqual({ '10.0.0.1:4002': 1, '10.0.0.2:4002': 1, '10.0.0.3:4002': 1 });
  });

  it('fails over at most once per call', async () => {
    const { fakes, make } = setup({ catalog: ['10.0.0.1', '10.0.0.2', '10.0.0.3'] });
    fakes.behaviour.set('10.0.0.1:4002', { connect: 'refused' });
    fakes.behaviour.set('10.0.0.2:4002', { connect: 'refused' });
    const b = make({ host: 'catalog', port: 4002 });
    await expect(b.send('p', {}, 1_000)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(fakes.connects).toEqual(['10.0.0.1:4002', '10.0.0.2:4002']);
    expect(await served(b, 1)).toEqual(['10.0.0.3:4002']);
  });

  it('still tries a single address that is marked down (so it recovers at once)', async () => {
    const { fakes, make } = setup({});
    fakes.behaviour.set('127.0.0.1:4001', { connect: 'refused' });
    const b = make({ host: '127.0.0.1', port: 4001 });
    await expect(b.send('p', {}, 1_000)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    fakes.behaviour.delete('127.0.0.1:4001');
    expect(await served(b, 1)).toEqual(['127.0.0.1:4001']);
  });

  it('fails over when connecting takes longer than the connect timeout (the request was not sent)', async () => {
    const { fakes, make } = setup({ catalog: ['10.0.0.1', '10.0.0.2'] }, { connectTimeoutMs: 30 });
    fakes.behaviour.set('10.0.0.1:4002', { connect: 'hang' });
    const b = make({ host: 'catalog', port: 4002 });
    expect(await served(b, 1)).toEqual(['10.0.0.2:4002']);
    expect(fakes.closed).toEqual(['10.0.0.1:4002']); // the pending connection is dropped
    expect(fakes.sent).toEqual(['10.0.0.2:4002']);
  });

  it('with a single address, waits for the connection up to the call limit, then fails as not sent (not as a timeout)', async () => {
    const { fakes, make } = setup({}, { connectTimeoutMs: 30 });
    fakes.behaviour.set('127.0.0.1:4002', { connect: 'hang' });
    const b = make({ host: '127.0.0.1', port: 4002 });
    const started = Date.now();
    const error = await b.send('p', {}, 120).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    expect(error).not.toBeInstanceOf(ServiceCallTimeoutError);
    expect((error as Error).message).toMatch(/not established in time/);
    expect(fakes.sent).toEqual([]);
  });

  it('never sends a request twice: no retry after a timeout', async () => {
    const { fakes, make } = setup({ catalog: ['10.0.0.1', '10.0.0.2'] });
    fakes.behaviour.set('10.0.0.1:4002', { send: 'hang' });
    const b = make({ host: 'catalog', port: 4002 });
    const started = Date.now();
    await expect(b.send('p', {}, 50)).rejects.toBeInstanceOf(ServiceCallTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(fakes.sent).toEqual(['10.0.0.1:4002']);
    // Not marked down: a slow answer says nothing about the connection.
    fakes.behaviour.delete('10.0.0.1:4002');
    expect(await served(b, 2)).toEqual(['10.0.0.2:4002', '10.0.0.1:4002']);
  });

  it('never sends a request twice: no retry after any other failure once sent', async () => {
    const { fakes, make } = setup({ catalog: ['10.0.0.1', '10.0.0.2'] });
    fakes.behaviour.set('10.0.0.1:4002', { send: 'fail' });
    const b = make({ host: 'catalog', port: 4002 });
    await expect(b.send('p', {}, 1_000)).rejects.toThrow('Connection closed');
    expect(fakes.sent).toEqual(['10.0.0.1:4002']);
  });

  it('close() closes every client and refuses further calls', async () => {
    const { fakes, make } = setup({ catalog: ['10.0.0.1', '10.0.0.2'] });
    const b = make({ host: 'catalog', port: 4002 });
    await served(b, 2);
    await b.close();
    expect(fakes.closed.sort()).toEqual(['10.0.0.1:4002', '10.0.0.2:4002']);
    await expect(b.send('p', {}, 1_000)).rejects.toThrow('client closed');
  });
});

describe('TcpServiceClient', () => {
  it('answers through the balancer and turns every failure into DependencyUnavailableError', async () => {
    const { fakes } = setup({});
    fakes.behaviour.set('127.0.0.1:4003', { send: 'hang' });
    const ok = new TcpServiceClient('catalog', { host: '127.0.0.1', port: 4002 }, 1_000, { createClient: fakes.create });
    expect(await ok.send('p', {})).toEqual({ served: '127.0.0.1:4002', pattern: 'p' });
    const slow = new TcpServiceClient('catalog', { host: '127.0.0.1', port: 4003 }, 30, { createClient: fakes.create });
    const error = await slow.send('p', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect((error as Error).message).toBe('catalog service unavailable');
    expect((error as { cause: unknown }).cause).toBeInstanceOf(ServiceCallTimeoutError);
    await Promise.all([ok.onModuleDestroy(), slow.onModuleDestroy()]);
    expect(fakes.closed.sort()).toEqual(['127.0.0.1:4002', '127.0.0.1:4003']);
  });
});
