import type { KeyRecord, PipelineDeps, RawRequest } from '../types';

/** Per-request facts fixed at step 0. */
export interface RequestContext {
  req: RawRequest;
  deps: PipelineDeps;
  requestId: string;
  method: string;
  /** Raw path, without query string. */
  path: string;
  rawQuery: string | null;
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
