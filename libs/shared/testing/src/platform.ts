import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { perService, SERVICE_NAMES as REGISTRY_SERVICES, SERVICES, type ServiceName as RegistryService } from '@datamingle/contracts';
import { createTestDatabase } from './database';

const exec = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..', '..', '..');
/** The processes of the platform: every service of the resource registry (callees first), then the gateway. */
export const SERVICE_NAMES = [...REGISTRY_SERVICES, 'gateway'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => res(port));
    });
  });
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Parsed JSON body, or undefined when there is none / it is not JSON. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface ApiRequestOptions {
  /** Sent as X-API-Key unless undefined. */
  key?: string;
  host?: string;
  body?: unknown;
  /** Raw body bytes/string, sent as is (no JSON encoding). */
  rawBody?: string | Buffer;
  headers?: Record<string, string | string[]>;
}

/** Checks every response the harness receives (e.g. against the OpenAPI document); throws to fail the test. */
export type ResponseCheck = (request: { method: string; path: string; key?: string }, response: ApiResponse) => void;
let responseCheck: ResponseCheck | null = null;

const partnerKeys = new Set<string>();

/**
 * Tells the response check that `key` is a partner key: its records use the partner's field
 * names (custom-integrations.md §6), so the check compares their shape loosely.
 */
export function registerPartnerKey(key: string): void {
  partnerKeys.add(key);
}

export function isPartnerKey(key: string | undefined): boolean {
  return key !== undefined && partnerKeys.has(key);
}

/** Registers the check that every later response must pass (the e2e tier's setup registers one). */
export function setResponseCheck(check: ResponseCheck | null): void {
  responseCheck = check;
}

/** Sends a request with the path exactly as given (no URL normalisation). */
export function rawRequest(port: number, method: string, path: string, options: ApiRequestOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string | string[]> = { host: options.host ?? 'acme.localhost', ...(options.headers ?? {}) };
  let payload: Buffer | undefined;
  if (options.rawBody !== undefined) payload = Buffer.isBuffer(options.rawBody) ? options.rawBody : Buffer.from(options.rawBody);
  else if (options.body !== undefined) {
    payload = Buffer.from(JSON.stringify(options.body));
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  if (options.key !== undefined) headers['x-api-key'] = options.key;
  if (payload) headers['content-length'] = String(payload.length);
  return new Promise((res, rej) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        const response: ApiResponse = { status: r.statusCode ?? 0, headers: r.headers, text, body };
        try {
          responseCheck?.({ method, path, ...(options.key !== undefined ? { key: options.key } : {}) }, response);
        } catch (error) {
          rej(error);
          return;
        }
        res(response);
      });
      r.on('error', rej);
    });
    req.on('error', rej);
    if (payload) req.write(payload);
    req.end();
  });
}

export interface TestPlatform {
  databaseUrl: string;
  gatewayPort: number;
  env: NodeJS.ProcessEnv;
  request(method: string, path: string, options?: ApiRequestOptions): Promise<ApiResponse>;
  /** Runs the admin CLI; resolves with stdout, rejects with stderr on a non-zero exit. */
  admin(...args: string[]): Promise<string>;
  createTenant(slug: string): Promise<{ id: string; slug: string }>;
  createKey(tenant: string, options?: { scopes?: string[]; expiresAt?: string; name?: string }): Promise<{ key: string; id: string }>;
  /** `user create` through the CLI, the password on stdin; resolves with the user JSON. */
  createUser(tenant: string, email: string, password: string, options?: { role?: 'admin' | 'viewer'; name?: string }): Promise<{ id: string; email: string; role: string }>;
  kill(service: ServiceName, signal?: NodeJS.Signals): Promise<void>;
  /** Sends a signal without waiting for an exit (e.g. SIGSTOP / SIGCONT). */
  signal(service: ServiceName, signal: NodeJS.Signals): void;
  /** The process id of a service's (main) process, while it runs. */
  pid(service: ServiceName): number | undefined;
  /** Lines the service's process wrote to stdout and stderr (only with `captureLogs`). */
  logs(service: ServiceName): string[];
  start(service: ServiceName): Promise<void>;
  /**
   * Starts one more process of `service` against the same database, on its own ports (a
   * replica). `env` goes over the platform's environment: point a replica at other replicas
   * with the `*_URL` variables of the services it calls (a replica's own URL variable is set to its
   * port). stop() also stops every replica.
   */
  startReplica(service: ServiceName, options?: { env?: NodeJS.ProcessEnv }): Promise<Replica>;
  /** A second process of every service, wired to each other (its gateway → its services, its orders and inventory → its catalog). */
  startReplicaSet(options?: { env?: (service: ServiceName) => NodeJS.ProcessEnv }): Promise<Record<ServiceName, Replica>>;
  stop(): Promise<void>;
}

