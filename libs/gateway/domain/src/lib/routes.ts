import { isResourceName, OPERATION_ACTIONS, perResource, resourceDefinition, type OperationName } from '@datamingle/contracts';
import type { Action, Operation, Resource } from './types';

export const INTEGRATIONS_PREFIX = '/api/integrations';
export const API_VERSION = 'v1';
export const BASE_PATH = `${INTEGRATIONS_PREFIX}/${API_VERSION}/`;
export const OPENAPI_SEGMENT = 'openapi.json';
/** The change feed's route (history-feed-idempotency.md §2). */
export const CHANGES_SEGMENT = 'changes';
/** The item sub-route of a record's history (§1). */
export const HISTORY_SEGMENT = 'history';

export type RouteKind = 'collection' | 'item' | 'history';

export interface RouteDefinition {
  resource: Resource;
  kind: RouteKind;
  /** Supported methods in `Allow` order (alphabetical). */
  methods: readonly string[];
}

const READ_ONLY_METHODS = ['GET', 'HEAD', 'OPTIONS'] as const;

/** The operation each method of a route asks for (conventions.md §3.1); `HEAD` is `GET`, `OPTIONS` none. */
const OPERATION_OF_METHOD: Readonly<Record<RouteKind, Readonly<Record<string, OperationName>>>> = {
  collection: { GET: 'list', HEAD: 'list', POST: 'create' },
  item: { GET: 'get', HEAD: 'get', PUT: 'update', DELETE: 'delete' },
  history: { GET: 'history', HEAD: 'history' },
};

/**
 * The methods of a route in `Allow` order (alphabetical): those whose operation the resource
 * supports, and `OPTIONS` on a route that can be read.
 */
function methodsOf(kind: RouteKind, operations: Readonly<Partial<Record<OperationName, string>>>): string[] {
  const methods = Object.entries(OPERATION_OF_METHOD[kind])
    .filter(([, op]) => operations[op] !== undefined)
    .map(([method]) => method);
  if (methods.includes('GET')) methods.push('OPTIONS');
  return methods.sort();
}

/** The route table of conventions.md §3.1, keyed by the resource segment: derived from the resource registry. */
export const ROUTES: Readonly<Record<Resource, { collection: RouteDefinition; item: RouteDefinition; history?: RouteDefinition }>> = perResource((resource) => {
  const { operations } = resourceDefinition(resource);
  return {
    collection: { resource, kind: 'collection', methods: methodsOf('collection', operations) },
    item: { resource, kind: 'item', methods: methodsOf('item', operations) },
    // `<resource>/{identifier}/history/` for the resources whose records keep one (§1).
    ...(operations.history !== undefined ? { history: { resource, kind: 'history' as const, methods: methodsOf('history', operations) } } : {}),
  };
});

/** Methods of the OpenAPI document route. */
export const OPENAPI_METHODS: readonly string[] = READ_ONLY_METHODS;

/**
 * The `{identifier}` path segment: `raw` as received, `value` decoded once, or `null` when the
 * segment cannot be decoded (malformed escape, invalid UTF-8) or decodes to a value containing
 * U+0000. Such an identifier still matches its route and resolves to no record.
 */
export interface IdentifierSegment {
  raw: string;
  value: string | null;
}

export type RouteMatch =
  | { type: 'resource'; route: RouteDefinition; identifier?: IdentifierSegment }
  | { type: 'openapi' }
  /** The change feed, `changes/` (history-feed-idempotency.md §2). */
  | { type: 'changes' }
  | { type: 'unknown' };

/** Splits a request target into its raw path and raw query (without `?`; `null` when absent). */
export function splitRawUrl(rawUrl: string): { path: string; query: string | null } {
  const hash = rawUrl.indexOf('#');
  const target = hash >= 0 ? rawUrl.slice(0, hash) : rawUrl;
  const q = target.indexOf('?');
  return q >= 0 ? { path: target.slice(0, q), query: target.slice(q + 1) } : { path: target, query: null };
}

