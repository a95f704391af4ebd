import { DuplicateEventIdError, EventStoreUnavailableError, WrongExpectedVersionError } from '@datamingle/event-store';
import { duplicateEventIdFromDetail, isConnectionError, isDefinitiveFailure, toEventStoreError } from './errors';
import { assertValidSchemaName, postgresEventStoreChannel, postgresEventStoreMigration } from './migration';
import { comparePositions, decodePosition, encodePosition, START_POSITION } from './position';
import { copyText, PostgresEventStore } from './postgres-event-store';

const MAX_UINT64 = 18446744073709551615n;

describe('PostgreSQL event-store positions', () => {
  it('encodes the transaction id and the sequence value, zero-padded to 20 digits each', () => {
    expect(encodePosition({ transactionId: 771n, globalPosition: 42n })).toBe('00000000000000000771:00000000000000000042');
    expect(START_POSITION).toBe('00000000000000000000:00000000000000000000');
  });

  it('round-trips values beyond Number.MAX_SAFE_INTEGER up to 2^64 - 1 exactly', () => {
    for (const position of [
      { transactionId: 9007199254740993n, globalPosition: 9007199254740995n },
      { transactionId: MAX_UINT64, globalPosition: MAX_UINT64 },
      { transactionId: 0n, globalPosition: 0n },
    ]) {
      const encoded = encodePosition(position);
      expect(encoded).toMatch(/^\d{20}:\d{20}$/);
      expect(decodePosition(encoded)).toEqual(position);
    }
  });

  it('rejects values that do not fit', () => {
    expect(() => encodePosition({ transactionId: -1n, globalPosition: 0n })).toThrow(RangeError);
    expect(() => encodePosition({ transactionId: 0n, globalPosition: MAX_UINT64 + 1n })).toThrow(RangeError);
    expect(() => encodePosition({ transactionId: 1 as unknown as bigint, globalPosition: 0n })).toThrow(RangeError);
  });

  it.each(['', '1:2', '00000000000000000001-00000000000000000002', '0000000000000000000a:00000000000000000002', ' 00000000000000000001:00000000000000000002', '99999999999999999999:00000000000000000000'])(
    'rejects the malformed position %p',
    (position) => {
      expect(() => decodePosition(position)).toThrow(RangeError);
    },
  );

  it('orders by transaction id first, then by sequence value, and string order agrees', () => {
    const ordered = [
      { transactionId: 5n, globalPosition: 100n },
      { transactionId: 5n, globalPosition: 101n },
      { transactionId: 6n, globalPosition: 3n }, // later transaction, lower sequence value
      { transactionId: 10n, globalPosition: 2n },
      { transactionId: 9007199254740993n, globalPosition: 1n },
      { transactionId: 9007199254740994n, globalPosition: 0n },
    ].map(encodePosition);
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        const expected = Math.sign(i - j);
        expect(Math.sign(comparePositions(ordered[i]!, ordered[j]!))).toBe(expected);
        expect(ordered[i]! < ordered[j]!).toBe(i < j);
      }
    }
    expect([...ordered].reverse().sort()).toEqual(ordered);
  });
});

describe('postgresEventStoreMigration', () => {
  const sql = postgresEventStoreMigration('event_store');

  it('is idempotent DDL for the given schema', () => {
    expect(sql).toContain('CREATE SCHEMA IF NOT EXISTS "event_store"');
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS "event_store".streams');
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS "event_store".events');
    expect(sql).toMatch(/transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id\(\)/);
    expect(sql).toMatch(/CREATE INDEX IF NOT EXISTS \w+\s+ON "event_store".events \(transaction_id, global_position\)/);
    expect(sql).toMatch(/CREATE INDEX IF NOT EXISTS \w+\s+ON "event_store".events \(category, transaction_id, global_position\)/);
    expect(sql).toContain('CREATE OR REPLACE FUNCTION "event_store".notify_events_appended()');
    expect(sql).toContain('CREATE OR REPLACE TRIGGER events_appended_notify');
    expect(sql).toContain(`pg_notify('event_store_events_appended', CASE WHEN categories IS NULL`);
    expect(sql).toContain('REFERENCING NEW TABLE AS appended');
    expect(sql).not.toMatch(/CREATE (TABLE|INDEX|SCHEMA) (?!IF NOT EXISTS)/);
    expect(PostgresEventStore.migrationSql()).toBe(sql);
    expect(postgresEventStoreChannel('tenant_a')).toBe('tenant_a_events_appended');
  });

  it.each(['', 'Event_Store', 'bad"name', 'a;drop', '1abc', 'x'.repeat(41), 'with-dash'])('refuses the schema name %p', (schema) => {
    expect(() => assertValidSchemaName(schema)).toThrow(RangeError);
    expect(() => postgresEventStoreMigration(schema)).toThrow(RangeError);
  });
});

