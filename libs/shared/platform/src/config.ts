import { perService, SERVICES, type ServiceName } from '@datamingle/contracts';

/**
 * Configuration, validated once at boot from environment variables (spec/platform.md).
 * Every variable is optional; the defaults run the embedded mode. An invalid value stops the
 * process with a message naming the variable.
 */
export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`Invalid configuration: ${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export interface HostPort {
  host: string;
  port: number;
  /**
   * Only when the variable lists several `host:port` separated by commas (explicit replicas):
   * all of them, in order; `host`/`port` are the first (a service listens on that port).
   */
  replicas?: HostPort[];
}

export interface PlatformConfig {
  gatewayPort: number;
  baseDomain: string;
  dataDir: string;
  databaseUrl: string | null;
  eventStore: 'postgres' | 'eventstoredb';
  eventStoreConnectionString: string | null;
  kafkaBrokers: string[] | null;
  kafkaTopicPrefix: string;
  logLevel: LogLevel;
  /** Where each service of the resource registry listens: its `*_URL` variable (`SERVICES[name].urlVariable`). */
  serviceUrls: Record<ServiceName, HostPort>;
  /** Port of the embedded PostgreSQL server (embedded mode only). */
  embeddedPostgresPort: number;
  /** `EMBEDDED_POSTGRES_SETTINGS`: extra server settings of the embedded PostgreSQL (`name=value`, comma-separated), e.g. for profiling. */
  embeddedPostgresSettings: Array<[name: string, value: string]>;
  /** Processing-time limit of the gateway, in ms (limits-and-versioning.md §5). */
  requestTimeoutMs: number;
  /** Connections per pool (each service has a read-model pool and an event-store pool). */
  dbPoolSize: number;
  /** The gateway's defences against slow, idle and oversized clients. */
  gatewayLimits: GatewayLimits;
  /** Interface the gateway binds to (`GATEWAY_HOST`). */
  gatewayHost: string;
  /** Interface the services bind their transport and probes to (`LISTEN_HOST`). */
  listenHost: string;
  /** A service's probe port (`HEALTH_PORT`); `null` = its transport port + 100. */
  healthPort: number | null;
}

/** Timeouts and budgets of the gateway's HTTP server (README "Configuration", docs/operations.md). */
export interface GatewayLimits {
  /** Time to receive a request's line and headers; also how long a new connection may stay silent. */
  headersTimeoutMs: number;
  /** Time to receive a whole request, headers and body (a body still arriving then is cut off). */
  receiveTimeoutMs: number;
  /** How long a kept-alive connection may stay idle between requests. */
  keepAliveTimeoutMs: number;
  /** Open client connections at most; further ones are closed as they arrive. */
  maxConnections: number;
  /** Bytes of request bodies held in memory at once, over all requests (then 503 + Retry-After). */
  bodyBufferBytes: number;
  /** How long a chunked body waits, its socket paused, for room in that budget before 503. */
  bodyBufferWaitMs: number;
  /** Service calls of one API key in flight from one gateway at most; its further calls wait their turn (fairness between callers). */
  keyServiceConcurrency: number;
  /** API keys whose state a gateway caches (invalidated before every admin change returns); 0: no cache, one look-up per request. */
  keyCacheEntries: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

type Env = Record<string, string | undefined>;

function port(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[0-9]+$/.test(raw) || Number(raw) < 1 || Number(raw) > 65535) {
    throw new ConfigError(name, `expected a TCP port (1-65535), got '${raw}'`);
  }
  return Number(raw);
}

function nonNegativeInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[0-9]+$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw new ConfigError(name, `expected a non-negative integer, got '${raw}'`);
  return Number(raw);
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[0-9]+$/.test(raw) || Number(raw) < 1) throw new ConfigError(name, `expected a positive integer, got '${raw}'`);
  return Number(raw);
}

function hostPort(env: Env, name: string, fallbackPort: number): HostPort {
  const raw = env[name];
  if (raw === undefined || raw === '') return { host: '127.0.0.1', port: fallbackPort };
  const all = raw.split(',').map((entry) => {
    const m = /^(?:[a-z]+:\/\/)?([^:/\s]+):([0-9]{1,5})\/?$/i.exec(entry.trim());
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new ConfigError(name, `expected host:port (or a comma-separated list of them), got '${raw}'`);
    return { host: m[1]!, port: Number(m[2]) };
  });
  return all.length > 1 ? { ...all[0]!, replicas: all } : all[0]!;
}

/** An interface to bind to: an IP literal (v4 or v6) or a hostname. */
function bindHost(env: Env, name: string, fallback: string): string {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^(?:[0-9a-f:.]+|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)$/i.test(raw)) throw new ConfigError(name, `expected an IP address or host name, got '${raw}'`);
  return raw;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `expected one of ${allowed.join(', ')}, got '${raw}'`);
  }
  return raw as T;
}

export function loadConfig(env: Env = process.env): PlatformConfig {
  const baseDomain = (env['BASE_DOMAIN'] ?? 'localhost').trim().toLowerCase().replace(/\.$/, '') || 'localhost';
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(baseDomain)) {
    throw new ConfigError('BASE_DOMAIN', `not a domain name: '${env['BASE_DOMAIN']}'`);
  }
  const databaseUrl = env['DATABASE_URL']?.trim() || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'expected a postgres:// or postgresql:// URL');
  }
  const eventStore = oneOf(env, 'EVENT_STORE', ['postgres', 'eventstoredb'] as const, 'postgres');
  const eventStoreConnectionString = env['EVENTSTORE_CONNECTION_STRING']?.trim() || null;
  if (eventStore === 'eventstoredb' && !eventStoreConnectionString) {
    throw new ConfigError('EVENTSTORE_CONNECTION_STRING', 'required when EVENT_STORE=eventstoredb');
  }
  const brokersRaw = env['KAFKA_BROKERS']?.trim();
  let kafkaBrokers: string[] | null = null;
  if (brokersRaw) {
    kafkaBrokers = brokersRaw.split(',').map((b) => b.trim()).filter(Boolean);
    if (kafkaBrokers.length === 0 || kafkaBrokers.some((b) => !/^[^:\s]+:[0-9]{1,5}$/.test(b))) {
      throw new ConfigError('KAFKA_BROKERS', `expected comma-separated host:port pairs, got '${brokersRaw}'`);
    }
  }
  const kafkaTopicPrefix = env['KAFKA_TOPIC_PREFIX']?.trim() || 'datamingle';
  if (!/^[A-Za-z0-9._-]+$/.test(kafkaTopicPrefix)) {
    throw new ConfigError('KAFKA_TOPIC_PREFIX', `only letters, digits, '.', '_' and '-' are allowed, got '${kafkaTopicPrefix}'`);
  }
  return {
    gatewayPort: port(env, 'GATEWAY_PORT', 8080),
    baseDomain,
    dataDir: env['DATA_DIR']?.trim() || '.data',
    databaseUrl,
    eventStore,
    eventStoreConnectionString,
    kafkaBrokers,
    kafkaTopicPrefix,
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    serviceUrls: perService((name) => hostPort(env, SERVICES[name].urlVariable, SERVICES[name].defaultPort)),
    embeddedPostgresPort: port(env, 'EMBEDDED_POSTGRES_PORT', 54329),
    embeddedPostgresSettings: serverSettings(env, 'EMBEDDED_POSTGRES_SETTINGS'),
    requestTimeoutMs: positiveInt(env, 'REQUEST_TIMEOUT_MS', 60_000),
    dbPoolSize: positiveInt(env, 'DB_POOL_SIZE', 20),
    gatewayLimits: gatewayLimits(env),
    gatewayHost: bindHost(env, 'GATEWAY_HOST', '::'),
    listenHost: bindHost(env, 'LISTEN_HOST', '0.0.0.0'),
    healthPort: env['HEALTH_PORT'] === undefined || env['HEALTH_PORT'] === '' ? null : port(env, 'HEALTH_PORT', 0),
  };
}

/** `name=value,name=value` of PostgreSQL server settings (names as PostgreSQL spells them; values of letters, digits and `_.:/+-`). */
function serverSettings(env: Env, name: string): Array<[string, string]> {
  const raw = env[name]?.trim();
  if (!raw) return [];
  return raw.split(',').map((item) => {
    const m = /^\s*([a-z_][a-z0-9_.]*)\s*=\s*([A-Za-z0-9_.:/+-]+)\s*$/.exec(item);
    if (!m) throw new ConfigError(name, `expected name=value[,name=value…], got '${item.trim()}'`);
    return [m[1]!, m[2]!] as [string, string];
  });
}

function gatewayLimits(env: Env): GatewayLimits {
  const limits: GatewayLimits = {
    headersTimeoutMs: positiveInt(env, 'GATEWAY_HEADERS_TIMEOUT_MS', 10_000),
    receiveTimeoutMs: positiveInt(env, 'GATEWAY_RECEIVE_TIMEOUT_MS', 60_000),
    keepAliveTimeoutMs: positiveInt(env, 'GATEWAY_KEEP_ALIVE_TIMEOUT_MS', 65_000),
    maxConnections: positiveInt(env, 'GATEWAY_MAX_CONNECTIONS', 10_000),
    bodyBufferBytes: positiveInt(env, 'GATEWAY_BODY_BUFFER_BYTES', 134_217_728),
    bodyBufferWaitMs: positiveInt(env, 'GATEWAY_BODY_BUFFER_WAIT_MS', 5_000),
    keyServiceConcurrency: positiveInt(env, 'GATEWAY_KEY_SERVICE_CONCURRENCY', 16),
    keyCacheEntries: nonNegativeInt(env, 'GATEWAY_KEY_CACHE_ENTRIES', 10_000),
  };
  if (limits.receiveTimeoutMs < limits.headersTimeoutMs) {
    throw new ConfigError('GATEWAY_RECEIVE_TIMEOUT_MS', `must be at least GATEWAY_HEADERS_TIMEOUT_MS (${limits.headersTimeoutMs})`);
  }
  // One 10 MB body must always fit, or such a request could never be served.
  if (limits.bodyBufferBytes < 10_485_760) {
    throw new ConfigError('GATEWAY_BODY_BUFFER_BYTES', 'must be at least 10485760 (one body of the maximum size)');
  }
  return limits;
}
