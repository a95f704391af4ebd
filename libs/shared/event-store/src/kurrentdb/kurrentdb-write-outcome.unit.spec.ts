/**
 * Write outcome of the KurrentDB adapter's appends (write-outcome.ts), with the gRPC client
 * replaced by a stand-in that answers like the real one (KurrentDB cannot run in this CI; the
 * real client against a closed port is in kurrentdb-event-store.int.spec.ts).
 */
import { randomUUID } from 'node:crypto';
import { ErrorType } from '@kurrent/kurrentdb-client';
import { EventStoreUnavailableError, WrongExpectedVersionError, type NewEvent } from '../port';
import { trackWrites, writeOutcome } from '../write-outcome';
import { isDefinitiveAppendFailure, KurrentDbEventStore } from './kurrentdb-event-store';

const event = (type: string): NewEvent => ({ id: randomUUID(), type, data: { type }, metadata: {} });
const commandError = (type: ErrorType, message = String(type)) => Object.assign(new Error(message), { type });

/** A store whose client answers every append with `answer`. */
function storeAnswering(answer: () => Promise<unknown>): KurrentDbEventStore {
  const store = new KurrentDbEventStore({ connectionString: 'kurrentdb://127.0.0.1:1?tls=false' });
  const client = { appendToStream: answer, multiStreamAppend: answer, dispose: async () => {} };
  Object.assign(store as unknown as { client: unknown }, { client });
  return store;
}

describe('KurrentDB append failures: definitive or in doubt', () => {
  it.each([
    ErrorType.WRONG_EXPECTED_VERSION,
    ErrorType.NOT_LEADER,
    ErrorType.ACCESS_DENIED,
    ErrorType.INVALID_ARGUMENT,
    ErrorType.STREAM_DELETED,
    ErrorType.STREAM_TOMBSTONED,
    ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED,
    ErrorType.APPEND_RECORD_SIZE_EXCEEDED,
  ])('%s: the server rejected the append (not applied)', (type) => {
    expect(isDefinitiveAppendFailure(commandError(type))).toBe(true);
  });

  it.each([ErrorType.UNAVAILABLE, ErrorType.DEADLINE_EXCEEDED, ErrorType.TIMEOUT, ErrorType.CANCELLED, ErrorType.UNKNOWN])(
    '%s: sent or not, gRPC cannot tell (in doubt)',
    (type) => {
      expect(isDefinitiveAppendFailure(commandError(type))).toBe(false);
    },
  );

  it('a raw transport error is in doubt', () => {
    expect(isDefinitiveAppendFailure(Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 }))).toBe(false);
  });
});

describe('KurrentDbEventStore marks its appends', () => {
  it('applied when the append returns', async () => {
    const store = storeAnswering(async () => ({ success: true, nextExpectedRevision: 0n, position: { commit: 1n, prepare: 1n } }));
    await trackWrites(async () => {
      await store.appendToStream('s-1', [event('A')], { expectedRevision: 'no_stream' });
      expect(writeOutcome()).toBe('applied');
    });
    const many = storeAnswering(async () => ({ success: true, responses: [{ streamName: 's-1', revision: 0n }] }));
    await trackWrites(async () => {
      await many.appendToStreams([{ streamName: 's-1', events: [event('A')], expectedRevision: 'no_stream' }]);
      expect(writeOutcome()).toBe('applied');
    });
  });

  it('not applied on a wrong expected version', async () => {
    const store = storeAnswering(() => Promise.reject(commandError(ErrorType.WRONG_EXPECTED_VERSION)));
    await trackWrites(async () => {
      await expect(store.appendToStream('s-1', [event('A')], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(WrongExpectedVersionError);
      await expect(
        store.appendToStreams([{ streamName: 's-1', events: [event('A')], expectedRevision: 'no_stream' }]),
      ).rejects.toBeInstanceOf(WrongExpectedVersionError);
      expect(writeOutcome()).toBe('none');
    });
  });

  it('in doubt when the server is unavailable or the deadline passed', async () => {
    for (const type of [ErrorType.UNAVAILABLE, ErrorType.DEADLINE_EXCEEDED]) {
      const store = storeAnswering(() => Promise.reject(commandError(type)));
      await trackWrites(async () => {
        await expect(store.appendToStream('s-1', [event('A')], { expectedRevision: 'any' })).rejects.toBeInstanceOf(EventStoreUnavailableError);
        expect(writeOutcome()).toBe('in_doubt');
      });
      await trackWrites(async () => {
        await expect(
          store.appendToStreams([{ streamName: 's-1', events: [event('A')], expectedRevision: 'any' }]),
        ).rejects.toBeInstanceOf(EventStoreUnavailableError);
        expect(writeOutcome()).toBe('in_doubt');
      });
    }
  });

  it('nothing is marked for arguments refused before the call', async () => {
    const store = storeAnswering(() => Promise.reject(new Error('must not be called')));
    const a = event('A');
    await trackWrites(async () => {
      await expect(store.appendToStream('s-1', [a, { ...a }], { expectedRevision: 'any' })).rejects.toThrow();
      expect(writeOutcome()).toBe('none');
    });
  });
});
