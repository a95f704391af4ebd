import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  handleIntegrationRequest,
  isIntegrationPath,
  type PipelineDeps,
  type RawRequest,
  type RawResponse,
} from '@datamingle/gateway-domain';
import { METRICS_CONTENT_TYPE, runReadinessChecks, type Logger, type ReadinessCheck } from '@datamingle/platform';
import type { Metrics } from './metrics';

export const MAX_BODY_BYTES = 10_485_760;

/** Bytes of an oversized body the server still reads and discards so the 413 reaches the client. */
const MAX_DISCARD_BYTES = 64 * 1024 * 1024;

/**
 * After a 413: discards the rest of the body (never buffering it), so the client, still sending,
 * reads the answer instead of a connection reset, then closes the connection. A body too large to
 * be worth draining gets the connection closed right after the answer (returns false).
 */
function discardRest(req: IncomingMessage, alreadyRead: number): boolean {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared - alreadyRead > MAX_DISCARD_BYTES) return false;
  let discarded = 0;
  req.removeAllListeners('data');
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > MAX_DISCARD_BYTES) req.socket.destroy();
  });
  // Closing while the client is still sending would reset the connection and lose the 413:
  // the connection is closed once the whole body has arrived.
  req.once('end', () => req.socket.end());
  req.resume();
  return true;
}

/** Reads the body, stopping as soon as it is known to exceed the limit (limits-and-versioning.md §2). */
function readBody(req: IncomingMessage): Promise<{ body: Buffer | null; tooLarge: boolean; keepAlive: boolean }> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > MAX_BODY_BYTES) {
    return Promise.resolve({ body: null, tooLarge: true, keepAlive: discardRest(req, 0) });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        done = true;
        chunks.length = 0;
        resolve({ body: null, tooLarge: true, keepAlive: discardRest(req, size) });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve({ body: size === 0 ? null : Buffer.concat(chunks, size), tooLarge: false, keepAlive: true });
    });
    req.on('error', (error) => {
      if (!done) {
        done = true;
        reject(error);
      }
    });
  });
}

function headersOf(req: IncomingMessage): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values) out[name] = values.length === 1 ? values[0] : values;
  }
  return out;
}

/** Paths outside the integration API that get their own route label (any other path is 'other', so scanners cannot grow the series). */
const PROBE_PATHS = new Set(['/healthz', '/readyz', '/metrics', '/docs', '/docs/']);

function routeLabel(path: string): string {
  const m = /^\/api\/integrations\/v1\/(orders|products|locations|inventory)(\/[^/]+)?\/?$/.exec(path);
  if (!m) return PROBE_PATHS.has(path) ? path : 'other';
  return m[2] ? `/${m[1]}/{identifier}/` : `/${m[1]}/`;
}

export interface GatewayHttpOptions {
  port: number;
  host: string;
  deps: PipelineDeps;
  readiness: ReadinessCheck[];
  metrics: Metrics;
  logger: Logger;
  /** The human API reference (HTML), served at /docs/. */
  docsPage: string;
}

/**
 * The gateway's public HTTP server. It is a plain node:http server so that the integration API
 * sees the raw request exactly as sent (raw path for `%2F` identifiers, duplicate headers,
 * bodies of any media type, the 10 MB limit checked before reading) and hands it to the
 * framework-free pipeline of @datamingle/gateway-domain.
 */
export class GatewayHttpServer {
  private server: Server | null = null;

  constructor(private readonly options: GatewayHttpOptions) {}

  async listen(): Promise<number> {
    const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => {
      this.handle(req, res).catch((error) => {
        this.options.logger.error('unhandled gateway error', { error });
        if (!res.headersSent) {
          const requestId = randomUUID();
          res.writeHead(500, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId, 'cache-control': 'no-store' });
          res.end(
            JSON.stringify({
              success: false,
              error: { code: 'INTERNAL_ERROR', message: 'An unexpected error occurred. Quote the request_id when contacting support.' },
              request_id: requestId,
            }),
          );
        } else {
          res.destroy();
        }
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 5_000).unref();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const rawUrl = req.url ?? '/';
    const path = rawUrl.split('?', 1)[0]!;
    const method = req.method ?? 'GET';
    let response: RawResponse;
    if (isIntegrationPath(rawUrl)) {
      const { body, tooLarge, keepAlive } = await readBody(req);
      const raw: RawRequest = {
        method,
        rawUrl,
        headers: headersOf(req),
        body,
        bodyTooLarge: tooLarge,
        remoteAddress: req.socket.remoteAddress,
      };
      response = await handleIntegrationRequest(raw, this.options.deps);
      if (!keepAlive) response.headers['connection'] = 'close';
    } else {
      req.resume();
      response = await this.probe(method, path);
    }
    res.writeHead(response.status, response.headers);
    res.end(response.body ?? undefined);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.options.metrics.observeRequest(routeLabel(path), method, response.status, seconds);
  }

  private async probe(method: string, path: string): Promise<RawResponse> {
    const json = (status: number, body: unknown): RawResponse => ({
      status,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      body: method === 'HEAD' ? null : JSON.stringify(body),
    });
    if (method === 'GET' || method === 'HEAD') {
      if (path === '/healthz') return json(200, { status: 'ok' });
      if (path === '/readyz') {
        const result = await runReadinessChecks(this.options.readiness, 2_000);
        return json(result.ready ? 200 : 503, { status: result.ready ? 'ready' : 'unavailable', checks: result.checks });
      }
      if (path === '/docs' || path === '/docs/') {
        return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, body: method === 'HEAD' ? null : this.options.docsPage };
      }
      if (path === '/metrics') {
        return { status: 200, headers: { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' }, body: method === 'HEAD' ? null : await this.options.metrics.render() };
      }
    }
    return json(404, { status: 'not_found' });
  }
}
