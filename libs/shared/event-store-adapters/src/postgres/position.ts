/**
 * Global positions of the PostgreSQL adapter: the pair (transaction id, global_position),
 * encoded as "<xid8, 20 digits>:<global_position, 20 digits>" so that plain string order is
 * the order readAll returns events in. 20 digits hold any unsigned 64-bit value; values never
 * pass through a JS number.
 */
export interface PostgresPosition {
  /** xid8 of the appending transaction (64-bit, epoch-extended, never reused in a cluster). */
  transactionId: bigint;
  /** Value of the events.global_position sequence. */
  globalPosition: bigint;
}

const DIGITS = 20;
const MAX_UINT64 = (1n << 64n) - 1n;
const POSITION_PATTERN = /^(\d{20}):(\d{20})$/;

/** Position before every event: readAll({ after: START_POSITION }) reads from the beginning. */
export const START_POSITION = encodePosition({ transactionId: 0n, globalPosition: 0n });

export function encodePosition({ transactionId, globalPosition }: PostgresPosition): string {
  return `${pad(transactionId, 'transactionId')}:${pad(globalPosition, 'globalPosition')}`;
}

/** Parses a position made by encodePosition; throws RangeError on anything else. */
export function decodePosition(position: string): PostgresPosition {
  const match = POSITION_PATTERN.exec(position);
  if (!match) throw new RangeError(`Not a PostgreSQL event-store position: '${position}'`);
  const transactionId = BigInt(match[1]!);
  const globalPosition = BigInt(match[2]!);
  if (transactionId > MAX_UINT64 || globalPosition > MAX_UINT64) {
    throw new RangeError(`PostgreSQL event-store position out of range: '${position}'`);
  }
  return { transactionId, globalPosition };
}

/** Orders two positions of this adapter: negative if a comes first, 0 if equal, positive otherwise. */
export function comparePositions(a: string, b: string): number {
  const pa = decodePosition(a);
  const pb = decodePosition(b);
  if (pa.transactionId !== pb.transactionId) return pa.transactionId < pb.transactionId ? -1 : 1;
  if (pa.globalPosition !== pb.globalPosition) return pa.globalPosition < pb.globalPosition ? -1 : 1;
  return 0;
}

function pad(value: bigint, name: string): string {
  if (typeof value !== 'bigint' || value < 0n || value > MAX_UINT64) {
    throw new RangeError(`${name} must be a bigint in [0, 2^64): ${String(value)}`);
  }
  return value.toString().padStart(DIGITS, '0');
}
