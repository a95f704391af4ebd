/**
 * The waits of `EventStore.waitForEvents`, woken per stream category: a catch-up reader of
 * `orders` is not woken (and does not re-read) when `products` streams are appended to. Every
 * adapter wakes its waiters through it with the categories of each committed append (or `null`
 * when they are unknown: every waiter wakes).
 *
 * With `keepPending`, an announcement no waiter of its categories was waiting for is remembered:
 * the next wait for one of them returns at once (a reader busy handling a batch when the append
 * was announced re-reads instead of sleeping through it).
 */
export class CategoryWaiters {
  private readonly waiters = new Map<() => void, ReadonlySet<string> | null>();
  /** Categories announced while nobody of theirs waited; `*` for an announcement of unknown categories. */
  private readonly pending = new Set<string>();

  constructor(private readonly keepPending: boolean) {}

  /** Resolves when one of `categories` (any, when omitted) is announced, after `timeoutMs`, or when `signal` aborts. */
  wait(timeoutMs: number, signal?: AbortSignal, categories?: readonly string[]): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    const wanted = categories ? new Set(categories) : null;
    if (this.takePending(wanted)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.set(done, wanted);
    });
  }

  /** An append to these categories committed (`null`: unknown which). */
  announce(categories: readonly string[] | null): void {
    const unheard = categories === null ? new Set(['*']) : new Set(categories);
    for (const [done, wanted] of [...this.waiters]) {
      if (wanted === null) {
        unheard.clear();
        done();
      } else if (categories === null || categories.some((c) => wanted.has(c))) {
        if (categories === null) unheard.clear();
        else for (const c of categories) if (wanted.has(c)) unheard.delete(c);
        done();
      }
    }
    if (this.keepPending) for (const c of unheard) this.pending.add(c);
  }

  /** Wakes every waiter and forgets what was pending (close, a lost connection: readers re-read anyway). */
  wakeAll(): void {
    this.pending.clear();
    for (const done of [...this.waiters.keys()]) done();
  }

  private takePending(wanted: ReadonlySet<string> | null): boolean {
    if (this.pending.size === 0) return false;
    if (wanted === null || this.pending.delete('*')) {
      if (wanted === null) this.pending.clear();
      return true;
    }
    let hit = false;
    for (const c of wanted) if (this.pending.delete(c)) hit = true;
    return hit;
  }
}
