/**
 * The "ERP" of the example and the sync's checkpoint.
 *
 * - The ERP table is an append-only JSON-lines file: one line per applied change (its feed
 *   cursor, resource, id, type, version and the record).
 * - The checkpoint is a small JSON file, replaced atomically (temp file, fsync, rename, fsync of
 *   the folder): `{"cursor": <next_cursor of the last page>, "output_bytes": <length of the ERP
 *   table that the cursor covers>}`.
 *
 * A page is applied first, then the checkpoint is stored, so a crash between the two leaves
 * lines in the table past `output_bytes`: changes applied after the stored cursor. On start
 * those lines are read back (their cursors), and when the feed hands the same changes again
 * from the stored cursor — it returns them in the same order — they are skipped instead of
 * applied twice. That makes the whole exactly-once: every change is applied at least once
 * (the cursor moves only after the apply) and at most once (what was applied past the cursor is
 * known).
 */
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, readSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ChangeEvent } from './feed-client';

export interface SyncState {
  /** next_cursor of the last page applied; null before the first. */
  cursor: string | null;
  /** Length of the ERP table when that cursor was stored: the lines after it were applied past the cursor. */
  output_bytes: number;
}

/** One line of the ERP table. */
export interface ErpRow {
  cursor: string;
  resource: string;
  id: string;
  identifier: string | null;
  type: string;
  version: number;
  occurred_at: string;
  record: unknown;
}

export interface PageResult {
  applied: number;
  /** Changes found already applied (past the stored cursor, before a crash): not applied again. */
  skipped: number;
}

export interface Recovery {
  /** Changes applied past the stored cursor (will be skipped when the feed hands them again). */
  appliedPastCursor: number;
  /** Bytes of an unfinished last line that were cut off (a crash in the middle of a write). */
  truncatedBytes: number;
}

/** The state file, or the state of a sync that has never stored a cursor. */
export function readState(stateFile: string): SyncState {
  if (!existsSync(stateFile)) return { cursor: null, output_bytes: 0 };
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as Partial<SyncState>;
  const cursorOk = state.cursor === null || typeof state.cursor === 'string';
  if (!cursorOk || typeof state.output_bytes !== 'number' || !Number.isSafeInteger(state.output_bytes) || state.output_bytes < 0) {
    throw new Error(`${stateFile}: not a sync state (expected {"cursor", "output_bytes"})`);
  }
  return { cursor: state.cursor ?? null, output_bytes: state.output_bytes };
}

/** Replaces the state file atomically and durably: a crash leaves the old state or the new one, whole. */
export function writeState(stateFile: string, state: SyncState): void {
  const temp = join(dirname(stateFile), `.${basename(stateFile)}.${process.pid}.tmp`);
  const fd = openSync(temp, 'w');
  try {
    writeAll(fd, Buffer.from(JSON.stringify(state) + '\n'));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, stateFile);
  fsyncDirectory(dirname(stateFile));
}

/** Makes a rename in `dir` durable (not possible on every platform: there the rename is what we get). */
function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

/** A line applied past the stored cursor: its cursor and where it starts in the table. */
interface PendingLine {
  cursor: string;
  start: number;
}

export class ErpTable {
  private state: SyncState;
  private size: number;
  private readonly pending: PendingLine[] = [];
  readonly recovery: Recovery;

  private constructor(
    private readonly fd: number,
    private readonly stateFile: string,
    outputFile: string,
  ) {
    this.state = readState(stateFile);
    this.size = fstatSync(fd).size;
    if (this.state.output_bytes > this.size) {
      throw new Error(`${outputFile} has ${this.size} bytes but ${stateFile} says ${this.state.output_bytes} were applied: the files do not belong together`);
    }
    const tail = Buffer.alloc(this.size - this.state.output_bytes);
    for (let read = 0; read < tail.length; ) read += readSync(this.fd, tail, read, tail.length - read, this.state.output_bytes + read);
    // A last line without its newline was being written when the process died: it was not applied. Cut it off.
    const complete = tail.lastIndexOf(0x0a) + 1;
    const truncatedBytes = tail.length - complete;
    if (truncatedBytes > 0) {
      ftruncateSync(this.fd, this.state.output_bytes + complete);
      fsyncSync(this.fd);
      this.size = this.state.output_bytes + complete;
    }
    let start = this.state.output_bytes;
    for (const line of tail.subarray(0, complete).toString('utf8').split('\n').slice(0, -1)) {
      const row = JSON.parse(line) as Partial<ErpRow>;
      if (typeof row.cursor !== 'string') throw new Error(`${outputFile}: a line at byte ${start} has no cursor`);
      this.pending.push({ cursor: row.cursor, start });
      start += Buffer.byteLength(line) + 1;
    }
    this.recovery = { appliedPastCursor: this.pending.length, truncatedBytes };
  }

  /** Opens (creating it if need be) the table and its state, and recovers from a crash between apply and checkpoint. */
  static open(outputFile: string, stateFile: string): ErpTable {
    const fd = openSync(outputFile, 'a+');
    try {
      return new ErpTable(fd, stateFile, outputFile);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** Where the next page starts: undefined for the tenant's first event. */
  get cursor(): string | undefined {
    return this.state.cursor ?? undefined;
  }

  /**
   * Applies a page (skipping what was already applied past the stored cursor), makes the table
   * durable, then stores `nextCursor`. Synchronous: a signal cannot land in the middle of a page.
   */
  applyPage(events: readonly ChangeEvent[], nextCursor: string): PageResult {
    let applied = 0;
    let skipped = 0;
    for (const event of events) {
      const already = this.pending[0];
      if (already) {
        // The feed hands the changes after a cursor in the same order every time.
        if (already.cursor !== event.cursor) {
          throw new Error(`the feed's change ${event.cursor} is not the one applied at this point before the restart (${already.cursor})`);
        }
        this.pending.shift();
        skipped++;
        continue;
      }
      this.apply(event);
      applied++;
    }
    if (applied > 0) fsyncSync(this.fd);
    // What is still pending (a page shorter than the one applied before the crash) lies past the new cursor.
    const next: SyncState = { cursor: nextCursor, output_bytes: this.pending[0]?.start ?? this.size };
    if (next.cursor !== this.state.cursor || next.output_bytes !== this.state.output_bytes) {
      writeState(this.stateFile, next);
      this.state = next;
    }
    return { applied, skipped };
  }

  /** "Applies" one change to the ERP: here, one appended line (one write). */
  private apply(event: ChangeEvent): void {
    const row: ErpRow = {
      cursor: event.cursor,
      resource: event.resource,
      id: event.id,
      identifier: event.identifier ?? null,
      type: event.type,
      version: event.version,
      occurred_at: event.occurred_at,
      record: event.record,
    };
    const line = Buffer.from(JSON.stringify(row) + '\n');
    writeAll(this.fd, line);
    this.size += line.length;
  }

  close(): void {
    closeSync(this.fd);
  }
}
