import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { LogLevel } from './config';

/**
 * Fields whose value is replaced by "[Redacted]" (pino's redaction), at the top level of a line
 * and one object down (`*.x`: e.g. `{ headers: { authorization } }`, `{ config: { databaseUrl } }`):
 * passwords, secrets, tokens, API keys, authorization and cookie headers, and connection strings
 * (which carry a password). `key` alone is not redacted on purpose: it names idempotency keys,
 * stream keys and the like; an API key value is logged only under one of the names below.
 */
export const REDACTED_LOG_FIELDS: readonly string[] = [
  'password',
  'passwd',
  'secret',
  'client_secret',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'csrf_token',
  'api_key',
  'apiKey',
  'authorization',
  'cookie',
  '["set-cookie"]',
  '["x-api-key"]',
  '["x-csrf-token"]',
  'database_url',
  'databaseUrl',
  'DATABASE_URL',
  'connection_string',
  'connectionString',
  'EVENTSTORE_CONNECTION_STRING',
  'eventStoreConnectionString',
];

const REDACT_PATHS = REDACTED_LOG_FIELDS.flatMap((field) => [field, field.startsWith('[') ? `*${field}` : `*.${field}`]);

let stdout: ReturnType<typeof pino.destination> | undefined;

/**
 * stdout of this process, written asynchronously (sonic-boom); one per process. Whatever is still
 * buffered is written synchronously on the process's 'exit' event, so the lines logged before a
 * `process.exit` (shutdown after SIGTERM, a boot failure, the launcher going away) are not lost.
 */
function processStdout(): DestinationStream {
  if (!stdout) {
    stdout = pino.destination({ dest: 1, sync: false });
    process.once('exit', flushLogs);
  }
  return stdout;
}

/** Writes out what the loggers of this process have buffered, synchronously. */
export function flushLogs(): void {
  try {
    stdout?.flushSync();
  } catch {
    // not open yet, or stdout closed: nothing more can be written
  }
}

const serializeErrors = (fields: Record<string, unknown>): Record<string, unknown> => {
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(fields)) {
    if (v instanceof Error) (out ??= { ...fields })[k] = { message: v.message, name: v.name, stack: v.stack };
  }
  return out ?? fields;
};

/**
 * Structured JSON-lines logger on pino: one object per line on stdout,
 * `{"level":"info","time":"<ISO 8601>","name":"<process>",...bindings,...fields,"msg":"..."}`,
 * Error values as `{message,name,stack}`, secret-looking fields redacted (REDACTED_LOG_FIELDS).
 */
export class Logger {
  private readonly pino: PinoLogger;

  /** `destination`: where lines go (default: this process's stdout, asynchronously). */
  constructor(name: string, level: LogLevel = 'info', bindings: Record<string, unknown> = {}, destination?: DestinationStream) {
    const root = pino(
      {
        level,
        base: { name },
        messageKey: 'msg',
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        redact: { paths: REDACT_PATHS },
      },
      destination ?? processStdout(),
    );
    this.pino = Object.keys(bindings).length ? root.child(bindings) : root;
  }

  child(bindings: Record<string, unknown>): Logger {
    const child = Object.create(Logger.prototype) as Logger;
    (child as unknown as { pino: PinoLogger }).pino = this.pino.child(bindings);
    return child;
  }

  trace(msg: string, fields?: Record<string, unknown>): void { this.write('trace', msg, fields); }
  debug(msg: string, fields?: Record<string, unknown>): void { this.write('debug', msg, fields); }
  info(msg: string, fields?: Record<string, unknown>): void { this.write('info', msg, fields); }
  warn(msg: string, fields?: Record<string, unknown>): void { this.write('warn', msg, fields); }
  error(msg: string, fields?: Record<string, unknown>): void { this.write('error', msg, fields); }

  private write(level: Exclude<LogLevel, 'silent' | 'fatal'>, msg: string, fields?: Record<string, unknown>): void {
    if (!this.pino.isLevelEnabled(level)) return;
    if (fields) this.pino[level](serializeErrors(fields), msg);
    else this.pino[level](msg);
  }
}
