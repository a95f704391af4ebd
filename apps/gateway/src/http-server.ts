import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  baseResponseHeaders,
  errorEnvelope,
  ADMIN_MAX_BODY_BYTES,
  handleIntegrationRequest,
  isAdminPath,
  isIntegrationPath,
  JSON_CONTENT_TYPE,
  matchRoute,
  validationError,
  type PipelineDeps,
  type RawRequest,
  type RawResponse,
} from '@datamingle/gateway-domain';
import type { DocsSite } from '@datamingle/gateway-openapi';
import { METRICS_CONTENT_TYPE, runReadinessChecks, type GatewayLimits, type Logger, type ReadinessCheck } from '@datamingle/platform';
import { ByteBudget } from './byte-budget';
import { isDashboardPath, type DashboardResponse, type DashboardSite } from './dashboard-site';
import { IncomingBody } from './http-body';
import type { Metrics } from './metrics';

export const MAX_BODY_BYTES = 10_485_760;

/** `Retry-After` when the body budget has no room: bodies are answered within seconds, not minutes. */
const BODY_BUDGET_RETRY_AFTER_SECONDS = 5;

function headersOf(req: IncomingMessage): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values) out[name] = values.length === 1 ? values[0] : values;
  }
  return out;
}

/** Paths outside the integration API that get their own route label (any other path is 'other', so scanners cannot grow the series). */
const PROBE_PATHS = new Set(['/healthz', '/readyz', '/metrics', '/docs', '/docs/', '/docs/scalar.js', '/docs/init.js']);

function routeLabel(path: string): string {
  if (isDashboardPath(path)) return '/dashboard/';
  const match = matchRoute(path);
  if (match.type !== 'resource') return PROBE_PATHS.has(path) ? path : 'other';
  return match.route.kind === 'item' ? `/${match.route.resource}/{identifier}/` : `/${match.route.resource}/`;
}

export interface GatewayHttpOptions {
  port: number;
  host: string;
  deps: PipelineDeps;
  readiness: ReadinessCheck[];
  metrics: Metrics;
  logger: Logger;
  /** The human API reference: the page at /docs/ and its assets under /docs/ (see buildDocsSite). */
  docs: DocsSite;
  /** The dashboard: `/dashboard/` and every path below it (see dashboard-site.ts); absent → 404. */
  dashboard?: DashboardSite;
  limits: GatewayLimits;
  /** The admin API (`/api/admin/v1/`, admin.md); its bodies share the byte budget, at most 1 MiB each. */
  admin?: { handle(req: RawRequest): Promise<RawResponse> };
}

/**
 * What Node's HTTP parser refused (it never reaches the request handler): the message of the
 * 400 answered in the integration API's envelope, with an `X-Request-ID`.
 */
function protocolErrorMessage(error: NodeJS.ErrnoException, limits: GatewayLimits): string {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return `The request was not received completely within ${Math.ceil(limits.receiveTimeoutMs / 1000)} seconds.`;
    case 'HPE_HEADER_OVERFLOW':
      return 'The request headers are too large.';
    case 'HPE_INVALID_METHOD':
      return 'The request method is not supported.';
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'HPE_INVALID_TRANSFER_ENCODING':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
    case 'HPE_INVALID_CONTENT_LENGTH':
      return 'The request body framing is invalid (Content-Length / Transfer-Encoding).';
    default:
      return 'The request is not valid HTTP/1.1.';
  }
}

/**
 * The gateway's public HTTP server. It is a plain node:http server so that the integration API
 * sees the raw request exactly as sent (raw path for `%2F` identifiers, duplicate headers,
 * bodies of any media type, the 10 MB limit checked before reading) and hands it to the
 * framework-free pipeline of @datamingle/gateway-domain.
 */
export class GatewayHttpServer {
  private server: Server | null = null;
  private readonly bodyLimits;
  private readonly adminBodyLimits;

  constructor(private readonly options: GatewayHttpOptions) {
    this.bodyLimits = {
      maxBytes: MAX_BODY_BYTES,
      budget: new ByteBudget(options.limits.bodyBufferBytes),
      budgetWaitMs: options.limits.bodyBufferWaitMs,
      retryAfterSeconds: BODY_BUDGET_RETRY_AFTER_SECONDS,
    };
    this.adminBodyLimits = { ...this.bodyLimits, maxBytes: ADMIN_MAX_BODY_BYTES };
  }

  /** Bytes of request bodies held now (for metrics and tests). */
  bodyBytesBuffered(): number {
    return this.bodyLimits.budget.inUse;
  }

