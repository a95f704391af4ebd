import { createServer } from 'node:net';
import { ServerTCP } from '@nestjs/microservices';
import { createHash } from 'node:crypto';
import { FrameSocket } from './frame-socket';
import { ServiceCallTimeoutError, TcpBalancer } from './service-client';

/**
 * TcpBalancer against real @nestjs/microservices TCP servers: replicas on several loopback
 * addresses (Linux routes 127.0.0.0/8 to lo) sharing one port, as behind a Kubernetes headless
 * Service, and a hostname resolved by an injected resolver (/etc/hosts cannot be edited here).
 */
describe('TcpBalancer over real TCP replicas', () => {
  const HOST = 'catalog.test';
  let port: number;
  let answer: string[] = [];
  const replicas = new Map<string, { server: ServerTCP; served: string[] }>();
  const balancers: TcpBalancer[] = [];

  const startReplica = async (ip: string) => {
    const served: string[] = [];
    const server = new ServerTCP({ host: ip, port, socketClass: FrameSocket });
    server.addHandler('whoami', async (data: { n: number }) => {
      served.push(`whoami:${data.n}`);
      return ip;
    });
    server.addHandler('digest', async (data: { label: string; bodyUtf8: Buffer }) => ({
      label: data.label,
      isBuffer: Buffer.isBuffer(data.bodyUtf8),
      bytes: data.bodyUtf8.length,
      sha256: createHash('sha256').update(data.bodyUtf8).digest('hex'),
      echo: data.bodyUtf8.subarray(0, 16),
    }));
    server.addHandler('command-then-die', async () => {
      served.push('command-then-die');
      // The request was delivered; the replica dies before answering.
      setImmediate(() => server.close());
      return new Promise(() => undefined);
    });
    await new Promise<void>((resolve, reject) => server.listen((error?: unknown) => (error ? reject(error) : resolve())));
    replicas.set(ip, { server, served });
    return served;
  };
  const stopReplica = (ip: string) => {
    replicas.get(ip)?.server.close();
    replicas.delete(ip);
  };
  const balancer = (options: { refreshMs?: number } = {}) => {
    const b = new TcpBalancer({ host: HOST, port }, { resolve: async () => answer, refreshMs: options.refreshMs ?? 100, downMs: 2_000 });
    balancers.push(b);
    return b;
  };
  const whoami = (b: TcpBalancer, n: number) => b.send<string>('whoami', { n }, 2_000);

  beforeAll(async () => {
    port = await new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.on('error', reject);
      s.listen(0, '127.0.0.2', () => {
        const a = s.address();
        s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
      });
    });
  });

  afterEach(async () => {
    await Promise.all(balancers.splice(0).map((b) => b.close()));
    for (const ip of [...replicas.keys()]) stopReplica(ip);
  });

  it('spreads calls over every replica, follows the resolved set, and fails over when a replica is gone', async () => {
    const a = await startReplica('127.0.0.2');
    const b = await startReplica('127.0.0.3');
    answer = ['127.0.0.2', '127.0.0.3'];
    const client = balancer();

    const first: string[] = [];
    for (let n = 0; n < 10; n++) first.push(await whoami(client, n));
    expect(first.filter((ip) => ip === '127.0.0.2')).toHaveLength(5);
    expect(first.filter((ip) => ip === '127.0.0.3')).toHaveLength(5);
    expect(a).toHaveLength(5);
    expect(b).toHaveLength(5);

    // A replica goes away (DNS still lists it): every call is answered by the other one.
    stopReplica('127.0.0.3');
    const afterStop: string[] = [];
    for (let n = 10; n < 20; n++) afterStop.push(await whoami(client, n));
    expect(new Set(afterStop)).toEqual(new Set(['127.0.0.2']));

    // A new replica (an HPA scale-up) appears in DNS: it gets traffic after the next refresh.
    const c = await startReplica('127.0.0.4');
    answer = ['127.0.0.2', '127.0.0.4'];
    await new Promise((r) => setTimeout(r, 150));
    await whoami(client, 20); // triggers the refresh, answered from the last set
    await new Promise((r) => setTimeout(r, 20));
    expect(client.addresses()).toEqual([`127.0.0.2:${port}`, `127.0.0.4:${port}`]);
    const afterScaleUp: string[] = [];
    for (let n = 21; n < 31; n++) afterScaleUp.push(await whoami(client, n));
    expect(afterScaleUp.filter((ip) => ip === '127.0.0.4')).toHaveLength(5);
    expect(c).toHaveLength(5);
  });

  it('reports a refused connection on the only address as an error (no other address to try)', async () => {
    answer = ['127.0.0.2'];
    const client = balancer();
    await expect(whoami(client, 0)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await startReplica('127.0.0.2');
    expect(await whoami(client, 1)).toBe('127.0.0.2');
  });

  it('never sends a delivered request again: a replica dying mid-request fails the call, the other replica never sees it', async () => {
    const a = await startReplica('127.0.0.2');
    const b = await startReplica('127.0.0.3');
    answer = ['127.0.0.2', '127.0.0.3'];
    const client = balancer();
    expect(await whoami(client, 0)).toBe('127.0.0.2'); // the next call goes to 127.0.0.3
    await expect(client.send('command-then-die', {}, 2_000)).rejects.toThrow('Connection closed');
    expect(b).toEqual(['command-then-die']);
    expect(a).toEqual(['whoami:0']);
  });

  it('does not retry a call that times out', async () => {
    const a = await startReplica('127.0.0.2');
    const b = await startReplica('127.0.0.3');
    answer = ['127.0.0.2', '127.0.0.3'];
    const client = balancer();
    for (const [ip, served] of [['127.0.0.2', a], ['127.0.0.3', b]] as const) {
      replicas.get(ip)!.server.addHandler('slow', async () => {
        served.push('slow');
        return new Promise(() => undefined);
      });
    }
    await expect(client.send('slow', {}, 200)).rejects.toBeInstanceOf(ServiceCallTimeoutError);
    await new Promise((r) => setTimeout(r, 100));
    expect([...a, ...b]).toEqual(['slow']);
  });

  it('carries a 10 MB body as raw bytes over the real transport, beside small calls on the same connection', async () => {
    await startReplica('127.0.0.2');
    answer = ['127.0.0.2'];
    const client = balancer();
    const big = Buffer.alloc(10 * 1024 * 1024, '{"sku":"Größe \\"x\\""}');
    type Digest = { label: string; isBuffer: boolean; bytes: number; sha256: string; echo: Buffer };
    const [bigReply, ...small] = await Promise.all([
      client.send<Digest>('digest', { label: 'big', bodyUtf8: big }, 10_000),
      ...[1, 2, 3].map((n) => client.send<Digest>('digest', { label: `small ${n}`, bodyUtf8: Buffer.from(`{"n":${n}}`) }, 10_000)),
    ]);
    expect(bigReply).toMatchObject({ label: 'big', isBuffer: true, bytes: big.length, sha256: createHash('sha256').update(big).digest('hex') });
    // A reply's bytes travel back the same way.
    expect(Buffer.isBuffer(bigReply!.echo) && bigReply!.echo.equals(big.subarray(0, 16))).toBe(true);
    expect(small.map((r) => [r.label, r.bytes])).toEqual([
      ['small 1', 7],
      ['small 2', 7],
      ['small 3', 7],
    ]);
  });
});
