import { connect, type Socket } from 'node:net';

/** A client connection to the gateway that records what it receives and when it is closed. */
export interface RawClient {
  socket: Socket;
  /** Everything received so far (latin1, so any byte survives). */
  received(): string;
  /** Resolves with the milliseconds from `openedAt` to the close, or rejects after `limitMs`. */
  closedWithin(limitMs: number): Promise<number>;
  isClosed(): boolean;
  openedAt: number;
}

export function openRaw(port: number): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let closedAt: number | null = null;
    const waiters: Array<() => void> = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closedAt = Date.now();
      for (const w of waiters.splice(0)) w();
    });
    socket.once('connect', () => {
      const client: RawClient = {
        socket,
        openedAt: Date.now(),
        received: () => Buffer.concat(chunks).toString('latin1'),
        isClosed: () => closedAt !== null,
        closedWithin: (limitMs) =>
          new Promise<number>((res, rej) => {
            const done = () => res(closedAt! - client.openedAt);
            if (closedAt !== null) return done();
            const timer = setTimeout(() => rej(new Error(`connection still open after ${limitMs} ms`)), limitMs);
            waiters.push(() => {
              clearTimeout(timer);
              done();
            });
          }),
      };
      resolve(client);
    });
    socket.once('error', reject);
  });
}

/** Status code and headers (lower-case names) of the first response in `raw`, and its body. */
export function parseRawResponse(raw: string): { status: number; headers: Record<string, string>; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`no complete response head in ${JSON.stringify(raw.slice(0, 200))}`);
  const [statusLine, ...lines] = raw.slice(0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? '')?.[1] ?? NaN);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const at = line.indexOf(':');
    headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  const length = Number(headers['content-length'] ?? NaN);
  let rest = raw.slice(end + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    let body = '';
    for (;;) {
      const lineEnd = rest.indexOf('\r\n');
      const size = parseInt(rest.slice(0, lineEnd), 16);
      if (!(size > 0)) break;
      body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
      rest = rest.slice(lineEnd + 2 + size + 2);
    }
    return { status, headers, body };
  }
  return { status, headers, body: Number.isFinite(length) ? rest.slice(0, length) : rest };
}

/** Resident memory of a process in bytes (Linux /proc). */
export async function rssBytes(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb * 1024;
}

/** Samples a process's RSS every 50 ms from now on; `stop()` gives the largest rise over the first sample, in bytes. */
export async function watchRssRise(pid: number): Promise<{ stop(): number }> {
  const before = await rssBytes(pid);
  let peak = before;
  const sampler = setInterval(() => void rssBytes(pid).then((v) => (peak = Math.max(peak, v)), () => undefined), 50);
  return {
    stop: () => {
      clearInterval(sampler);
      return peak - before;
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
