import type { Socket } from 'node:net';
import { TcpSocket } from '@nestjs/microservices';

/**
 * The framing of the platform's @nestjs/microservices TCP transport (the `socketClass` of its
 * clients and servers, in place of Nest's JsonSocket): length-prefixed binary frames whose
 * packets may carry binary attachments as raw bytes.
 *
 * Why by hand: Nest's JsonSocket sends `${length}#${JSON}` text, so a request body travelling as
 * a string is escaped into the JSON, copied into the framed string and encoded again on the
 * socket (a 50,000-row bulk body held three to four times over in the gateway), and every read is
 * decoded to a string and searched for the delimiter. No maintained package frames Nest packets
 * with attachments; the frame is small enough to own.
 *
 * A frame:
 *
 *     u32 BE  H, the header's byte length (≥ 2)
 *     u32 BE  A, the attachments' total byte length
 *     H bytes the packet as JSON (UTF-8)
 *     A bytes the attachments, back to back
 *
 * An attachment is a top-level `Uint8Array` value of the packet's `data` (a request) or
 * `response` (a reply): it leaves the JSON and travels as its bytes, listed in the header's
 * `$attachments` as `[container, field, byteLength]`. The receiver puts a `Buffer` of those bytes
 * back at the same place. Everything else is JSON, as with Nest's own framing.
 *
 * As Nest's JsonSocket: a peer sending a frame longer than {@link MAX_FRAME_BYTES} or stalling mid-frame
 * for {@link INCOMPLETE_FRAME_TIMEOUT_MS} is disconnected; reading stops while the socket's send
 * buffer is above its high-water mark, and a connection with more than {@link MAX_SEND_BUFFER_BYTES}
 * unsent bytes is destroyed.
 */
export class FrameSocket extends TcpSocket {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The frame being received: its header and total length, once its prefix is in. */
  private frame: { headerLength: number; length: number } | null = null;
  private backpressured = false;
  private incompleteTimer: NodeJS.Timeout | null = null;

  constructor(socket: Socket) {
    super(socket);
    // Frames are sent whole (one write or one corked writev), so Nagle's algorithm can only hold
    // one back until the peer ACKs the previous (up to its delayed-ACK timeout, ~40 ms on Linux)
    // when several calls are in flight on the connection. Off, as pg does for its connections.
    // (Before connect, Node keeps the setting and applies it once connected.)
    socket.setNoDelay(true);
    socket.on('close', () => this.clearIncompleteTimer());
  }

  protected handleSend(message: unknown, callback?: (err?: unknown) => void): void {
    const { head, attachments, length } = encodeFrame(message);
    let flushed: boolean;
    if (attachments.length === 0) {
      flushed = this.socket.write(head, callback);
    } else {
      // One writev: the header and the attachments as they are, never copied into one buffer.
      this.socket.cork();
      this.socket.write(head);
      for (let i = 0; i < attachments.length - 1; i++) this.socket.write(attachments[i]!);
      flushed = this.socket.write(attachments[attachments.length - 1]!, callback);
      this.socket.uncork();
    }
    if (!flushed) this.applyBackpressure();
    if (this.socket.writableLength > MAX_SEND_BUFFER_BYTES) {
      this.handleDataError(new Error(`the peer is not reading: ${this.socket.writableLength} bytes unsent (limit ${MAX_SEND_BUFFER_BYTES}, last frame ${length})`), { destroy: true });
    }
  }

  protected handleData(data: Buffer | string): void {
    const chunk = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    try {
      this.processFrames();
    } finally {
      this.refreshIncompleteTimer();
    }
  }

  private processFrames(): void {
    while (!this.backpressured) {
      if (this.frame === null) {
        if (this.buffered < PREFIX_BYTES) return;
        const prefix = this.peekPrefix();
        const headerLength = prefix.readUInt32BE(0);
        const length = PREFIX_BYTES + headerLength + prefix.readUInt32BE(4);
        if (headerLength < 2 || length > MAX_FRAME_BYTES) {
          this.reset();
          throw new Error(headerLength < 2 ? `corrupted frame: header length ${headerLength}` : `frame of ${length} bytes exceeds the limit of ${MAX_FRAME_BYTES}`);
        }
        this.frame = { headerLength, length };
      }
      if (this.buffered < this.frame.length) return;
      const { headerLength, length } = this.frame;
      this.frame = null;
      const packet = decodeFrame(this.take(length), headerLength);
      this.socket.emit('message', packet);
    }
  }