  async listen(): Promise<number> {
    const { limits, logger } = this.options;
    const server = createServer(
      {
        headersTimeout: limits.headersTimeoutMs,
        requestTimeout: limits.receiveTimeoutMs,
        keepAliveTimeout: limits.keepAliveTimeoutMs,
        // How often Node checks the two timeouts above (its default, 30 s, would let them overrun by that much).
        connectionsCheckingInterval: Math.max(250, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
      },
      (req, res) => {
        this.handle(req, res).catch((error) => {
          logger.error('unhandled gateway error', { error });
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
      },
    );
    server.maxConnections = limits.maxConnections;
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => this.onClientError(error, socket));
    server.on('drop', () => this.options.metrics.observeDroppedConnection());
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  /**
   * A request Node's parser refused, or one not received in time: answered, like every other
   * response of the platform, with the error envelope and an `X-Request-ID` (a fresh one: the
   * client's headers could not be read), then the connection is closed. A client that went away,
   * or whose response has already started, just has its socket closed.
   */
  private onClientError(error: NodeJS.ErrnoException, socket: Socket): void {
    const attached = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (error.code === 'ECONNRESET' || error.code === 'EPIPE' || !socket.writable || attached?.headersSent) {
      socket.destroy();
      return;
    }
    const requestId = randomUUID();
    const body = JSON.stringify(errorEnvelope(validationError({ non_field_errors: [protocolErrorMessage(error, this.options.limits)] }), requestId));
    const headers: Record<string, string> = {
      ...baseResponseHeaders(requestId, this.options.deps.baseDomain),
      'Content-Type': JSON_CONTENT_TYPE,
      'Content-Length': String(Buffer.byteLength(body)),
      Connection: 'close',
    };
    const head = `HTTP/1.1 400 Bad Request\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
    this.options.logger.debug('protocol-level rejection', { request_id: requestId, code: error.code ?? 'unknown' });
    this.options.metrics.observeRequest('other', 'INVALID', 400, 0);
    socket.end(head + body);
    // A peer that does not read its answer does not keep the socket.
    setTimeout(() => socket.destroy(), 5_000).unref();
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
    let response: RawResponse | DashboardResponse;
    let body: IncomingBody | null = null;
    try {
      if (isIntegrationPath(rawUrl)) {
        body = new IncomingBody(req, this.bodyLimits);
        const tooLarge = body.declaredTooLarge;
        if (tooLarge) body.refuse();
        const raw: RawRequest = {
          method,
          rawUrl,
          headers: headersOf(req),
          body: body.declared === 0 ? null : body,
          bodyTooLarge: tooLarge,
          remoteAddress: req.socket.remoteAddress,
        };
        response = await handleIntegrationRequest(raw, this.options.deps);
        if (body.mustClose) response.headers['connection'] = 'close';
      } else if (this.options.admin && isAdminPath(rawUrl)) {
        // The admin API: its body is read only once the session passed (sign-in excepted).
        body = new IncomingBody(req, this.adminBodyLimits);
        const tooLarge = body.declaredTooLarge;
        if (tooLarge) body.refuse();
        const raw: RawRequest = { method, rawUrl, headers: headersOf(req), body: body.declared === 0 ? null : body, bodyTooLarge: tooLarge, remoteAddress: req.socket.remoteAddress };
        response = await this.options.admin.handle(raw);
        if (body.mustClose) response.headers['connection'] = 'close';
      } else {
        req.resume();
        response = this.options.dashboard?.respond(method, path, req.headers['accept-encoding']) ?? (await this.probe(method, path));
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (body?.aborted || res.destroyed) {
        // Routine: the client closed the connection before its answer (recorded as 499).
        this.options.logger.debug('client closed the connection before the response', { method, path });
        this.options.metrics.observeRequest(routeLabel(path), method, 499, seconds);
        return;
      }
      res.writeHead(response.status, response.headers);
      res.end(response.body ?? undefined);
      this.options.metrics.observeRequest(routeLabel(path), method, response.status, seconds);
    } finally {
      body?.release();
    }
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
      const docs = this.options.docs.get(path);
      if (docs) return { status: 200, headers: { 'content-type': docs.contentType, ...docs.headers }, body: method === 'HEAD' ? null : docs.body };
      if (path === '/metrics') {
        return { status: 200, headers: { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' }, body: method === 'HEAD' ? null : await this.options.metrics.render() };
      }
    }
    return json(404, { status: 'not_found' });
  }
}
