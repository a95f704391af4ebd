import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { decodeFrame, encodeFrame, FrameSocket, MAX_FRAME_BYTES } from './frame-socket';

/** A stand-in for a net.Socket that records what is written and lets a test feed received bytes. */
class WireStub extends EventEmitter {
  written: Buffer[] = [];
  writableLength = 0;
  corked = 0;
  paused = false;
  ended = false;
  destroyed = false;
  writeReturns = true;
  write(chunk: Uint8Array, callback?: () => void): boolean {
    this.written.push(Buffer.from(chunk));
    callback?.();
    return this.writeReturns;
  }
  cork(): void {
    this.corked++;
  }
  uncork(): void {
    this.corked--;
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  end(): void {
    this.ended = true;
  }
  destroy(): void {
    this.destroyed = true;
  }
  connect(): void {}
  noDelay = false;
  setNoDelay(on: boolean): void {
    this.noDelay = on;
  }
}

function pair(): { wire: WireStub; socket: FrameSocket; messages: unknown[]; errors: unknown[] } {
  const wire = new WireStub();
  const socket = new FrameSocket(wire as unknown as Socket);
  const messages: unknown[] = [];
  const errors: unknown[] = [];
  wire.on('message', (m) => messages.push(m));
  wire.on('error', (e) => errors.push(e));
  return { wire, socket, messages, errors };
}

const sentBytes = (wire: WireStub) => Buffer.concat(wire.written);

describe('FrameSocket (the transport framing)', () => {
  it("turns Nagle's algorithm off on its socket (a frame is written whole; none waits for the previous one's ACK)", () => {
    expect(pair().wire.noDelay).toBe(true);
  });

  it('carries a packet through encode and decode unchanged, including non-ASCII text', () => {
    const packet = { pattern: 'orders.get', id: 'x1', data: { tenantId: 't', query: { a: 'ü€😀' }, body: {} } };
    const a = pair();
    a.socket.sendMessage(packet);
    const b = pair();
    b.wire.emit('data', sentBytes(a.wire));
    expect(b.messages).toEqual([packet]);
  });

  it("sends a request's bytes as an attachment, not inside the JSON, and puts a Buffer of them back", () => {
    const body = Buffer.from('{"sku":"A\\"B","name":"Größe"}', 'utf8');
    const a = pair();
    a.socket.sendMessage({ pattern: 'products.create', id: '1', data: { tenantId: 't', body: {}, bodyUtf8: body } });
    const frame = sentBytes(a.wire);
    const headerLength = frame.readUInt32BE(0);
    expect(frame.readUInt32BE(4)).toBe(body.length);
    const header = JSON.parse(frame.toString('utf8', 8, 8 + headerLength)) as Record<string, unknown>;
    expect(header).toEqual({ pattern: 'products.create', id: '1', data: { tenantId: 't', body: {} }, $attachments: [['data', 'bodyUtf8', body.length]] });
    // The attachment is written as the very buffer given (no copy), after the header.
    expect(frame.subarray(8 + headerLength).equals(body)).toBe(true);

    const b = pair();
    b.wire.emit('data', frame);
    const got = b.messages[0] as { data: { bodyUtf8: Buffer } };
    expect(Buffer.isBuffer(got.data.bodyUtf8)).toBe(true);
    expect(got.data.bodyUtf8.toString('utf8')).toBe('{"sku":"A\\"B","name":"Größe"}');
    expect(got).toEqual({ pattern: 'products.create', id: '1', data: { tenantId: 't', body: {}, bodyUtf8: body } });
  });

  it('carries attachments of a reply (`response`) and leaves the sender\'s packet as it was', () => {
    const blob = new Uint8Array([0, 255, 10, 35]);
    const packet = { id: '9', response: { ok: true, data: { n: 1 }, blob }, isDisposed: true };
    const a = pair();
    a.socket.sendMessage(packet);
    expect(packet.response.blob).toBe(blob);
    const b = pair();
    b.wire.emit('data', sentBytes(a.wire));
    expect(b.messages).toEqual([{ id: '9', response: { ok: true, data: { n: 1 }, blob: Buffer.from(blob) }, isDisposed: true }]);
  });

  it('reassembles frames split at every byte and several frames in one read, in order', () => {
    const a = pair();
    const packets = [1, 2, 3].map((i) => ({ id: String(i), pattern: 'p', data: { i, bodyUtf8: Buffer.from(`{"i":${i}}`) } }));
    for (const p of packets) a.socket.sendMessage(p);
    const bytes = sentBytes(a.wire);

    const byByte = pair();
    for (let i = 0; i < bytes.length; i++) byByte.wire.emit('data', bytes.subarray(i, i + 1));
    const together = pair();
    together.wire.emit('data', bytes);
    for (const b of [byByte, together]) {
      expect(b.errors).toEqual([]);
      expect((b.messages as { data: { i: number; bodyUtf8: Buffer } }[]).map((m) => [m.data.i, m.data.bodyUtf8.toString()])).toEqual([
        [1, '{"i":1}'],
        [2, '{"i":2}'],
        [3, '{"i":3}'],
      ]);
    }
  });

  it('disconnects a peer announcing a frame over the limit, or a corrupted one, without emitting it', () => {
    const over = pair();
    const prefix = Buffer.alloc(8);
    prefix.writeUInt32BE(10, 0);
    prefix.writeUInt32BE(MAX_FRAME_BYTES, 4);
    over.wire.emit('data', prefix);
    expect(over.messages).toEqual([]);
    expect(String(over.errors[0])).toContain('exceeds the limit');
    expect(over.wire.ended).toBe(true);

    const corrupt = pair();
    const frame = Buffer.from('\u0000\u0000\u0000\u0002\u0000\u0000\u0000\u0005{}abcde', 'latin1');
    corrupt.wire.emit('data', frame);
    expect(corrupt.messages).toEqual([]);
    expect(String(corrupt.errors[0])).toContain('attachment bytes without a list');
  });

  it('refuses attachment lists that do not fit the frame or would reach the prototype', () => {
    const frameOf = (header: unknown, tail: Buffer) => {
      const json = Buffer.from(JSON.stringify(header));
      const prefix = Buffer.alloc(8);
      prefix.writeUInt32BE(json.length, 0);
      prefix.writeUInt32BE(tail.length, 4);
      return { frame: Buffer.concat([prefix, json, tail]), headerLength: json.length };
    };
    const cases = [
      frameOf({ data: {}, $attachments: [['data', 'x', 5]] }, Buffer.from('abc')),
      frameOf({ data: {}, $attachments: [['data', '__proto__', 3]] }, Buffer.from('abc')),
      frameOf({ data: {}, $attachments: [['elsewhere', 'x', 3]] }, Buffer.from('abc')),
      frameOf({ data: {}, $attachments: [['data', 'x', 1]] }, Buffer.from('abc')),
    ];
    for (const { frame, headerLength } of cases) expect(() => decodeFrame(frame, headerLength)).toThrow(/corrupted frame/);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('refuses to send a message larger than a frame may be', () => {
    expect(() => encodeFrame({ id: '1', data: { a: new Uint8Array(0), b: Object.defineProperty(new Uint8Array(1), 'byteLength', { value: MAX_FRAME_BYTES }) } })).toThrow(/exceeds the transport's frame limit/);
  });

  it('stops reading while the send buffer is full and resumes on drain', () => {
    const s = pair();
    s.wire.writeReturns = false;
    s.socket.sendMessage({ id: '1', response: { ok: true } });
    expect(s.wire.paused).toBe(true);
    // Frames received meanwhile wait for the drain.
    const a = pair();
    a.socket.sendMessage({ id: '2', pattern: 'p', data: {} });
    s.wire.emit('data', sentBytes(a.wire));
    expect(s.messages).toEqual([]);
    s.wire.emit('drain');
    expect(s.wire.paused).toBe(false);
    expect(s.messages).toEqual([{ id: '2', pattern: 'p', data: {} }]);
  });

  it('disconnects a peer that stops in the middle of a frame after the timeout', () => {
    jest.useFakeTimers();
    try {
      const s = pair();
      s.wire.emit('data', Buffer.from([0, 0, 0, 20, 0, 0]));
      jest.advanceTimersByTime(29_999);
      expect(s.wire.destroyed).toBe(false);
      jest.advanceTimersByTime(1);
      expect(s.wire.destroyed).toBe(true);
      expect(String(s.errors[0])).toContain('incomplete frame: 6 bytes received');
    } finally {
      jest.useRealTimers();
    }
  });
});
