import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

/**
 * A time-ordered UUID (version 7, RFC 9562): 48-bit Unix milliseconds, then a 12-bit counter
 * within the millisecond and 62 random bits. Ids created one after the other sort in creation
 * order, so inserting many of them touches the right edge of a B-tree index instead of random
 * pages (event ids of bulk writes, inventory records).
 */
export function uuidv7(now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    sequence = 0;
  } else {
    sequence = (sequence + 1) & 0xfff;
    if (sequence === 0) lastMs += 1; // counter exhausted within one millisecond: borrow the next one
  }
  return uuidV7Of(lastMs, sequence);
}

/**
 * A UUIDv7 whose 48-bit timestamp is exactly `ms` (clamped to 0 … 2^48 − 1), with 74 random bits:
 * an id that names its row's creation time to the millisecond (the integration log's entries,
 * whose item look-up then reads one partition). Unlike {@link uuidv7}, ids of one millisecond do
 * not sort in creation order.
 */
export function uuidV7At(ms: number): string {
  const r = takeRandom(2);
  return uuidV7Of(Math.min(Math.max(0, Math.floor(ms)), 0xffff_ffff_ffff), ((RANDOM_POOL[r]! & 0x0f) << 8) | RANDOM_POOL[r + 1]!);
}

/** The UUIDv7 of `ms` with `randA` (12 bits) after the version, then the variant and 62 random bits. */
function uuidV7Of(ms: number, randA: number): string {
  const time = ms.toString(16).padStart(12, '0');
  const r = takeRandom(8);
  const hex = (i: number, mask = 0xff, bits = 0): string => HEX[(RANDOM_POOL[r + i]! & mask) | bits]!;
  return `${time.slice(0, 8)}-${time.slice(8)}-7${randA.toString(16).padStart(3, '0')}-${hex(0, 0x3f, 0x80)}${hex(1)}-${hex(2)}${hex(3)}${hex(4)}${hex(5)}${hex(6)}${hex(7)}`;
}

/**
 * Randomness for the ids, drawn 4 KiB at a time: a `randomBytes` call per id (a system call) cost
 * ~6 µs, the largest part of preparing an integration-log batch and of an inventory bulk's two ids
 * per row. Every byte is used once.
 */
const RANDOM_POOL = Buffer.alloc(4096);
let randomAt = RANDOM_POOL.length;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** The offset of `n` unused bytes of the pool, refilled when it runs out. */
function takeRandom(n: number): number {
  if (randomAt + n > RANDOM_POOL.length) {
    randomFillSync(RANDOM_POOL);
    randomAt = 0;
  }
  const at = randomAt;
  randomAt += n;
  return at;
}
