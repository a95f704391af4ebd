import type { IncomingMessage } from 'node:http';
import type { BodyReadResult, PendingBody } from '@datamingle/gateway-domain';
import type { ByteBudget } from './byte-budget';

export interface BodyLimits {
  /** 10,485,760: a larger body is refused (413). */
  maxBytes: number;
  /** The bytes of bodies the whole process holds at once. */
  budget: ByteBudget;
  /** How long a body of undeclared length waits, its socket paused, for room in the budget. */
  budgetWaitMs: number;
  /** `Retry-After` of the 503 answered when the budget has no room. */
  retryAfterSeconds: number;
}

/** Bytes of an oversized body the server still reads and discards so the 413 reaches the client. */
const MAX_DISCARD_BYTES = 64 * 1024 * 1024;

/**
 * The body of one request, read only when the pipeline asks (after authentication) and held
 * under the process's byte budget:
 *
 * - `read()` for an authenticated caller: a declared `Content-Length` takes its whole size from the
 *   budget before a byte is read, or the request is refused (503, nothing read); a chunked body
 *   takes its chunks as they come, pausing its socket while the budget is full (up to
 *   `budgetWaitMs`, then 503).
 * - `measure()` for everyone else: a declared length needs no reading; a chunked body is counted
 *   and dropped, so that a body over the limit still gets 413 first (step 1), never kept.
 *
 * A body never read is discarded by Node after the response (keep-alive); one that was over the
 * limit or over the budget mid-way is drained (at most 64 MiB) and its connection closed.
 * `release()` gives the reservation back once the response has been written.
 */
export class IncomingBody implements PendingBody {
  /** Declared length; `null` for a chunked body. */
  readonly declared: number | null;
  private reserved = 0;
  private started = false;
  private closeAfter = false;
  private abortedByClient = false;

  constructor(
    private readonly req: IncomingMessage,
    private readonly limits: BodyLimits,
  ) {
    const length = req.headers['content-length'];
    const chunked = /\bchunked\b/i.test(String(req.headers['transfer-encoding'] ?? ''));
    this.declared = length !== undefined && /^\d+$/.test(length) ? Number(length) : chunked ? null : 0;
  }

  /** Whether the request declared a length above the limit (step 1 without reading). */
  get declaredTooLarge(): boolean {
    return this.declared !== null && this.declared > this.limits.maxBytes;
  }

  /** Whether the answer must say `Connection: close` (a body too large to be worth draining). */
  get mustClose(): boolean {
    return this.closeAfter;
  }

  /** Whether the client went away before its body was complete. */
  get aborted(): boolean {
    return this.abortedByClient;
  }

  /** A declared length over the limit: the 413 is answered without reading; the body is dropped. */
  refuse(): void {
    this.started = true;
    this.drainAndClose(0);
  }

  async read(): Promise<BodyReadResult> {
    if (this.declared === 0) return { status: 'ok', body: null };
    if (this.started) throw new Error('IncomingBody: the body was already read');
    this.started = true;
    if (this.declared !== null) {
      if (!this.limits.budget.tryAcquire(this.declared)) return this.overBudget(false);
      this.reserved = this.declared;
    }
    return this.consume(true);
  }

  async measure(): Promise<BodyReadResult> {
    if (this.declared !== null) return { status: 'ok', body: null };
    if (this.started) throw new Error('IncomingBody: the body was already read');
    this.started = true;
    return this.consume(false);
  }

  /** Gives the body's bytes back to the budget (after the response). */
  release(): void {
    this.limits.budget.release(this.reserved);
    this.reserved = 0;
  }

  /** The budget has no room: 503. A body refused part-way is drained and its connection closed. */
  private overBudget(midway: boolean): BodyReadResult {
    if (midway) this.drainAndClose(0);
    return { status: 'over_budget', retryAfterSeconds: this.limits.retryAfterSeconds };
  }

  /**
   * Reads the body to its end: keeping the chunks (under the budget for a chunked body) or only
   * counting them.
   */
  private consume(keep: boolean): Promise<BodyReadResult> {
    const { req, limits } = this;
    return new Promise<BodyReadResult>((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      const finish = (result: BodyReadResult) => {
        if (done) return;
        done = true;
        req.off('data', onData);
        req.off('end', onEnd);
        req.off('error', onGone);
        req.off('close', onGone);
        resolve(result);
      };
      // A declared length is copied into one buffer of that size as it arrives: the body is held
      // once, not as its chunks plus their concatenation (a 10 MB bulk body: 10 MB, not 20).
      let whole: Buffer | null = null;
      let filled = 0;
      const keepChunk = (chunk: Buffer): void => {
        if (!keep) return;
        if (this.declared !== null && chunks.length === 0 && filled + chunk.length <= this.declared) {
          whole ??= Buffer.allocUnsafe(this.declared);
          filled += chunk.copy(whole, filled);
          return;
        }
        // More than declared (Node's parser never delivers it): keep what came as chunks.
        if (whole !== null) chunks.push(whole.subarray(0, filled));
        whole = null;
        chunks.push(chunk);
      };
      const onData = (chunk: Buffer) => {
        if (done) return;
        size += chunk.length;
        if (size > limits.maxBytes) {
          chunks.length = 0;
          this.drainAndClose(size);
          finish({ status: 'too_large' });
          return;
        }
        if (!keep || this.declared !== null) {
          keepChunk(chunk);
          return;
        }
        // Chunked and kept: take the chunk's bytes from the budget, waiting (paused) for room.
        if (limits.budget.tryAcquire(chunk.length)) {
          this.reserved += chunk.length;
          keepChunk(chunk);
          return;
        }
        req.pause();
        void limits.budget.acquire(chunk.length, limits.budgetWaitMs).then((granted) => {
          if (done) {
            if (granted) limits.budget.release(chunk.length);
            return;
          }
          if (!granted) {
            chunks.length = 0;
            finish(this.overBudget(true));
            return;
          }
          this.reserved += chunk.length;
          keepChunk(chunk);
          req.resume();
        });
      };
      const onEnd = () => {
        // A chunk may still be waiting for the budget; 'end' then comes after its resume.
        const body = !keep || size === 0 ? null : whole !== null ? whole.subarray(0, filled) : Buffer.concat(chunks, size);
        finish({ status: 'ok', body });
      };
      const onGone = () => {
        if (req.complete) return;
        this.abortedByClient = true;
        chunks.length = 0;
        finish({ status: 'aborted' });
      };
      req.on('data', onData);
      req.on('end', onEnd);
      req.on('error', onGone);
      req.on('close', onGone);
    });
  }

  /**
   * The rest of a body that will not be used: read and dropped (so that the client, still
   * sending, reads the answer instead of a connection reset), then the connection is closed. A
   * body too large to be worth draining has its connection closed right after the answer.
   */
  private drainAndClose(alreadyRead: number): void {
    const { req } = this;
    if (this.declared !== null && this.declared - alreadyRead > MAX_DISCARD_BYTES) {
      this.closeAfter = true;
      return;
    }
    // No `Connection: close` on the answer: Node would close the socket right after writing it,
    // while the client is still sending, and the client would see a reset instead of the answer.
    // The socket is ended once the body has arrived.
    let discarded = 0;
    req.removeAllListeners('data');
    req.on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > MAX_DISCARD_BYTES) req.socket.destroy();
    });
    req.once('end', () => req.socket.end());
    req.on('error', () => undefined);
    req.resume();
  }
}