/** A further process of a service started by TestPlatform.startReplica. */
export interface Replica {
  service: ServiceName;
  /** The service's transport port (its *_URL), or the gateway's HTTP port. */
  port: number;
  /** `127.0.0.1:<port>`: the value of its `*_URL` variable that reaches it. */
  url: string;
  /** HEALTH_PORT of a service; for a gateway, its HTTP port. */
  healthPort: number;
  /** The environment it was started with. */
  env: NodeJS.ProcessEnv;
  /** Whether the process is still running. */
  alive(): boolean;
  /** A request to this gateway replica (gateway replicas only). */
  request(method: string, path: string, options?: ApiRequestOptions): Promise<ApiResponse>;
  /** Sends the signal (default SIGKILL) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** `url` with `application_name` set, so that pg_stat_activity tells the connections of one process from another's. */
export function withApplicationName(url: string, applicationName: string): string {
  const u = new URL(url);
  u.searchParams.set('application_name', applicationName);
  return u.toString();
}

/** Sends `signal` and resolves at the exit; a process that ignores a gentler signal for 10 s is SIGKILLed. */
function killChild(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((r) => {
    const timer = signal === 'SIGKILL' ? undefined : setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      r();
    });
    child.kill(signal);
  });
}

function assertBuilt(): void {
  for (const s of [...SERVICE_NAMES, 'launcher']) {
    const entry = join(ROOT, 'apps', s, 'dist', s === 'launcher' ? 'admin.js' : 'main.js');
    if (!existsSync(entry)) throw new Error(`${entry} is missing: build the workspace first (npm run build)`);
  }
}

/** Polls `check`; ends early with the error `failed` returns (when it returns one). */
async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string, failed?: () => Error | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await check().catch(() => false);
    const error = failed?.();
    if (error) throw error;
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A process that said EADDRINUSE while starting: a port it was given is taken. It has been killed. */
export class PortTakenError extends Error {}

/** Start attempts of one process, each on new ports (see retryOnPortTaken). */
const START_ATTEMPTS = 5;

/**
 * Runs `attempt` again while it fails with a PortTakenError, at most `attempts` times in all,
 * after `newPorts` before each retry (or the attempt picks its ports itself). freePort() only finds
 * a port that was free a moment ago: until the child binds it, another process can take it (even
 * as the local port of an outgoing connection), and the child then exits with `listen EADDRINUSE`
 * (it failed a CI run once).
 */
export async function retryOnPortTaken<T>(attempt: () => Promise<T>, newPorts: () => Promise<void> = async () => {}, attempts = START_ATTEMPTS): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof PortTakenError) || i >= attempts) throw error;
      await newPorts();
    }
  }
}

/**
 * Spawns `node <args>` and waits (30 s at most) until `ready` holds. Its output goes line by line
 * to `onLine`, else through to the test's own (piped, not inherited, so that it can be read): as
 * soon as a line says EADDRINUSE, this rejects with a PortTakenError. A process that is not ready
 * is killed. `onSpawn` gets the process before the wait.
 */
export async function spawnUntilReady(
  what: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: () => Promise<boolean>,
  options: { onSpawn?: (child: ChildProcess) => void; onLine?: (line: string) => void } = {},
): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  options.onSpawn?.(child);
  let portTaken = false;
  for (const [stream, through] of [[child.stdout, process.stdout], [child.stderr, process.stderr]] as const) {
    let rest = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (text: string) => {
      if (!options.onLine) through.write(text);
      const parts = (rest + text).split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) {
        if (line.includes('EADDRINUSE')) portTaken = true;
        if (line.length > 0) options.onLine?.(line);
      }
    });
  }
  try {
    await waitFor(ready, 30_000, what, () => (portTaken ? new PortTakenError(`${what}: a port it was given is taken (EADDRINUSE)`) : undefined));
  } catch (error) {
    await killChild(child, 'SIGKILL');
    throw error;
  }
  return child;
}

/** Runs the built admin CLI with `input` on stdin; resolves with stdout, rejects with stderr on a non-zero exit. */
export function runAdminWithInput(env: NodeJS.ProcessEnv, args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'apps', 'launcher', 'dist', 'admin.js'), ...args], { env, cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr!.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(stderr.trim() || `admin exited with ${code}`))));
    child.stdin!.end(input);
  });
}

/**
 * Starts the real platform for an e2e test: a fresh database on the test PostgreSQL server,
 * migrations through the admin CLI, and the built gateway and services as separate processes
 * on free ports.
 */
