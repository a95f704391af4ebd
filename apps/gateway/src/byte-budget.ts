/**
 * A process-wide budget of bytes: the request bodies the gateway holds in memory at once. A body
 * of declared length takes its whole size up front or is refused (`tryAcquire`); a body of
 * undeclared length takes its chunks as they arrive and, when the budget is exhausted, waits
 * (its socket paused) for room, first come first served (`acquire`).
 */
export class ByteBudget {
  private used = 0;
  private readonly waiters: Array<{ bytes: number; grant: (ok: boolean) => void }> = [];

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity <= 0) throw new Error(`ByteBudget: invalid capacity ${capacity}`);
  }

  /** Bytes currently held. */
  get inUse(): number {
    return this.used;
  }

  /** Takes `bytes` now if they fit and nobody is waiting before us. */
  tryAcquire(bytes: number): boolean {
    if (bytes <= 0) return true;
    if (this.waiters.length > 0 || this.used + bytes > this.capacity) return false;
    this.used += bytes;
    return true;
  }

  /** Takes `bytes`, waiting up to `timeoutMs` for room (FIFO); false when the wait ran out. */
  acquire(bytes: number, timeoutMs: number): Promise<boolean> {
    if (this.tryAcquire(bytes)) return Promise.resolve(true);
    if (bytes > this.capacity || timeoutMs <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const waiter = {
        bytes,
        grant: (ok: boolean) => {
          clearTimeout(timer);
          resolve(ok);
        },
      };
      const timer = setTimeout(() => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        resolve(false);
        // The head may have been the one blocking smaller requests behind it.
        this.drain();
      }, timeoutMs);
      timer.unref?.();
      this.waiters.push(waiter);
    });
  }

  release(bytes: number): void {
    if (bytes <= 0) return;
    this.used = Math.max(0, this.used - bytes);
    this.drain();
  }

  private drain(): void {
    while (this.waiters.length > 0 && this.used + this.waiters[0]!.bytes <= this.capacity) {
      const next = this.waiters.shift()!;
      this.used += next.bytes;
      next.grant(true);
    }
  }
}
