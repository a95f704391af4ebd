/**
 * One request to the integration API's change feed, `GET /api/integrations/v1/changes/`, with
 * Node's own http/https (no dependency). Retrying is the caller's business: a failed request
 * throws a FeedError that says whether, and after how long, it may be retried.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** One change of the feed: the record as it is now, and which event brought it there. */
export interface ChangeEvent {
  /** Opaque position of this event in the feed. */
  cursor: string;
  resource: string;
  /** The record's id. */
  id: string;
  identifier?: string | null;
  type: string;
  version: number;
  occurred_at: string;
  record: unknown;
}

export interface ChangesPage {
  data: ChangeEvent[];
  /** Where the next request starts (always present; unchanged when nothing new was stored). */
  nextCursor: string;
}

export interface FeedClientOptions {
  /** Base URL of the platform, e.g. `http://localhost:8080`. */
  baseUrl: string;
  /** Host header to send instead of the URL's (the tenant host, e.g. `acme.localhost:8080`). */
  host?: string;
  apiKey: string;
  /** Resources to follow (`orders,products`...); all of them when absent. */
  resources?: readonly string[];
  /** Long-poll: seconds the platform may hold an empty answer (0–30). */
  waitSeconds: number;
  /** Events per page (1–1000); the platform's default when absent. */
  limit?: number;
}

/** A request that did not give a page. */
export class FeedError extends Error {
  constructor(
    message: string,
    /** Whether the same request may succeed later (network errors, 429, 5xx). */
    readonly retryable: boolean,
    /** The HTTP status, when there was an answer. */
    readonly status?: number,
    /** The server's Retry-After, in milliseconds. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'FeedError';
  }
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function isChangeEvent(value: unknown): value is ChangeEvent {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  return typeof e['cursor'] === 'string' && typeof e['resource'] === 'string' && typeof e['type'] === 'string' && 'id' in e;
}

export class ChangeFeedClient {
  private readonly url: URL;
  private readonly agent: HttpAgent;

  constructor(private readonly options: FeedClientOptions) {
    this.url = new URL('/api/integrations/v1/changes/', options.baseUrl);
    if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:') throw new Error(`DATAMINGLE_URL: not an http(s) URL: ${options.baseUrl}`);
    this.agent = this.url.protocol === 'https:' ? new HttpsAgent({ keepAlive: true, maxSockets: 1 }) : new HttpAgent({ keepAlive: true, maxSockets: 1 });
  }

  /** The request's path and query for a page after `after` (from the tenant's first event when undefined). */
  pathFor(after: string | undefined): string {
    const query = new URLSearchParams();
    if (after !== undefined) query.set('after', after);
    if (this.options.resources && this.options.resources.length > 0) query.set('resources', this.options.resources.join(','));
    if (this.options.limit !== undefined) query.set('limit', String(this.options.limit));
    query.set('wait', String(this.options.waitSeconds));
    return `${this.url.pathname}?${query.toString()}`;
  }

  /** One GET of the feed. Rejects with a FeedError; with the signal's reason when aborted. */
  fetchPage(after: string | undefined, signal?: AbortSignal): Promise<ChangesPage> {
    const send = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    // The platform holds the answer up to `wait` seconds: allow that plus a margin before calling the connection dead.
    const timeoutMs = (this.options.waitSeconds + 30) * 1000;
    return new Promise<ChangesPage>((resolve, reject) => {
      const req = send(
        {
          protocol: this.url.protocol,
          hostname: this.url.hostname,
          port: this.url.port,
          method: 'GET',
          path: this.pathFor(after),
          agent: this.agent,
          signal,
          headers: {
            accept: 'application/json',
            'x-api-key': this.options.apiKey,
            ...(this.options.host ? { host: this.options.host } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let ended = false;
          const failed = (why: string) => reject(signal?.aborted ? signal.reason : new FeedError(`reading the answer: ${why}`, true));
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (error) => failed(error.message));
          res.on('close', () => ended || failed('connection closed mid-answer'));
          res.on('end', () => {
            ended = true;
            try {
              resolve(toPage(res.statusCode ?? 0, res.headers, Buffer.concat(chunks).toString('utf8')));
            } catch (error) {
              reject(error);
            }
          });
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
      req.on('error', (error: Error) => {
        if (signal?.aborted) reject(signal.reason);
        else reject(new FeedError(`request failed: ${error.message}`, true));
      });
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function toPage(status: number, headers: IncomingHttpHeaders, text: string): ChangesPage {
  if (status !== 200) {
    let detail = text.slice(0, 300);
    try {
      const error = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
      if (error?.code) detail = `${error.code}: ${error.message ?? ''}`;
    } catch {
      // not JSON: keep the text
    }
    // 429 (rate limited), 503 (busy / starting), other 5xx and 408: the same request may work later.
    const retryable = status === 429 || status === 408 || status >= 500;
    throw new FeedError(`HTTP ${status} ${detail}`.trim(), retryable, status, parseRetryAfter(headers['retry-after']));
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new FeedError(`HTTP 200 with a body that is not JSON: ${text.slice(0, 200)}`, false, status);
  }
  const b = body as { success?: unknown; data?: unknown; pagination?: { next_cursor?: unknown } };
  if (b.success !== true || !Array.isArray(b.data) || typeof b.pagination?.next_cursor !== 'string' || !b.data.every(isChangeEvent)) {
    throw new FeedError(`HTTP 200 with an unexpected body: ${text.slice(0, 300)}`, false, status);
  }
  return { data: b.data, nextCursor: b.pagination.next_cursor };
}
