import type { LogLevel } from './config';

const RANK: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: 100 };

/** Structured JSON-lines logger (one object per line on stdout), pino-compatible field names. */
export class Logger {
  constructor(
    private readonly name: string,
    private readonly level: LogLevel = 'info',
    private readonly bindings: Record<string, unknown> = {},
  ) {}

  child(bindings: Record<string, unknown>): Logger {
    return new Logger(this.name, this.level, { ...this.bindings, ...bindings });
  }

  trace(msg: string, fields?: Record<string, unknown>): void { this.write('trace', msg, fields); }
  debug(msg: string, fields?: Record<string, unknown>): void { this.write('debug', msg, fields); }
  info(msg: string, fields?: Record<string, unknown>): void { this.write('info', msg, fields); }
  warn(msg: string, fields?: Record<string, unknown>): void { this.write('warn', msg, fields); }
  error(msg: string, fields?: Record<string, unknown>): void { this.write('error', msg, fields); }

  private write(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
    if (RANK[level] < RANK[this.level]) return;
    const entry: Record<string, unknown> = { level, time: new Date().toISOString(), name: this.name, msg, ...this.bindings };
    if (fields) {
      for (const [k, v] of Object.entries(fields)) entry[k] = v instanceof Error ? { message: v.message, name: v.name, stack: v.stack } : v;
    }
    process.stdout.write(JSON.stringify(entry) + '\n');
  }
}
