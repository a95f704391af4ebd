import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Write-outcome tracking: what a request's writes to the event store did, so that a request
 * that fails because a dependency went away can tell the caller the truth (errors.md §6.12-6.13):
 *
 * - `none`     — no commit-bearing write was sent, or every one that was sent definitely failed:
 *                nothing was applied (a 503 is honest).
 * - `in_doubt` — a commit-bearing write (an autocommit append, a COMMIT, a gRPC append) was sent
 *                and its result never arrived (or has not arrived yet): it may have been applied.
 * - `applied`  — a write was applied (a later step, e.g. the read-model projection, failed).
 *
 * Adapters mark every commit-bearing write with {@link markCommitBearing} right before sending
 * it and settle the mark when its result is known: `applied()` on success, `notApplied()` on a
 * definitive failure (the server rejected it, or it was never sent). A mark that is never settled
 * stays in doubt. Outside a {@link trackWrites} scope (background work, tests) marks are no-ops.
 *
 * Framework-free: AsyncLocalStorage carries the scope through every await of the request.
 */
export type WriteOutcome = 'none' | 'in_doubt' | 'applied';

interface Scope {
  readonly parent: Scope | undefined;
  applied: number;
  inDoubt: number;
}

const scopes = new AsyncLocalStorage<Scope>();

/**
 * Runs `fn` in a new write-tracking scope (one per request: the service's reply wrapper opens
 * it). A scope opened inside another passes its marks on to the outer one too.
 */
export function trackWrites<T>(fn: () => T): T {
  return scopes.run({ parent: scopes.getStore(), applied: 0, inDoubt: 0 }, fn);
}

/** What the writes of the current scope did so far ('none' outside a scope). */
export function writeOutcome(): WriteOutcome {
  const scope = scopes.getStore();
  if (!scope) return 'none';
  if (scope.applied > 0) return 'applied';
  return scope.inDoubt > 0 ? 'in_doubt' : 'none';
}

/** A commit-bearing write that was (about to be) sent; settle it once its result is known. */
export interface CommitMark {
  /** The write was applied. */
  applied(): void;
  /** The write certainly was not applied (definitive rejection, or it never left the process). */
  notApplied(): void;
}

const NO_MARK: CommitMark = { applied: () => {}, notApplied: () => {} };

/**
 * Marks the current scope "in doubt" until the returned mark is settled. Call it right before
 * sending the statement whose success means the write is applied (autocommit append, COMMIT).
 */
export function markCommitBearing(): CommitMark {
  const scope = scopes.getStore();
  if (!scope) return NO_MARK;
  forEachScope(scope, (s) => s.inDoubt++);
  let settled = false;
  const settle = (applied: boolean): void => {
    if (settled) return;
    settled = true;
    forEachScope(scope, (s) => {
      s.inDoubt--;
      if (applied) s.applied++;
    });
  };
  return { applied: () => settle(true), notApplied: () => settle(false) };
}

/**
 * Sends a commit-bearing write under a mark: applied when `send` resolves (unless
 * `appliedBy(result)` says it applied nothing), not applied when it rejects with an error
 * `definitive` recognises, in doubt otherwise.
 */
export async function commitBearing<T>(
  send: () => Promise<T>,
  classify: { definitive: (error: unknown) => boolean; appliedBy?: (result: T) => boolean },
): Promise<T> {
  const mark = markCommitBearing();
  let result: T;
  try {
    result = await send();
  } catch (error) {
    if (classify.definitive(error)) mark.notApplied();
    throw error;
  }
  if (classify.appliedBy && !classify.appliedBy(result)) mark.notApplied();
  else mark.applied();
  return result;
}

/** Scope of the request that appended events inside a still-open transaction, by connection. */
const uncommittedAppends = new WeakMap<object, Scope>();

/**
 * Notes that `connection`'s open transaction now holds events appended in the current scope, so
 * that the COMMIT of that transaction ({@link commitNotedTransaction}) is tracked as the scope's
 * commit-bearing write.
 */
export function noteUncommittedAppend(connection: object): void {
  const scope = scopes.getStore();
  if (scope) uncommittedAppends.set(connection, scope);
}

/**
 * Commits `connection`'s open transaction with `commit`. When the transaction holds events
 * noted by {@link noteUncommittedAppend}, the commit is that scope's commit-bearing write (see
 * {@link commitBearing}); any other transaction is committed untracked, so reads and
 * read-model-only transactions never count as writes.
 */
export async function commitNotedTransaction(
  connection: object,
  commit: (tracked: boolean) => Promise<void>,
  definitive: (error: unknown) => boolean,
): Promise<void> {
  const scope = uncommittedAppends.get(connection);
  uncommittedAppends.delete(connection);
  if (!scope) return commit(false);
  await scopes.run(scope, () => commitBearing(() => commit(true), { definitive }));
}

function forEachScope(scope: Scope, fn: (s: Scope) => void): void {
  for (let s: Scope | undefined = scope; s; s = s.parent) fn(s);
}
