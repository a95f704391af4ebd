/**
 * Write outcome of the KurrentDB adapter's appends (write-outcome.ts), with the gRPC client
 * replaced by a stand-in that answers like the real one (KurrentDB cannot run in this CI; the
 * real client against a closed port is in kurrentdb-event-store.int.spec.ts).
 */
import { randomUUID } from 'node:crypto';
import { ErrorType } from '@kurrent/kurrentdb-client';
import { EventStoreUnavailableError, WriteAppliedError, WriteInDoubtError, writeOutcomeOf, WrongExpectedVersionError, type NewEvent } from '@datamingle/event-store';
import { isDefinitiveAppendFailure, KurrentDbEventStore } from './kurrentdb-event-store';

const event = (type: string): NewEvent => ({ id: randomUUID(), type, data: { type }, metadata: {} });
const commandError = (type: ErrorType, message = String(type)) => Object.assign(new Error(message), { type });

/** A store whose client answers every append with `answer` (and every read with `read`). */
function storeAnswering(answer: () => Promise<unknown>, read: () => AsyncIterable<unknown> = async function* () {}): KurrentDbEventStore {
  const store = new KurrentDbEventStore({ connectionString: 'kurrentdb://127.0.0.1:1?tls=false' });
  const client = { appendToStream: answer, multiStreamAppend: answer, readStream: read, dispose: async () => {} };
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

/** The rejection of `promise` (fails the test when it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('KurrentDbEventStore: the outcome of a failed append travels with its error', () => {
  it('an append that returns succeeds, with no error to classify', async () => {
    const store = storeAnswering(async () => ({ success: true, nextExpectedRevision: 0n, position: { commit: 1n, prepare: 1n } }));
    await expect(store.appendToStream('s-1', [event('A')], { expectedRevision: 'no_stream' })).resolves.toMatchObject({ nextExpectedRevision: 0n });
    const many = storeAnswering(async () => ({ success: true, responses: [{ streamName: 's-1', revision: 0n }] }));
    await expect(many.appendToStreams([{ streamName: 's-1', events: [event('A')], expectedRevision: 'no_stream' }])).resolves.toEqual(
      new Map([['s-1', 0n]]),
    );
  });

  it('not applied on a wrong expected version: the port\'s error as it is', async () => {
    const store = storeAnswering(() => Promise.reject(commandError(ErrorType.WRONG_EXPECTED_VERSION)));
    const single = await rejectionOf(store.appendToStream('s-1', [event('A')], { expectedRevision: 'no_stream' }));
    expect(single).toBeInstanceOf(WrongExpectedVersionError);
    expect(writeOutcomeOf(single)).toBe('none');
    const many = await rejectionOf(store.appendToStreams([{ streamName: 's-1', events: [event('A')], expectedRevision: 'no_stream' }]));
    expect(many).toBeInstanceOf(WrongExpectedVersionError);
    expect(writeOutcomeOf(many)).toBe('none');
  });

  it('in doubt when the server is unavailable or the deadline passed: WriteInDoubtError, its cause the port\'s EventStoreUnavailableError', async () => {
    for (const type of [ErrorType.UNAVAILABLE, ErrorType.DEADLINE_EXCEEDED]) {
      const store = storeAnswering(() => Promise.reject(commandError(type)));
      const single = await rejectionOf(store.appendToStream('s-1', [event('A')], { expectedRevision: 'any' }));
      expect(single).toBeInstanceOf(WriteInDoubtError);
      expect((single as WriteInDoubtError).cause).toBeInstanceOf(EventStoreUnavailableError);
      const many = await rejectionOf(store.appendToStreams([{ streamName: 's-1', events: [event('A')], expectedRevision: 'any' }]));
      expect(many).toBeInstanceOf(WriteInDoubtError);
      expect((many as WriteInDoubtError).cause).toBeInstanceOf(EventStoreUnavailableError);
    }
  });

  it('applied, then failed: reading back the position of a stored multi-event append fails → WriteAppliedError', async () => {
    const unavailable = commandError(ErrorType.UNAVAILABLE);
    const store = storeAnswering(
      async () => ({ success: true, nextExpectedRevision: 1n, position: { commit: 1n, prepare: 1n } }),
      () => ({
        [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(unavailable) }),
      }),
    );
    const error = await rejectionOf(store.appendToStream('s-1', [event('A'), event('B')], { expectedRevision: 'no_stream' }));
    expect(error).toBeInstanceOf(WriteAppliedError);
    expect((error as WriteAppliedError).cause).toBeInstanceOf(EventStoreUnavailableError);
  });

  it('nothing is in doubt for arguments refused before the call', async () => {
    const store = storeAnswering(() => Promise.reject(new Error('must not be called')));
    const a = event('A');
    const error = await rejectionOf(store.appendToStream('s-1', [a, { ...a }], { expectedRevision: 'any' }));
    expect(writeOutcomeOf(error)).toBe('none');
  });
});