  /** The first 8 bytes (the caller checked they are buffered). */
  private peekPrefix(): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= PREFIX_BYTES) return first;
    const prefix = Buffer.allocUnsafe(PREFIX_BYTES);
    let at = 0;
    for (const chunk of this.chunks) {
      at += chunk.copy(prefix, at, 0, Math.min(chunk.length, PREFIX_BYTES - at));
      if (at === PREFIX_BYTES) break;
    }
    return prefix;
  }

  /** Removes the next `n` buffered bytes: a view of the first chunk when it holds them, else one copy. */
  private take(n: number): Buffer {
    this.buffered -= n;
    const first = this.chunks[0]!;
    if (first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let at = 0;
    while (at < n) {
      const chunk = this.chunks[0]!;
      const used = Math.min(chunk.length, n - at);
      chunk.copy(out, at, 0, used);
      at += used;
      if (used === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(used);
    }
    return out;
  }

  private reset(): void {
    this.chunks = [];
    this.buffered = 0;
    this.frame = null;
  }

  private applyBackpressure(): void {
    if (this.backpressured) return;
    this.backpressured = true;
    this.socket.pause();
    this.socket.once('drain', () => {
      this.backpressured = false;
      this.socket.resume();
      // Frames that arrived before the socket was paused may still be buffered.
      try {
        this.processFrames();
      } catch (error) {
        this.handleDataError(error);
      } finally {
        this.refreshIncompleteTimer();
      }
    });
  }

  /** A frame started and not finished: the peer gets {@link INCOMPLETE_FRAME_TIMEOUT_MS} of silence at most. */
  private refreshIncompleteTimer(): void {
    this.clearIncompleteTimer();
    if (this.buffered === 0 && this.frame === null) return;
    this.incompleteTimer = setTimeout(() => {
      const held = this.buffered;
      this.incompleteTimer = null;
      this.reset();
      this.handleDataError(new Error(`incomplete frame: ${held} bytes received, then nothing for ${INCOMPLETE_FRAME_TIMEOUT_MS} ms`), { destroy: true });
    }, INCOMPLETE_FRAME_TIMEOUT_MS);
    this.incompleteTimer.unref();
  }

  private clearIncompleteTimer(): void {
    if (this.incompleteTimer === null) return;
    clearTimeout(this.incompleteTimer);
    this.incompleteTimer = null;
  }
}

const PREFIX_BYTES = 8;

/** The longest frame either side accepts (a 10 MB body, or a page of records, fits many times over). */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;
/** Unsent bytes one connection may hold before it is destroyed (Nest's JsonSocket default). */
export const MAX_SEND_BUFFER_BYTES = 128 * 1024 * 1024;
/** A peer that stops sending in the middle of a frame is disconnected after this long (Nest's default). */
export const INCOMPLETE_FRAME_TIMEOUT_MS = 30_000;

/** Attachments smaller than this are copied out of the socket's read buffer instead of keeping it alive. */
const COPY_ATTACHMENTS_BELOW = 64 * 1024;

type Attachment = [container: 'data' | 'response', field: string, byteLength: number];

const CONTAINERS = ['data', 'response'] as const;

/** The frame of a packet: its prefix and JSON header in one buffer, then the attachments as they are. */
export function encodeFrame(message: unknown): { head: Buffer; attachments: Uint8Array[]; length: number } {
  let header = message;
  const attachments: Uint8Array[] = [];
  let attachmentBytes = 0;
  if (message !== null && typeof message === 'object') {
    const packet = message as Record<string, unknown>;
    let listed: Attachment[] | null = null;
    let copy: Record<string, unknown> | null = null;
    for (const container of CONTAINERS) {
      const value = packet[container];
      if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) continue;
      let rest: Record<string, unknown> | null = null;
      for (const field in value) {
        const v = (value as Record<string, unknown>)[field];
        if (!(v instanceof Uint8Array)) continue;
        rest ??= { ...(value as Record<string, unknown>) };
        delete rest[field];
        (listed ??= []).push([container, field, v.byteLength]);
        attachments.push(v);
        attachmentBytes += v.byteLength;
      }
      if (rest !== null) (copy ??= { ...packet })[container] = rest;
    }
    if (copy !== null) {
      copy.$attachments = listed;
      header = copy;
    }
  }
  const json = JSON.stringify(header) ?? 'null';
  const headerLength = Buffer.byteLength(json, 'utf8');
  const length = PREFIX_BYTES + headerLength + attachmentBytes;
  if (length > MAX_FRAME_BYTES) throw new Error(`message of ${length} bytes exceeds the transport's frame limit of ${MAX_FRAME_BYTES}`);
  const head = Buffer.allocUnsafe(PREFIX_BYTES + headerLength);
  head.writeUInt32BE(headerLength, 0);
  head.writeUInt32BE(attachmentBytes, 4);
  head.write(json, PREFIX_BYTES, 'utf8');
  return { head, attachments, length };
}

/** The packet of one whole frame (prefix included), attachments back in place. */
export function decodeFrame(frame: Buffer, headerLength: number): unknown {
  const packet: unknown = JSON.parse(frame.toString('utf8', PREFIX_BYTES, PREFIX_BYTES + headerLength));
  if (packet === null || typeof packet !== 'object' || !('$attachments' in packet)) {
    if (frame.length !== PREFIX_BYTES + headerLength) throw new Error('corrupted frame: attachment bytes without a list');
    return packet ?? {};
  }
  const record = packet as Record<string, unknown> & { $attachments: unknown };
  const listed = record.$attachments;
  delete (record as Record<string, unknown>).$attachments;
  if (!Array.isArray(listed)) throw new Error('corrupted frame: $attachments is not a list');
  let at = PREFIX_BYTES + headerLength;
  for (const entry of listed as unknown[]) {
    const [container, field, byteLength] = Array.isArray(entry) ? (entry as unknown[]) : [];
    const target = typeof container === 'string' && (CONTAINERS as readonly string[]).includes(container) ? record[container] : undefined;
    if (target === null || typeof target !== 'object' || typeof field !== 'string' || field === '__proto__' || !Number.isSafeInteger(byteLength) || (byteLength as number) < 0 || at + (byteLength as number) > frame.length) {
      throw new Error('corrupted frame: an attachment does not fit');
    }
    const bytes = frame.subarray(at, at + (byteLength as number));
    (target as Record<string, unknown>)[field] = bytes.length < COPY_ATTACHMENTS_BELOW ? Buffer.from(bytes) : bytes;
    at += byteLength as number;
  }
  if (at !== frame.length) throw new Error('corrupted frame: attachment lengths do not add up');
  return record;
}