/** Whether a request target belongs to the integration API (everything under `/api/integrations/`). */
export function isIntegrationPath(rawUrl: string): boolean {
  const { path } = splitRawUrl(rawUrl);
  return path === INTEGRATIONS_PREFIX || path.startsWith(`${INTEGRATIONS_PREFIX}/`);
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/**
 * Percent-decodes one raw path segment exactly once, strictly: every `%` must start a two-digit hex
 * escape and the bytes must be valid UTF-8 (no surrogates, no overlong forms). `+` stays a plus.
 * Returns `null` when that fails or when the result contains U+0000.
 */
export function decodeIdentifierSegment(raw: string): string | null {
  if (!raw.includes('%')) return raw.includes('\u0000') ? null : raw;
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code === 0x25) {
      const hi = i + 1 < raw.length ? hexValue(raw.charCodeAt(i + 1)) : -1;
      const lo = i + 2 < raw.length ? hexValue(raw.charCodeAt(i + 2)) : -1;
      if (hi < 0 || lo < 0) return null;
      bytes.push(hi * 16 + lo);
      i += 2;
    } else if (code < 0x80) {
      bytes.push(code);
    } else {
      // Node rejects non-ASCII request targets; callers that pass them anyway get UTF-8.
      const cp = raw.codePointAt(i)!;
      const char = String.fromCodePoint(cp);
      for (const b of Buffer.from(char, 'utf8')) bytes.push(b);
      i += char.length - 1;
    }
  }
  let decoded: string;
  try {
    decoded = utf8.decode(Uint8Array.from(bytes));
  } catch {
    return null;
  }
  return decoded.includes('\u0000') ? null : decoded;
}

/**
 * Matches a raw (still percent-encoded) path against the route table. The path is split on `/`
 * before anything is decoded; a single trailing slash is optional; segments other than the
 * identifier match case-sensitively and literally; empty or extra segments match nothing.
 */
export function matchRoute(rawPath: string): RouteMatch {
  const prefix = `${INTEGRATIONS_PREFIX}/${API_VERSION}/`;
  if (!rawPath.startsWith(prefix)) return { type: 'unknown' };
  let rest = rawPath.slice(prefix.length);
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  if (rest === '') return { type: 'unknown' };
  const segments = rest.split('/');
  if (segments.some((s) => s === '')) return { type: 'unknown' };
  const [first, second] = segments;
  if (segments.length === 1 && first === OPENAPI_SEGMENT) return { type: 'openapi' };
  if (segments.length === 1 && first === CHANGES_SEGMENT) return { type: 'changes' };
  if (!isResourceName(first!) || segments.length > 3) return { type: 'unknown' };
  const routes = ROUTES[first];
  if (second === undefined) return { type: 'resource', route: routes.collection };
  const identifier = { raw: second, value: decodeIdentifierSegment(second) };
  if (segments.length === 3) {
    return segments[2] === HISTORY_SEGMENT && routes.history ? { type: 'resource', route: routes.history, identifier } : { type: 'unknown' };
  }
  return { type: 'resource', route: routes.item, identifier };
}

/** HTTP method → scope action (conventions.md §4); `null` for methods without one. */
export function actionForMethod(method: string): Action | null {
  switch (method) {
    case 'GET':
    case 'HEAD':
    case 'OPTIONS':
      return 'read';
    case 'POST':
    case 'PUT':
    case 'PATCH':
      return 'write';
    case 'DELETE':
      return 'delete';
    default:
      return null;
  }
}

/**
 * The service operation for an allowed, non-OPTIONS method on a route (`HEAD` is `GET`).
 * Returns `null` for OPTIONS and for methods the route does not support.
 */
export function operationFor(route: RouteDefinition, method: string, identifier?: string): Operation | null {
  if (!route.methods.includes(method)) return null;
  const name = OPERATION_OF_METHOD[route.kind][method];
  if (!name) return null;
  const withId = route.kind !== 'collection' && identifier !== undefined ? { identifier } : {};
  return { resource: route.resource, action: OPERATION_ACTIONS[name], name, ...withId };
}
