import { EventStoreUnavailableError, WrongExpectedVersionError } from './port';
import {
  afterAppliedWrite,
  appliedThenFailed,
  commitBearing,
  commitNotedTransaction,
  forgetUncommittedAppend,
  noteUncommittedAppend,
  WriteAppliedError,
  WriteInDoubtError,
  writeOutcomeOf,
} from './write-outcome';

const tick = () => new Promise((r) => setImmediate(r));
const definitive = (error: unknown) => error instanceof Error && error.message === 'rejected';
const lost = () => new Error('Connection terminated unexpectedly');

/** The rejection of `promise` (fails the test when it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('writeOutcomeOf', () => {
  it('is "none" for failures that say nothing about writes (reads, failures before any commit-bearing write, non-errors)', () => {
    expect(writeOutcomeOf(lost())).toBe('none');
    expect(writeOutcomeOf(new EventStoreUnavailableError('PostgreSQL event store unavailable'))).toBe('none');
    expect(writeOutcomeOf(new WrongExpectedVersionError('s-1', 'no_stream', 0n))).toBe('none');
    expect(writeOutcomeOf(undefined)).toBe('none');
    expect(writeOutcomeOf(null)).toBe('none');
    expect(writeOutcomeOf('WriteInDoubtError')).toBe('none');
    expect(writeOutcomeOf({ name: 'SomethingElse' })).toBe('none');
  });

  it('is "in_doubt" / "applied" for the write-outcome errors, which keep their cause', () => {
    const cause = lost();
    const inDoubt = new WriteInDoubtError(cause);
    const applied = new WriteAppliedError(cause);
    expect(writeOutcomeOf(inDoubt)).toBe('in_doubt');
    expect(writeOutcomeOf(applied)).toBe('applied');
    expect(inDoubt.cause).toBe(cause);
    expect(applied.cause).toBe(cause);
    expect(inDoubt).toBeInstanceOf(Error);
    expect(inDoubt.name).toBe('WriteInDoubtError');
    expect(applied.name).toBe('WriteAppliedError');
    expect(inDoubt.message).toContain('Connection terminated unexpectedly');
  });

  it('recognises them by name too (an error from another copy of the module)', () => {
    expect(writeOutcomeOf(Object.assign(new Error('x'), { name: 'WriteInDoubtError' }))).toBe('in_doubt');
    expect(writeOutcomeOf(Object.assign(new Error('x'), { name: 'WriteAppliedError' }))).toBe('applied');
  });
});

describe('commitBearing', () => {
  it('returns the result of a write that succeeded, and throws nothing', async () => {
    await expect(commitBearing(async () => 42, definitive)).resolves.toBe(42);
  });

  it('rethrows a definitive failure as it is (not applied), and makes any other failure in doubt', async () => {
    const rejected = new Error('rejected');
    expect(await rejectionOf(commitBearing(() => Promise.reject(rejected), definitive))).toBe(rejected);
    const cause = lost();
    const inDoubt = await rejectionOf(
      commitBearing(async () => {
        await tick();
        throw cause;
      }, definitive),
    );
    expect(inDoubt).toBeInstanceOf(WriteInDoubtError);
    expect((inDoubt as WriteInDoubtError).cause).toBe(cause);
  });

  it('maps the failure with toError: as it is when definitive, as the cause when in doubt', async () => {
    const toError = (error: unknown) => new EventStoreUnavailableError('mapped', error);
    const rejected = await rejectionOf(commitBearing(() => Promise.reject(new Error('rejected')), definitive, toError));
    expect(rejected).toBeInstanceOf(EventStoreUnavailableError);
    expect(writeOutcomeOf(rejected)).toBe('none');
    const inDoubt = await rejectionOf(commitBearing(() => Promise.reject(lost()), definitive, toError));
    expect(inDoubt).toBeInstanceOf(WriteInDoubtError);
    expect((inDoubt as WriteInDoubtError).cause).toBeInstanceOf(EventStoreUnavailableError);
  });

  it('a write that throws synchronously inside send is in doubt unless definitive (send is the commit-bearing call)', async () => {
    const inDoubt = await rejectionOf(
      commitBearing(() => {
        throw lost();
      }, definitive),
    );
    expect(writeOutcomeOf(inDoubt)).toBe('in_doubt');
  });
});

describe('applied, then failed', () => {
  it('afterAppliedWrite returns the step\'s result, and turns its failure into WriteAppliedError (cause: the failure)', async () => {
    await expect(afterAppliedWrite(async () => 'projected')).resolves.toBe('projected');
    const cause = lost();
    const error = await rejectionOf(
      afterAppliedWrite(async () => {
        await tick();
        throw cause;
      }),
    );
    expect(error).toBeInstanceOf(WriteAppliedError);
    expect((error as WriteAppliedError).cause).toBe(cause);
    // Whatever the failure: a bug after the write is not a 500 (which promises nothing was applied).
    expect(writeOutcomeOf(await rejectionOf(afterAppliedWrite(() => Promise.reject(new TypeError('bug')))))).toBe('applied');
  });

  it('keeps an error that already carries an outcome: an in-doubt write further in stays in doubt, nesting wraps once', async () => {
    const inDoubt = new WriteInDoubtError(lost());
    expect(appliedThenFailed(inDoubt)).toBe(inDoubt);
    expect(await rejectionOf(afterAppliedWrite(() => Promise.reject(inDoubt)))).toBe(inDoubt);
    const cause = lost();
    const nested = await rejectionOf(afterAppliedWrite(() => afterAppliedWrite(() => Promise.reject(cause))));
    expect(nested).toBeInstanceOf(WriteAppliedError);
    expect((nested as WriteAppliedError).cause).toBe(cause);
    const byName = Object.assign(new Error('x'), { name: 'WriteAppliedError' });
    expect(appliedThenFailed(byName)).toBe(byName);
  });

  it('wraps anything thrown, even a non-error', () => {
    const wrapped = appliedThenFailed('boom');
    expect(wrapped).toBeInstanceOf(WriteAppliedError);
    expect((wrapped as WriteAppliedError).cause).toBe('boom');
    expect((wrapped as WriteAppliedError).message).toContain('boom');
  });
});

describe('commitNotedTransaction', () => {
  it('commits untracked when no append was noted on the connection (reads, read-model-only transactions): failures as they are', async () => {
    const connection = {};
    const tracked: boolean[] = [];
    const cause = lost();
    const error = await rejectionOf(
      commitNotedTransaction(
        connection,
        async (t) => {
          tracked.push(t);
          throw cause;
        },
        definitive,
      ),
    );
    expect(tracked).toEqual([false]);
    expect(error).toBe(cause);
    expect(writeOutcomeOf(error)).toBe('none');
  });

  it('treats the COMMIT of a transaction that holds noted appends as commit-bearing, once', async () => {
    const connection = {};
    noteUncommittedAppend(connection);
    const inDoubt = await rejectionOf(commitNotedTransaction(connection, () => Promise.reject(lost()), definitive));
    expect(inDoubt).toBeInstanceOf(WriteInDoubtError);

    noteUncommittedAppend(connection);
    const rejected = new Error('rejected');
    expect(await rejectionOf(commitNotedTransaction(connection, () => Promise.reject(rejected), definitive))).toBe(rejected);
    // The note was consumed: the next transaction on the connection is untracked.
    const tracked: boolean[] = [];
    await commitNotedTransaction(connection, async (t) => void tracked.push(t), definitive);
    expect(tracked).toEqual([false]);

    noteUncommittedAppend(connection);
    await expect(commitNotedTransaction(connection, async (t) => void tracked.push(t), definitive)).resolves.toBeUndefined();
    expect(tracked).toEqual([false, true]);
  });

  it('keeps connections apart, and forgets the note of a transaction that rolled back', async () => {
    const appended = {};
    const other = {};
    noteUncommittedAppend(appended);
    const tracked: boolean[] = [];
    await commitNotedTransaction(other, async (t) => void tracked.push(t), definitive);
    expect(tracked).toEqual([false]);
    forgetUncommittedAppend(appended);
    const cause = lost();
    expect(await rejectionOf(commitNotedTransaction(appended, () => Promise.reject(cause), definitive))).toBe(cause);
  });
});
