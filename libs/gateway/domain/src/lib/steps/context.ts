import type { KeyRecord, PipelineDeps, RawRequest } from '../types';
import type { IdempotencyClaimRef } from './idempotency';
import type { IntegrationLogDraft } from './integration-log';

/** Per-request facts fixed at step 0. */
export interface RequestContext {
  req: RawRequest;
  deps: PipelineDeps;
  requestId: string;
  method: string;
  /** Raw path, without query string. */
  path: string;
  rawQuery: string | null;
  /** When the gateway received the request (the log's `created_at`, the start of `duration_ms`). */
  receivedAt: Date;
  /** Set once the request passed the authentication layer: its integration-log entry (integration-logs.md §1). */
  log?: IntegrationLogDraft;
  /** `X-RateLimit-*` of a key with a rate limit, on every response from step 6 on. */
  limitHeaders?: Record<string, string>;
  /** Frees the key's concurrency slot (step 7); called once the response is produced. */
  releaseSlot?: () => void;
  /** The request's claim of its `Idempotency-Key`, settled with the response. */
  idempotency?: IdempotencyClaimRef;
}

/** A response before the common headers and serialization are applied. */
export interface Outcome {
  status: number;
  /** A JSON value to serialize; `undefined` = no body. */
  body?: unknown;
  /** An already serialized JSON body. */
  text?: string;
  headers?: Record<string, string>;
}

/** Who passed the authentication layer. */
export interface AuthenticatedCaller {
  key: KeyRecord;
  tenantSlug: string;
}

/** Bodies of these methods are ignored without being parsed (conventions.md §6.1). */
export const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