describe('PostgreSQL error mapping', () => {
  const withCode = (code: string, message = 'boom'): Error => Object.assign(new Error(message), { code });

  it.each([
    withCode('ECONNREFUSED'),
    withCode('ECONNRESET'),
    withCode('ETIMEDOUT'),
    withCode('ENOTFOUND'),
    withCode('08006'),
    withCode('57P01'),
    withCode('53300'),
    new Error('Connection terminated unexpectedly'),
    new Error('timeout exceeded when trying to connect'),
    new Error('Cannot use a pool after calling end on the pool'),
    new AggregateError([withCode('ECONNREFUSED')], ''),
  ])('treats %p as the store being unavailable', (error) => {
    expect(isConnectionError(error)).toBe(true);
    const mapped = toEventStoreError(error);
    expect(mapped).toBeInstanceOf(EventStoreUnavailableError);
    expect((mapped as EventStoreUnavailableError).cause).toBe(error);
  });

  it.each([withCode('23505'), withCode('22P02'), withCode('42P01'), new TypeError('bad'), 'text', undefined])(
    'passes %p through unchanged',
    (error) => {
      expect(isConnectionError(error)).toBe(false);
      expect(toEventStoreError(error)).toBe(error);
    },
  );

  it('keeps the port errors as they are', () => {
    const error = new WrongExpectedVersionError('s-1', 0n, 'no_stream');
    expect(toEventStoreError(error)).toBe(error);
  });

  it('reads the duplicate id from a unique-violation detail', () => {
    expect(duplicateEventIdFromDetail('Key (event_id)=(3f1c2a4e-0000-4000-8000-000000000001) already exists.')).toBe(
      '3f1c2a4e-0000-4000-8000-000000000001',
    );
    expect(duplicateEventIdFromDetail(undefined)).toBeUndefined();
  });

  describe('isDefinitiveFailure (did a failed commit-bearing statement certainly not commit?)', () => {
    const serverError = (code: string, severity: string): Error => Object.assign(new Error('server says no'), { code, severity });

    it.each([
      ['a server ERROR (unique violation)', serverError('23505', 'ERROR')],
      ['a server ERROR (serialization failure at COMMIT)', serverError('40001', 'ERROR')],
      ['a server ERROR (deadlock)', serverError('40P01', 'ERROR')],
      ['a server ERROR (check violation)', serverError('23514', 'ERROR')],
      ['a wrong expected version', new WrongExpectedVersionError('s-1', 'no_stream', 0n)],
      ['a duplicate event id', new DuplicateEventIdError('s-1')],
      ['a query on a broken client (never sent)', new Error('Client has encountered a connection error and is not queryable')],
      ['a query on a closed client (never sent)', new Error('Client was closed and is not queryable')],
      ['the unavailable-wrapped query on a broken client', new EventStoreUnavailableError('x', new Error('Client was closed and is not queryable'))],
    ])('%s is definitive', (_, error) => {
      expect(isDefinitiveFailure(error)).toBe(true);
    });

    it.each([
      ['a lost connection', new Error('Connection terminated unexpectedly')],
      ['a reset socket', withCode('ECONNRESET')],
      ['a terminated backend (FATAL 57P01)', serverError('57P01', 'FATAL')],
      ['a crash shutdown (FATAL 57P02)', serverError('57P02', 'FATAL')],
      ['a cancel (57014, may come after the commit)', serverError('57014', 'ERROR')],
      ['an I/O error (58030)', serverError('58030', 'ERROR')],
      ['an internal error (XX000)', serverError('XX000', 'ERROR')],
      ['a PANIC', serverError('23505', 'PANIC')],
      ['a client-side query timeout', new Error('Query read timeout')],
      ['the unavailable-wrapped lost connection', new EventStoreUnavailableError('x', new Error('Connection terminated unexpectedly'))],
      ['an unknown error', new TypeError('bad')],
      ['a non-error', 'text'],
    ])('%s is in doubt', (_, error) => {
      expect(isDefinitiveFailure(error)).toBe(false);
    });
  });
});

describe('copyText (COPY text format)', () => {
  it('escapes backslash, newline, carriage return and tab, and leaves everything else as it is', () => {
    expect(copyText('plain ünïcödé 😀 "quoted" \\N')).toBe('plain ünïcödé 😀 "quoted" \\\\N');
    expect(copyText('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyText('')).toBe('');
  });
});
