/**
 * The ports of steps 6–7 (per-key rate limit and concurrency, limits-and-versioning.md §3–§4) and
 * of the integration log (integration-logs.md): what the pipeline asks of them. The gateway's
 * infrastructure implements them across gateway instances (PostgreSQL); the pipeline never sees
 * how.
 */

/** Step 6 for a key with `rate_limit_per_second` = R: one token taken, or refused. */
export type RateDecision =
  /** A token was taken: `remaining` whole tokens are left (X-RateLimit-Remaining). */
  | { allowed: true; limit: number; remaining: number }
  /** Less than one token was available: `429`, nothing taken; `retryAfterSeconds` ≥ 1 until one token is available. */
  | { allowed: false; limit: number; retryAfterSeconds: number };

/** Step 7: a concurrency slot of the key, held until the response is produced. */
export type SlotDecision =
  | { acquired: true; release(): void }
  /** Waited 30 s without a slot, or 1,000 requests of the key were already waiting: `503`, `Retry-After: 1`. */
  | { acquired: false; reason: 'queue_timeout' | 'queue_full' };

export interface KeyLimits {
  /** Step 6 (only called for a key whose `rateLimitPerSecond` is set). Shared by every gateway instance (within 10 %). */
  takeToken(keyId: string, ratePerSecond: number): Promise<RateDecision>;
  /**
   * Step 7: at most 50 requests of a key in flight across every gateway instance; further ones
   * wait first-in first-out up to 30 s, at most 1,000 of them. Resolves when a slot is held (or
   * refused); the caller must call `release()` exactly once when the response is produced.
   */
  acquireSlot(keyId: string): Promise<SlotDecision>;
}

/** integration-logs.md §3. */
export type IntegrationLogStatus = 'success' | 'validation_error' | 'service_error' | 'not_found' | 'mapping_error' | 'error';

/** integration-logs.md §2 `resource` (singular) and `action`. */
export type LogResource = 'order' | 'product' | 'location' | 'inventory';
export type LogAction = 'create' | 'list' | 'read' | 'update' | 'delete' | 'options';

/**
 * One integration-log entry (integration-logs.md §2) as the pipeline hands it over. Payload
 * fields are JSON *texts*, so that nothing large is parsed or re-serialized on the gateway's event
 * loop: the store keeps each as the JSON value it holds. Each is at most 1,048,576 bytes of UTF-8;
 * a longer one was already shortened by the pipeline (§4: a JSON *string* holding the first
 * 1,048,576 bytes, its field named in `shortenedFields`).
 */
export interface IntegrationLogEntry {
  tenantId: string;
  /** When the gateway received the request. */
  createdAt: Date;
  requestId: string;
  partner: { id: string; name: string } | null;
  apiKey: { id: string; name: string };
  resource: LogResource | null;
  action: LogAction | null;
  identifier: string | null;
  method: string;
  /** As received, percent-encoding preserved, without the query string. */
  path: string;
  /** Raw, without `?`; `''` if none. */
  queryString: string;
  /**
   * The body: `json` is JSON text of the value to store (the body itself when it is valid JSON,
   * else a JSON string of its text — the store decides which when `maybeJson`), or `null` without a body.
   */
  rawPayload: LoggedPayload | null;
  mappedPayload: LoggedPayload | null;
  responseBody: LoggedPayload | null;
  httpStatus: number;
  status: IntegrationLogStatus;
  errorCode: string | null;
  errorMessage: string | null;
  internalId: string | null;
  durationMs: number;
  shortenedFields: Array<'raw_payload' | 'mapped_payload' | 'response_body'>;
}

/** A payload field for the store. */
export type LoggedPayload =
  /** Valid JSON text: stored as the value it is. */
  | { json: string }
  /** Text that may or may not be valid JSON (a body the gateway did not parse): the value when it is valid JSON, else the text as a JSON string. */
  | { maybeJson: string }
  /** Text stored as a JSON string (a shortened field, or a body that is not JSON). */
  | { text: string }
  /**
   * A body the gateway did not parse, as `mapped_payload` of a request that was not mapped: the
   * value when the text is a valid JSON *object*, else SQL `NULL` (integration-logs.md §2:
   * `mapped_payload` is null when the body was not a JSON object).
   */
  | { objectOrNull: string };

/** Where entries go: must not block or throw; the implementation batches, retries and stores them. */
export interface IntegrationLogSink {
  record(entry: IntegrationLogEntry): void;
}
