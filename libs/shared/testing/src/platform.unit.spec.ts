import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort, PortTakenError, retryOnPortTaken, spawnUntilReady } from './platform';

/** A process that listens on the port given as its argument (and dies with EADDRINUSE when it is taken). */
const LISTENER = ['-e', "require('node:net').createServer().listen(Number(process.argv[1]), '127.0.0.1')"];

/** Whether something listens on `port`. */
const listening = (port: number) =>
  new Promise<boolean>((res) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      res(true);
    });
    socket.on('error', () => res(false));
  });

describe('start-up on ports taken meanwhile (retryOnPortTaken, spawnUntilReady)', () => {
  let server: Server;
  let blocker: Socket;
  /** The local port of an outgoing connection: nothing listens there, and no one can. */
  let taken: number;

  beforeEach(async () => {
    server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    blocker = connect((server.address() as { port: number }).port, '127.0.0.1');
    await new Promise((r) => blocker.once('connect', r));
    taken = blocker.localPort!;
  });

  afterEach(async () => {
    blocker.destroy();
    await new Promise((r) => server.close(r));
  });

  it('starts the process again on new ports when its port is taken', async () => {
    let port = taken;
    const tried: number[] = [];
    const lines: string[] = [];
    const child = await retryOnPortTaken(
      () => {
        tried.push(port);
        return spawnUntilReady('listener', [...LISTENER, String(port)], process.env, () => listening(port), { onLine: (line) => lines.push(line) });
      },
      async () => {
        port = await freePort();
      },
    );
    try {
      expect(tried).toEqual([taken, port]);
      expect(port).not.toBe(taken);
      expect(lines.some((line) => line.includes('EADDRINUSE'))).toBe(true);
      expect(await listening(port)).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('gives up after the attempts, with a PortTakenError', async () => {
    let attempts = 0;
    const start = () => {
      attempts++;
      return spawnUntilReady('listener', [...LISTENER, String(taken)], process.env, () => listening(taken), { onLine: () => {} });
    };
    await expect(retryOnPortTaken(start, async () => {}, 3)).rejects.toBeInstanceOf(PortTakenError);
    expect(attempts).toBe(3);
  });
});
