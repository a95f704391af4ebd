/**
 * Fair use of the services: at most `perKey` service calls of one API key in flight from this
 * gateway; further calls of that key wait here, first in first out, while other keys' calls (of
 * this tenant or any other) go straight through.
 *
 * Why: a key may hold 50 requests in flight (limits-and-versioning.md §3), and one key's 50
 * concurrent calls fill the services' and the database's queues; every other caller's request
 * then waits behind them (measured: another key's GET median 53–74 ms, p99 216–281 ms while one
 * key drove 200 concurrent requests on the 2-core machine). Holding a key's surplus here keeps
 * those queues short, so another caller's call is next in line at every hop. The requests keep
 * their concurrency slots meanwhile: this only orders the work, it refuses nothing. Per key, not
 * per key, so that one key's stuck or slow calls never hold up the key's other keys (§3:
 * "other keys are not affected by one key's queue").
 */
export class KeyDispatch {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly perKey: number) {
    if (!Number.isInteger(perKey) || perKey < 1) throw new RangeError(`perKey must be a positive integer, got ${perKey}`);
  }

  /** Runs `call` once the tenant has fewer than `perKey` calls in flight. */
  async run<T>(keyId: string, call: () => Promise<T>): Promise<T> {
    if ((this.active.get(keyId) ?? 0) >= this.perKey) {
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(keyId);
        if (queue) queue.push(resolve);
        else this.waiting.set(keyId, [resolve]);
      });
    } else {
      this.active.set(keyId, (this.active.get(keyId) ?? 0) + 1);
    }
    try {
      return await call();
    } finally {
      this.release(keyId);
    }
  }

  /** Calls in flight and waiting, per key (for metrics and tests). */
  load(keyId: string): { active: number; waiting: number } {
    return { active: this.active.get(keyId) ?? 0, waiting: this.waiting.get(keyId)?.length ?? 0 };
  }

  private release(keyId: string): void {
    const queue = this.waiting.get(keyId);
    const next = queue?.shift();
    if (next) {
      // The slot passes to the next waiting call of the tenant (active count unchanged).
      if (queue!.length === 0) this.waiting.delete(keyId);
      next();
      return;
    }
    const n = (this.active.get(keyId) ?? 1) - 1;
    if (n <= 0) this.active.delete(keyId);
    else this.active.set(keyId, n);
  }
}
