import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { SERVICE_NAMES, SERVICES } from '@datamingle/contracts';

const exec = promisify(execFile);
export const ROOT = resolve(__dirname, '..', '..', '..', '..');
export const LAUNCHER_MAIN = join(ROOT, 'apps', 'launcher', 'dist', 'main.js');
const ADMIN_MAIN = join(ROOT, 'apps', 'launcher', 'dist', 'admin.js');

const isFree = (port: number) =>
  new Promise<boolean>((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });

/** A port p such that p and p + 100 are free (services put their probes on transport port + 100). */
export async function freePortPair(): Promise<number> {
  for (;;) {
    const p = 20_000 + Math.floor(Math.random() * 30_000);
    if ((await isFree(p)) && (await isFree(p + 100))) return p;
  }
}

/**
 * `npm start` (node apps/launcher/dist/main.js, built) on a temporary DATA_DIR and free ports.
 * dispose() kills whatever is left (the launcher, and its embedded server if it survived) and
 * removes the folder: call it in afterAll, also after a failure.
 */
export class LauncherHarness {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'dm-launcher-'));
  env: NodeJS.ProcessEnv = {};
  launcher: ChildProcess | null = null;
  /** Everything the launcher and its children wrote to stdout and stderr since the last start(). */
  output = '';

  async init(extraEnv: NodeJS.ProcessEnv = {}): Promise<this> {
    const serviceUrls: NodeJS.ProcessEnv = {};
    for (const s of SERVICE_NAMES) serviceUrls[SERVICES[s].urlVariable] = `127.0.0.1:${await freePortPair()}`;
    this.env = {
      ...process.env,
      DATA_DIR: this.dataDir,
      DATABASE_URL: '',
      GATEWAY_PORT: String(await freePortPair()),
      EMBEDDED_POSTGRES_PORT: String(await freePortPair()),
      ...serviceUrls,
      LOG_LEVEL: 'warn',
      ...extraEnv,
    };
    return this;
  }

  get gatewayPort(): number {
    return Number(this.env['GATEWAY_PORT']);
  }

  get postgresPort(): number {
    return Number(this.env['EMBEDDED_POSTGRES_PORT']);
  }

  /** Starts the launcher; resolves with its output once it printed its banner (it is ready). */
  async start(timeoutMs = 90_000): Promise<string> {
    const child = spawn(process.execPath, [LAUNCHER_MAIN], { env: this.env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.launcher = child;
    this.output = '';
    child.stdout!.on('data', (c: Buffer) => (this.output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (this.output += c.toString()));
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`launcher not ready in time:\n${this.output}`)), timeoutMs);
      const check = () => {
        if (this.output.includes('Datamingle is running')) {
          clearTimeout(timer);
          res();
        }
      };
      child.stdout!.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        rej(new Error(`launcher exited with ${code}:\n${this.output}`));
      });
    });
    return this.output;
  }

  /** SIGTERM to the launcher; resolves with its exit code and how long it took to exit. */
  async stop(): Promise<{ code: number | null; ms: number }> {
    const child = this.launcher!;
    const started = Date.now();
    const code = await new Promise<number | null>((res) => {
      child.removeAllListeners('exit');
      if (child.exitCode !== null || child.signalCode !== null) return res(child.exitCode);
      child.once('exit', (c) => res(c));
      child.kill('SIGTERM');
    });
    return { code, ms: Date.now() - started };
  }

  /** Runs the admin CLI against this platform; resolves with its stdout. */
  async admin(...args: string[]): Promise<string> {
    return (await exec(process.execPath, [ADMIN_MAIN, ...args], { env: this.env, cwd: ROOT })).stdout;
  }

  /** The pid of the embedded PostgreSQL server (the postmaster): the first line of DATA_DIR/postgres/postmaster.pid. */
  postmasterPid(): number {
    return Number(readFileSync(join(this.dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
  }

  /** Kills what is left (SIGKILL) and removes DATA_DIR. */
  async dispose(): Promise<void> {
    const child = this.launcher;
    if (child && child.exitCode === null && child.signalCode === null) {
      // SIGTERM first: the launcher stops its services and the server; SIGKILL if it takes too long.
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    // A server that outlived the launcher (its pid file is removed on a clean stop).
    try {
      const pid = this.postmasterPid();
      const { stdout } = await exec('ps', ['-o', 'args=', '-p', String(pid)]);
      if (stdout.includes(this.dataDir)) process.kill(pid, 'SIGQUIT');
    } catch {
      // no pid file, or no such process
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