export async function startTestPlatform(
  options: {
    env?: NodeJS.ProcessEnv;
    /** Environment of one service's process on top of the platform's (`env` is the platform's), e.g. its own application_name. */
    serviceEnv?: (service: ServiceName, env: NodeJS.ProcessEnv) => NodeJS.ProcessEnv;
    /** Keep what the processes write (see `logs`) instead of passing it through. */
    captureLogs?: boolean;
  } = {},
): Promise<TestPlatform> {
  assertBuilt();
  const databaseUrl = await createTestDatabase('e2e');
  let gatewayPort = await freePort();
  const servicePorts = new Map<RegistryService, number>();
  const healthPorts: Record<ServiceName, number> = { ...perService(() => 0), gateway: 0 };
  for (const s of REGISTRY_SERVICES) {
    servicePorts.set(s, await freePort());
    healthPorts[s] = await freePort();
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    GATEWAY_PORT: String(gatewayPort),
    GATEWAY_HOST: '127.0.0.1',
    LISTEN_HOST: '127.0.0.1',
    ...Object.fromEntries(REGISTRY_SERVICES.map((s) => [SERVICES[s].urlVariable, `127.0.0.1:${servicePorts.get(s)}`])),
    LOG_LEVEL: process.env['E2E_LOG_LEVEL'] ?? 'error',
    ...options.env,
  };
  const admin = async (...args: string[]) => {
    try {
      const { stdout } = await exec(process.execPath, [join(ROOT, 'apps', 'launcher', 'dist', 'admin.js'), ...args], { env, cwd: ROOT });
      return stdout;
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(e.stderr?.trim() || e.message);
    }
  };
  await admin('migrate');

  const children = new Map<ServiceName, ChildProcess>();
  const output = new Map<ServiceName, string[]>(SERVICE_NAMES.map((s) => [s, []]));
  const start = async (service: ServiceName) => {
    const lines = output.get(service)!;
    const probe = service === 'gateway' ? () => rawRequest(gatewayPort, 'GET', '/healthz') : () => rawRequest(healthPorts[service], 'GET', '/readyz');
    await spawnUntilReady(
      service,
      [join(ROOT, 'apps', service, 'dist', 'main.js')],
      { ...env, HEALTH_PORT: String(healthPorts[service] || '') || undefined, ...options.serviceEnv?.(service, env) },
      async () => (await probe()).status === 200,
      { onSpawn: (child) => children.set(service, child), ...(options.captureLogs ? { onLine: (line: string) => lines.push(line) } : {}) },
    );
  };
  /**
   * `start` at start-up, again on new ports while its ports are taken (retryOnPortTaken): they go
   * into `env` (its `*_URL`, GATEWAY_PORT), which its callers, started after it, are given. The
   * lines of a failed attempt are dropped (their EADDRINUSE error is no error of the test's).
   */
  const startOnFreePorts = (service: ServiceName) =>
    retryOnPortTaken(
      () => start(service),
      async () => {
        if (service === 'gateway') {
          gatewayPort = await freePort();
          env['GATEWAY_PORT'] = String(gatewayPort);
        } else {
          servicePorts.set(service, await freePort());
          healthPorts[service] = await freePort();
          env[SERVICES[service].urlVariable] = `127.0.0.1:${servicePorts.get(service)}`;
        }
        output.get(service)!.length = 0;
      },
    );
  const kill = (service: ServiceName, signal: NodeJS.Signals = 'SIGKILL') => killChild(children.get(service), signal);
  const replicas: ChildProcess[] = [];
  const startReplica = async (service: ServiceName, opts: { env?: NodeJS.ProcessEnv } = {}): Promise<Replica> => {
    // New ports on every attempt (retryOnPortTaken): whoever calls the replica learns them from the result.
    const { port, healthPort, replicaEnv, child } = await retryOnPortTaken(async () => {
      const port = await freePort();
      const healthPort = service === 'gateway' ? port : await freePort();
      const own = service === 'gateway' ? { GATEWAY_PORT: String(port) } : { [SERVICES[service].urlVariable]: `127.0.0.1:${port}`, HEALTH_PORT: String(healthPort) };
      const replicaEnv: NodeJS.ProcessEnv = { ...env, ...opts.env, ...own };
      const probe = service === 'gateway' ? '/healthz' : '/readyz';
      const child = await spawnUntilReady(`${service} replica`, [join(ROOT, 'apps', service, 'dist', 'main.js')], replicaEnv, async () => (await rawRequest(healthPort, 'GET', probe)).status === 200, {
        onSpawn: (c) => replicas.push(c),
      });
      return { port, healthPort, replicaEnv, child };
    });
    try {
      if (service === 'gateway') await waitFor(async () => (await rawRequest(port, 'GET', '/readyz')).status === 200, 30_000, 'gateway replica readiness');
    } catch (error) {
      await killChild(child, 'SIGKILL');
      throw error;
    }
    return {
      service,
      port,
      url: `127.0.0.1:${port}`,
      healthPort,
      env: replicaEnv,
      alive: () => child.exitCode === null && child.signalCode === null,
      request: (method, path, o) => {
        if (service !== 'gateway') return Promise.reject(new Error(`${service} is not a gateway`));
        return rawRequest(port, method, path, o);
      },
      kill: (signal = 'SIGKILL') => killChild(child, signal),
    };
  };
  const startReplicaSet = async (opts: { env?: (service: ServiceName) => NodeJS.ProcessEnv } = {}) => {
    // In the registry's start order: each service gets the addresses of the replicas it calls.
    const set = {} as Record<RegistryService, Replica>;
    const urlsOf = (services: readonly RegistryService[]) => Object.fromEntries(services.map((s) => [SERVICES[s].urlVariable, set[s].url]));
    let waiting: readonly RegistryService[] = REGISTRY_SERVICES;
    while (waiting.length > 0) {
      // Those whose callees run already start together.
      const ready = waiting.filter((s) => SERVICES[s].calls.every((c) => set[c] !== undefined));
      const started = await Promise.all(ready.map((s) => startReplica(s, { env: { ...urlsOf(SERVICES[s].calls), ...opts.env?.(s) } })));
      ready.forEach((s, i) => (set[s] = started[i]!));
      waiting = waiting.filter((s) => !ready.includes(s));
    }
    const gateway = await startReplica('gateway', { env: { ...urlsOf(REGISTRY_SERVICES), ...opts.env?.('gateway') } });
    return { ...set, gateway };
  };
  try {
    // In waves, callees first (as startReplicaSet): a service started again on new ports has them
    // in `env` before its callers start.
    let waiting: readonly RegistryService[] = REGISTRY_SERVICES;
    while (waiting.length > 0) {
      const ready = waiting.filter((s) => SERVICES[s].calls.every((c) => !waiting.includes(c)));
      await Promise.all(ready.map(startOnFreePorts));
      waiting = waiting.filter((s) => !ready.includes(s));
    }
    await startOnFreePorts('gateway');
    await waitFor(async () => (await rawRequest(gatewayPort, 'GET', '/readyz')).status === 200, 30_000, 'gateway readiness');
  } catch (error) {
    await Promise.all(SERVICE_NAMES.map((s) => kill(s)));
    throw error;
  }

  return {
    databaseUrl,
    gatewayPort,
    env,
    request: (method, path, opts) => rawRequest(gatewayPort, method, path, opts),
    admin,
    async createTenant(slug) {
      return JSON.parse(await admin('tenant', 'create', slug));
    },
    async createKey(tenant, opts = {}) {
      const args = ['key', 'create', '--tenant', tenant, '--name', opts.name ?? 'e2e key'];
      if (opts.scopes) args.push('--scopes', opts.scopes.join(','));
      if (opts.expiresAt) args.push('--expires-at', opts.expiresAt);
      // One CLI run: the key is the only line on stdout, its metadata (with the id) goes to stderr.
      try {
        const { stdout, stderr } = await exec(process.execPath, [join(ROOT, 'apps', 'launcher', 'dist', 'admin.js'), ...args], { env, cwd: ROOT });
        const meta = JSON.parse(stderr.trim().split('\n').pop()!) as { id: string };
        return { key: stdout.trim(), id: meta.id };
      } catch (error) {
        const e = error as { stderr?: string; message: string };
        throw new Error(e.stderr?.trim() || e.message);
      }
    },
    async createUser(tenant, email, password, opts = {}) {
      const args = ['user', 'create', '--tenant', tenant, '--email', email, '--password-stdin'];
      if (opts.role) args.push('--role', opts.role);
      if (opts.name !== undefined) args.push('--name', opts.name);
      return JSON.parse(await runAdminWithInput(env, args, password + '\n'));
    },
    kill,
    signal: (service, sig) => void children.get(service)?.kill(sig),
    pid: (service) => {
      const child = children.get(service);
      return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    logs: (service) => [...output.get(service)!],
    start,
    startReplica,
    startReplicaSet,
    async stop() {
      await Promise.all([...SERVICE_NAMES.map((s) => kill(s, 'SIGTERM')), ...replicas.map((c) => killChild(c, 'SIGTERM'))]);
    },
  };
}
