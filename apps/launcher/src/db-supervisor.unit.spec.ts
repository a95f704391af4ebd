import { Logger } from '@datamingle/platform';
import { ServerSupervisor, type RestartableServer } from './db-supervisor';
import type { ServerRun } from './embedded-db';

/** A server whose runs the test ends by hand; start() fails with the queued reasons first. */
class FakeServer implements RestartableServer {
  runs: { pid: number; exit(how: string): void; release(): void }[] = [];
  failures: string[] = [];
  starts: number[] = [];
  stopped = 0;
  private nextPid = 100;

  async start(): Promise<ServerRun> {
    this.starts.push(Date.now());
    const reason = this.failures.shift();
    if (reason) throw new Error(reason);
    let exit!: (how: string) => void;
    let release!: () => void;
    const run: ServerRun = {
      pid: this.nextPid++,
      exited: new Promise((r) => (exit = r)),
      released: new Promise((r) => (release = r)),
    };
    this.runs.push({ pid: run.pid, exit, release });
    return run;
  }

  async stop(): Promise<void> {
    this.stopped += 1;
    this.runs.at(-1)?.exit('code 0');
  }
}

const eventually = async (condition: () => boolean, ms = 2_000) => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('ServerSupervisor', () => {
  const logger = new Logger('test', 'silent');

  it('starts the server again after its process died, retrying failed starts with growing delays', async () => {
    const server = new FakeServer();
    const ups: number[] = [];
    const supervisor = new ServerSupervisor(server, logger, { delaysMs: [20, 40, 80], onUp: ({ pid }) => ups.push(pid) });
    supervisor.supervise(await server.start());
    server.failures.push('pre-existing shared memory block is still in use', 'still in use');

    const killed = Date.now();
    server.runs[0]!.exit('signal SIGKILL');
    await eventually(() => ups.length === 1);
    expect(server.starts).toHaveLength(4); // the first run, two failures, the restart
    const gaps = server.starts.slice(1).map((t, i) => t - (i === 0 ? killed : server.starts[i]!));
    expect(gaps[0]).toBeGreaterThanOrEqual(15);
    expect(gaps[1]).toBeGreaterThanOrEqual(35);
    expect(gaps[2]).toBeGreaterThanOrEqual(75);
    expect(ups).toEqual([101]);

    // A second crash soon after: the delays go on growing (capped at the last one).
    const again = Date.now();
    server.runs[1]!.exit('signal SIGKILL');
    await eventually(() => ups.length === 2);
    expect(Date.now() - again).toBeGreaterThanOrEqual(75);

    await supervisor.stop();
    expect(server.stopped).toBe(1);
  });

  it('retries as soon as the crashed run released the data folder', async () => {
    const server = new FakeServer();
    const supervisor = new ServerSupervisor(server, logger, { delaysMs: [10_000] });
    supervisor.supervise(await server.start());
    server.runs[0]!.exit('signal SIGKILL');
    await new Promise((r) => setTimeout(r, 50));
    expect(server.starts).toHaveLength(1); // waiting: neither the delay nor the release came
    server.runs[0]!.release();
    await eventually(() => server.runs.length === 2);
    await supervisor.stop();
  });

  it('stop() during the wait before a restart ends the supervision at once and starts nothing', async () => {
    const server = new FakeServer();
    const supervisor = new ServerSupervisor(server, logger, { delaysMs: [10_000] });
    supervisor.supervise(await server.start());
    server.runs[0]!.exit('signal SIGKILL');
    const started = Date.now();
    await supervisor.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(server.starts).toHaveLength(1);
  });
});
