import { spawnSync } from 'node:child_process';
import { Logger } from './logger';

const capture = () => {
  const lines: string[] = [];
  return { lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>), stream: { write: (s: string) => void lines.push(s) } };
};

describe('Logger', () => {
  it('writes one JSON object per line: level label, ISO time, name, bindings, fields and msg', () => {
    const out = capture();
    const logger = new Logger('gateway', 'info', { replica: 'a' }, out.stream);
    logger.info('gateway listening', { port: 8080 });
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toMatch(/^\{"level":"info","time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","name":"gateway",/);
    expect(out.lines[0]!.endsWith('}\n')).toBe(true);
    expect(out.parsed()[0]).toEqual({ level: 'info', time: expect.any(String), name: 'gateway', replica: 'a', port: 8080, msg: 'gateway listening' });
  });

  it('drops lines below its level (silent: all), and child loggers add bindings', () => {
    const out = capture();
    const logger = new Logger('orders', 'warn', {}, out.stream);
    logger.trace('t');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.child({ request_id: 'r1' }).error('e', { code: 7 });
    new Logger('x', 'silent', {}, out.stream).error('never');
    expect(out.parsed().map((l) => [l['level'], l['msg'], l['request_id'], l['code']])).toEqual([
      ['warn', 'w', undefined, undefined],
      ['error', 'e', 'r1', 7],
    ]);
    expect(out.lines[1]).toContain('"level":"error"');
  });

  it('serializes errors as {message, name, stack}', () => {
    const out = capture();
    const error = new TypeError('boom');
    new Logger('gateway', 'info', {}, out.stream).error('request failed', { error, request_id: 'r' });
    expect(out.parsed()[0]!['error']).toEqual({ message: 'boom', name: 'TypeError', stack: error.stack });
  });

  it('redacts secret-looking fields at the top level and one object down, and leaves others', () => {
    const out = capture();
    new Logger('gateway', 'info', {}, out.stream).warn('x', {
      password: 'hunter2',
      api_key: 'dm_live_abc',
      'x-api-key': 'dm_live_def',
      headers: { authorization: 'Bearer t', 'x-api-key': 'dm_live_ghi', accept: 'application/json' },
      config: { databaseUrl: 'postgres://u:pw@h/db', port: 5432 },
      csrf_token: 'c',
      key: 'idempotency-1',
    });
    const line = out.lines[0]!;
    for (const secret of ['hunter2', 'dm_live_', 'Bearer t', 'pw@h', '"c"']) expect(line).not.toContain(secret);
    expect(out.parsed()[0]).toMatchObject({
      password: '[Redacted]',
      api_key: '[Redacted]',
      'x-api-key': '[Redacted]',
      headers: { authorization: '[Redacted]', 'x-api-key': '[Redacted]', accept: 'application/json' },
      config: { databaseUrl: '[Redacted]', port: 5432 },
      csrf_token: '[Redacted]',
      key: 'idempotency-1',
    });
  });

  it('does not lose buffered lines when the process exits right after logging', () => {
    // The logger module transpiled on the fly (no TypeScript loader in a bare child process).
    const script = [
      "const ts = require('typescript');",
      "const source = ts.transpileModule(require('fs').readFileSync('logger.ts', 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, esModuleInterop: true } }).outputText;",
      'const mod = { exports: {} };',
      'new Function("require", "module", "exports", source)(require, mod, mod.exports);',
      'const { Logger, flushLogs } = mod.exports;',
      "const l = new Logger('p', 'info');",
      "for (let i = 0; i < 2000; i++) l.info('line', { i, pad: 'x'.repeat(200) });",
      "l.error('last');",
      'flushLogs();',
      'process.exit(0);',
    ].join('\n');
    const result = spawnSync(process.execPath, ['-e', script], { cwd: __dirname, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const lines = result.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(2001);
    expect(JSON.parse(lines[2000]!)).toMatchObject({ level: 'error', msg: 'last', name: 'p' });
  });
});
