/**
 * Write outcome: what a failed request's writes to the event store did, so that a request that
 * fails because a dependency went away can tell the caller the truth (errors.md §6.12-6.13):
 *
 * - `none`     — no commit-bearing write was sent, or every one that was sent definitely failed:
 *                nothing was applied (a 503 is honest).
 * - `in_doubt` — a commit-bearing write (an autocommit append, a COMMIT, a gRPC append) was sent
 *                and its result never arrived: it may have been applied.
 * - `applied`  — a write was applied and a later step of the request (e.g. the read-model
 *                projection) failed.
 *
 * The outcome travels with the error, not in any request context:
 *
 * - adapters send every commit-bearing write through {@link commitBearing}: a failure that proves
 *   nothing was applied (the server rejected it, or it was never sent) is rethrown as it is; any
 *   other failure becomes a {@link WriteInDoubtError};
 * - code that runs further steps after a successful append of the same request runs them through
 *   {@link afterAppliedWrite} (or rethrows with {@link appliedThenFailed}), so their failures
 *   become {@link WriteAppliedError};
 * - the reply wrapper asks {@link writeOutcomeOf} what the error says.
 *
 * Reads never produce these errors. Framework-free, and no async context.
 */
export type WriteOutcome = 'none' | 'in_doubt' | 'applied';

/**
 * A commit-bearing write was sent and its result never arrived (the connection was lost, a
 * timeout fired, the server failed before answering): it may have been applied. `cause` is the
 * error the write failed with (as the adapter would otherwise have thrown it).
 */
export class WriteInDoubtError extends Error {
  constructor(override readonly cause: unknown) {
    super(`A write may have been applied; its result never arrived: ${messageOf(cause)}`);
    this.name = 'WriteInDoubtError';
  }
}

/** Events were stored, then a later step of the same request failed with `cause`. */
export class WriteAppliedError extends Error {
  constructor(override readonly cause: unknown) {
    super(`A write was applied, then a later step failed: ${messageOf(cause)}`);
    this.name = 'WriteAppliedError';
  }
}

/**
 * What a request's failure says about its writes: `in_doubt` / `applied` for the errors above
 * (recognised by class or by name, in case of several copies of this module), `none` for
 * anything else.
 */
export function writeOutcomeOf(error: unknown): WriteOutcome {
  if (error instanceof WriteInDoubtError) return 'in_doubt';
  if (error instanceof WriteAppliedError) return 'applied';
  if (typeof error !== 'object' || error === null) return 'none';
  const name = (error as { name?: unknown }).name;
  if (name === 'WriteInDoubtError') return 'in_doubt';
  if (name === 'WriteAppliedError') return 'applied';
  return 'none';
}

/**
 * Sends a commit-bearing write (the statement or call whose success means the write is applied).
 * A failure `definitive` recognises (nothing was applied) is rethrown as `toError(error)`; any
 * other failure becomes a WriteInDoubtError whose cause is `toError(error)`.
 */
export async function commitBearing<T>(
  send: () => Promise<T>,
  definitive: (error: unknown) => boolean,
  toError: (error: unknown) => unknown = (error) => error,
): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (definitive(error)) throw toError(error);
    throw new WriteInDoubtError(toError(error));
  }
}

/**
 * The error to throw for a failure of a step that ran after the request's write was applied: a
 * WriteAppliedError around `error`, unless `error` already says what the writes did (an in-doubt
 * write or an applied one further in) — then `error` itself.
 */
export function appliedThenFailed(error: unknown): unknown {
  return writeOutcomeOf(error) === 'none' ? new WriteAppliedError(error) : error;
}

/** Runs `step`, which follows a successful write of the same request: its failure becomes {@link appliedThenFailed}. */
export async function afterAppliedWrite<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw appliedThenFailed(error);
  }
}

/** Connections whose open transaction holds events appended in it (appendToStream(s)InTransaction). */
const uncommittedAppends = new WeakSet<object>();

/**
 * Notes that `connection`'s open transaction now holds appended events, so that the COMMIT of
 * that transaction ({@link commitNotedTransaction}) is treated as a commit-bearing write.
 */
export function noteUncommittedAppend(connection: object): void {
  uncommittedAppends.add(connection);
}

/** Drops the note of `connection` (its transaction rolled back, or is being abandoned). */
export function forgetUncommittedAppend(connection: object): void {
  uncommittedAppends.delete(connection);
}

/**
 * Commits `connection`'s open transaction with `commit`. When the transaction holds events
 * noted by {@link noteUncommittedAppend}, the commit is a commit-bearing write (see
 * {@link commitBearing}: rethrown when `definitive`, else WriteInDoubtError); any other
 * transaction is committed as it is, so reads and read-model-only transactions never count as
 * writes. The note is consumed either way.
 */
export async function commitNotedTransaction(
  connection: object,
  commit: (tracked: boolean) => Promise<void>,
  definitive: (error: unknown) => boolean,
): Promise<void> {
  const noted = uncommittedAppends.delete(connection);
  if (!noted) return commit(false);
  await commitBearing(() => commit(true), definitive);
}

function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}
